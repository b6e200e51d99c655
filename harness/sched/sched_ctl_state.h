/* SPDX-License-Identifier: Apache-2.0 */
/* sched_ctl_state.h - the controlled scheduler's state, shared by its files
 * (internal to sched/): sched_ctl.c (scheduling points, picking the next
 * thread, one execution), sched_ctl_strategy.c (the strategies),
 * sched_ctl_py.c (threads the target starts itself: embedded Python).
 * Everything here is guarded by ctl_mu; the functions named _locked are
 * called with it held. */
#ifndef RT_SCHED_CTL_STATE_H
#define RT_SCHED_CTL_STATE_H

#include "sched/sched_ctl.h"

#include "runtime/registry.h"
#include "runtime/schedpoint.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>

enum cstatus {
	CT_NONE, CT_NEW, CT_READY, CT_RUNNING, CT_SLEEP, CT_DONE,
	/* threads the target starts itself (embedded Python, sched_ctl_py.c) */
	CT_WAIT,      /* parked until ready(wobj) or wake (virtual) */
	CT_OUTSIDE,   /* took longer than ctl_p.outside_ns to reach its next point */
	CT_FREE,      /* let go: runs free until the execution's end */
};

struct cthread {
	struct rt_thread *t;
	pthread_cond_t cv;
	int status;
	enum rt_ev ev;
	const void *obj;
	rt_lock *want;
	struct rt_site site;        /* of the pending acquire */
	uint64_t give_up;           /* virtual time a timed acquire gives up; 0: untimed */
	uint64_t wake;
	uint32_t nme;                 /* choices it ran at so far (rt_steer.k) */
	int (*ready)(const void *);   /* CT_WAIT */
	const void *wobj;
	int outside;                  /* marked CT_OUTSIDE since its last point */
	int hold;                     /* keeps its turn, points are no points */
	struct ctl_fworker *fw;       /* fiber backend: the fiber it runs on */
};

/* draining: the target's own threads are let go by this step at the latest */
#define RT_CTL_DRAIN_STEPS 200000

extern pthread_mutex_t ctl_mu;
extern pthread_cond_t ctl_cv;            /* rt_ctl_run waits on it */
extern pthread_cond_t ctl_arrive_cv;     /* mid-run arrivals */
extern sem_t ctl_arrive_sem;             /* one post per arrived driver thread */
extern struct rt_ctl_params ctl_p;
extern struct rt_ctl_result ctl_r;
/* One record per thread, allocated once and never moved: other threads
 * sleep on the condvar inside it while the table of pointers grows. */
extern struct cthread **ctl_ct;
/* PCT's and POS's priority of thread i, in arrays of their own (as many
 * entries as ctl_ct): POS's pick reads one for every enabled thread, and
 * contiguous entries cost one load each, not two into scattered records.
 * Whoever changes ctl_pct_prio calls ctl_pct_changed() (PCT keeps the
 * threads sorted by it, sched_ctl_strategy.c). */
extern int *ctl_pct_prio;
extern uint64_t *ctl_pos_prio;
extern int ctl_nct, ctl_cur, ctl_all_done, ctl_draining;
extern int ctl_running;                  /* rt_ctl_run is past the arrivals */
extern uint64_t ctl_vnow, ctl_steps, ctl_drain_until;
extern uint64_t ctl_nchoice, ctl_pct_cp[8];   /* choices so far; PCT's change points */
extern struct rt_rng ctl_rng;

/* sched_ctl.c */
struct cthread *ctl_of(struct rt_thread *t);   /* NULL: not controlled now */
int pick_locked(int me);
void switch_and_wait(int me, int next);
void resched_locked(int me);
void advance_locked(void);
int park_locked(int me);

#endif
