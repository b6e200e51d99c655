/* SPDX-License-Identifier: Apache-2.0 */
/* sched_ctl_strategy.h - the controlled scheduler's strategies and the
 * recorded schedule (sched_ctl_strategy.c).  Internal to sched/; called
 * with ctl_mu held. */
#ifndef RT_SCHED_CTL_STRATEGY_H
#define RT_SCHED_CTL_STRATEGY_H

#include "sched/enset.h"

#include <stdint.h>

/* Forget the last execution's schedule and check hash. */
void ctl_strategy_reset_locked(void);
/* Which of the enabled threads s (more than one) runs next; me is the thread
 * at the point (-1: none). */
int strategy_pick(int me, const struct ctl_enset *s);
/* The check byte of a choice: a hash of the enabled set and the chosen
 * thread's pending event. */
uint8_t check_of(const struct ctl_enset *s, int chosen);
/* ctl_pct_prio changed (new threads, a new execution's priorities). */
void ctl_pct_changed(void);
/* Append a choice to the recorded schedule: tid chosen among s; its check
 * byte is made on demand (rt_ctl_result_checks). */
void record(int tid, const struct ctl_enset *s, int me, int preempt);

#endif
