/* SPDX-License-Identifier: Apache-2.0 */
/* sched_ctl_py.h - the controlled scheduler's part for threads the target
 * starts itself (embedded Python; sched_ctl_py.c).  Internal to sched/;
 * the functions named _locked are called with ctl_mu held. */
#ifndef RT_SCHED_CTL_PY_H
#define RT_SCHED_CTL_PY_H

#include "sched/enset.h"

#include "runtime/registry.h"

#include <stdint.h>

/* Forget what the last execution saw of threads outside control. */
void ctl_py_reset_locked(void);
/* Draining: who runs next among the enabled s (drivers first). */
int drain_pick(const struct ctl_enset *s);
/* 1 when only the target's own threads are left, each at rest (or past
 * the drain bound): they were let go. */
int target_threads_at_rest_locked(void);
/* A thread made with thread_created that ends before thread_start. */
void never_arrived_locked(struct rt_thread *t);
/* rt_ctl_run's wait while P.outside_ns is set: marks a thread that has the
 * turn and reaches no point for that long as outside control. */
void watch_outside_locked(void);
/* The rt_sched_ops entries for those threads (runtime/schedpoint.h). */
int ctl_controls(struct rt_thread *t);
int ctl_wait(struct rt_thread *t, int (*ready)(const void *), const void *obj, uint64_t ns);
void ctl_await_start(struct rt_thread *t);
void ctl_hold(struct rt_thread *t, int on);

#endif
