/* SPDX-License-Identifier: Apache-2.0 */
/* rt.h - the API a target (a redirection implementation under test) uses.
 *
 * Targets are small: they model a library's locks and write paths and call
 * back into the harness for everything else (locks, sinks, allocation points,
 * blocking syscalls).  Invariants, noise, oracles and reports live in the
 * harness.  Each part is declared in the header of the file that defines it.
 */
#ifndef RT_H
#define RT_H

#include "site.h"      /* struct rt_site, RT_SITE, enum rt_stream */
#include "lock.h"      /* instrumented locks */
#include "sink.h"      /* where output lands */
#include "hooks.h"     /* allocation points, syscalls, threads */
#include "target.h"    /* struct rt_target_ops */
#include "target_plugin.h"   /* RT_TARGET_PLUGIN(): targets built out of tree */
#ifdef RT_LOCK_INLINE
#include "runtime/lock_fast.h"   /* in-tree only: rt_lock_acquire/release inline */
#endif

#endif
