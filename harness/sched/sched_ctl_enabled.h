/* SPDX-License-Identifier: Apache-2.0 */
/* sched_ctl_enabled.h - the enabled set kept incrementally
 * (sched_ctl_enabled.c), so that picking the next thread does not look at
 * every thread: each thread is filed by what it waits for when its state
 * changes, and a pick looks only at the files that can change by
 * themselves (lock waiters by lock, sleepers, timed acquires).  Used on the
 * fiber backend (C targets: no thread the scheduler does not control can
 * change a lock's owner between two points); the thread backend scans.
 * Internal to sched/; called with ctl_mu held. */
#ifndef RT_SCHED_CTL_ENABLED_H
#define RT_SCHED_CTL_ENABLED_H

#include "sched/enset.h"

#include <stdint.h>

/* A new execution: every thread unfiled; on = 1 to keep the set. */
void ctl_en_reset_locked(int on);
/* The execution is over: its lock wait queues are freed now, so the next
 * execution builds its own from none (under AFL++'s persistent mode, how
 * many queues a run finds and searches never depends on earlier inputs). */
void ctl_en_end_locked(void);
/* Thread i's status, want or give_up changed: file it again. */
void ctl_en_update(int i);
/* The enabled threads, as pick_locked's scan finds them, into *s (valid
 * until the next call); *live, *outside, *sleeping and *wake as the scan
 * counts them.  Returns 0, or -1 when not kept. */
int ctl_en_collect(struct ctl_enset *s, int *live, int *outside, int *sleeping, uint64_t *wake);
/* A second numbering of threads 0..n-1 (a permutation; PCT: by priority,
 * 0 the highest), kept until the next call (NULL: none), a new thread or
 * the next execution.  Not kept on the thread backend. */
void ctl_en_rank(const int *rank, int n);
/* After ctl_en_collect: the lowest rank among the enabled threads; -1 when
 * there are no ranks (or none is enabled). */
int ctl_en_first_rank(void);
/* POS: fresh priorities for the threads other than chosen waiting for
 * the lock chosen wants, in index order.  0 when not kept. */
int ctl_en_repri_waiters(int chosen);

#endif
