/* SPDX-License-Identifier: Apache-2.0 */
/* sched_ctl_fiber.h - the controlled scheduler's fiber backend
 * (sched_ctl_fiber.c): driver threads of C targets run as fibers
 * (sched/fiber.h) on the thread that runs the execution, and a hand-off is a
 * user-level context switch instead of a condvar signal and a futex wait.
 * Internal to sched/; the functions named _locked are called with ctl_mu
 * held (they drop it around every switch). */
#ifndef RT_SCHED_CTL_FIBER_H
#define RT_SCHED_CTL_FIBER_H

#include "runtime/registry.h"

/* rt_sched_ops.spawn / join (runtime/schedpoint.h): t's fiber runs fn(arg)
 * once scheduled; fibers are pooled and reused. */
int ctl_fiber_spawn(struct rt_thread *t, void *(*fn)(void *), void *arg);
void ctl_fiber_join(int handle);
/* Run every spawned fiber that has not started yet to its first point. */
void ctl_fiber_arrivals_locked(void);
/* Until the execution ends: run the fiber whose turn it is. */
void ctl_fiber_host_locked(void);
/* me waits until it has the turn: switches to the fiber that has it. */
void ctl_fiber_park_locked(int me);
/* Begin / end of an execution on the fiber backend (the report hook). */
void ctl_fiber_begin_locked(void);
void ctl_fiber_end_locked(void);

#endif
