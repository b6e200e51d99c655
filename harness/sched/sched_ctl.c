/* SPDX-License-Identifier: Apache-2.0 */
/* sched_ctl.c - the controlled scheduler (see sched_ctl.h).
 *
 * One mutex ctl_mu guards the scheduler.  A thread reaching a scheduling point
 * records what it is about to do, picks the next thread (maybe itself) with
 * the strategy, hands it the token and sleeps on its own condvar until the
 * token comes back.  Because exactly one driver thread runs at a time, lock
 * acquisitions never block in the kernel: a thread that wants a held lock
 * is simply not enabled.  When no thread is enabled and none sleeps, the run
 * is deadlocked: that is reported at once with the wait-for cycle, no
 * timeout.  Then the run is drained: threads run one at a time, busy locks
 * are granted without being taken, drivers see the stop flag and finish, so
 * every thread can be joined and the next execution starts clean. */
#include "sched/sched_ctl.h"

#include "sched/checklog.h"
#include "sched/sched_ctl_enabled.h"
#include "sched/sched_ctl_fiber.h"
#include "sched/sched_ctl_py.h"
#include "sched/sched_ctl_state.h"
#include "sched/sched_ctl_strategy.h"

#include "engine/drivers.h"
#include "runtime/lockgraph.h"
#include "runtime/registry.h"
#include "runtime/schedpoint.h"
#include "base/util.h"
#include "engine/hangreport.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t exec_start_ns;     /* for "N s into the run" in reports */
pthread_mutex_t ctl_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t ctl_cv = PTHREAD_COND_INITIALIZER;
struct rt_ctl_params ctl_p;
struct cthread **ctl_ct;
int *ctl_pct_prio;
uint64_t *ctl_pos_prio;
int ctl_nct, ctl_cur = -1, ctl_all_done, ctl_draining;
static int capct, arrived;
static int live_workers;   /* controlled threads not done, the refresh loop aside */
uint64_t ctl_vnow, ctl_steps, ctl_drain_until;
struct rt_rng ctl_rng;
struct rt_ctl_result ctl_r;
static size_t captrace;
static int last_ran = -1;
int ctl_running;
pthread_cond_t ctl_arrive_cv = PTHREAD_COND_INITIALIZER;
sem_t ctl_arrive_sem;
static pthread_once_t arrive_once = PTHREAD_ONCE_INIT;

static const char *const strat_names[] = { "random", "pct", "pos", "replay", "confirm", "bytes" };

const char *rt_strategy_name(int s) { return s >= 0 && s <= RT_STRAT_BYTES ? strat_names[s] : "?"; }

int rt_strategy_parse(const char *name)
{
	for (int i = 0; i <= RT_STRAT_BYTES; i++)
		if (!strcmp(strat_names[i], name))
			return i;
	return -1;
}

struct cthread *ctl_of(struct rt_thread *t)
{
	if (t->id >= ctl_nct || ctl_ct[t->id]->t != t)
		return NULL;
	struct cthread *c = ctl_ct[t->id];
	return c->status == CT_NONE || c->status == CT_NEW || c->status == CT_FREE || c->hold ? NULL
															  : c;
}

static void trace_ev(int tid, int kind, const char *cls)
{
	/* after the deadlock the run is only drained: nothing worth drawing */
	if (!ctl_p.trace || (ctl_draining && kind != RT_TEV_DEADLOCK))
		return;
	if (ctl_r.ntrace == captrace) {
		captrace = captrace ? captrace * 2 : 1024;
		ctl_r.trace = rt_xrealloc(ctl_r.trace, captrace * sizeof *ctl_r.trace);
	}
	ctl_r.trace[ctl_r.ntrace++] = (struct rt_trace_ev){ ctl_steps, tid, kind, cls };
}

static int lock_free_for(const struct cthread *c)
{
	if (!c->want)
		return 1;
	struct rt_thread *o = rt_lock_owner(c->want);
	return o == NULL || o == c->t;
}

static int enabled(const struct cthread *c)
{
	if (c->status == CT_SLEEP)
		return c->wake <= ctl_vnow;
	if (c->status == CT_WAIT)
		return c->wake <= ctl_vnow || c->ready(c->wobj);
	/* a timed acquire runs again when its timeout expired, to give up */
	return c->status == CT_READY && (lock_free_for(c) || (c->give_up && c->give_up <= ctl_vnow));
}

/* The thread backend's enabled set: one look at every thread. */
static void scan_all(uint64_t *bits, struct ctl_enset *s, int *live, int *outside,
		     int *sleeping, uint64_t *wake)
{
	int w = (ctl_nct + 63) / 64;
	memset(bits, 0, (size_t)w * sizeof *bits);
	*s = (struct ctl_enset){ bits, w };
	for (int i = 0; i < ctl_nct; i++) {
		struct cthread *c = ctl_ct[i];
		if (c->status == CT_NONE || c->status == CT_DONE || c->status == CT_NEW ||
		    c->status == CT_FREE)
			continue;
		(*live)++;
		*outside += c->status == CT_OUTSIDE;
		if ((c->status == CT_SLEEP || c->status == CT_WAIT) && c->wake != RT_NO_TIMEOUT) {
			(*sleeping)++;
			if (c->wake < *wake)
				*wake = c->wake;
		}
		if (c->status == CT_READY && c->give_up && !lock_free_for(c)) {
			(*sleeping)++;   /* a timed acquire waits like a sleep */
			if (c->give_up < *wake)
				*wake = c->give_up;
		}
		if (ctl_draining ? (c->status == CT_READY || c->status == CT_SLEEP ||
				    c->status == CT_WAIT)
				 : enabled(c))
			bits[i >> 6] |= 1ULL << (i & 63);
	}
}

/* Exact deadlock: live threads, none can run, none sleeps. */
static void deadlocked_locked(int me)
{
	ctl_r.deadlock = 1;
	ctl_draining = 1;
	ctl_drain_until = ctl_steps + RT_CTL_DRAIN_STEPS;
	/* Threads parked at an acquire while the lock was still free are
	 * blocked now: show them so in the report. */
	for (int i = 0; i < ctl_nct; i++) {
		struct cthread *c = ctl_ct[i];
		if (c->status != CT_READY || !c->want || lock_free_for(c))
			continue;
		if (c->t->waiting_for != c->want)
			rt_thread_wait_begin(c->t, c->want, c->site);
	}
	trace_ev(me, RT_TEV_DEADLOCK, NULL);
	rt_drivers_request_stop();
	rt_hang_report_now("no thread can run (controlled execution; exact, no timeout)",
			   exec_start_ns);
}

/* Choose who runs next; ctl_mu held.  Returns -1 when every thread finished. */
int pick_locked(int me)
{
	uint64_t bits[ctl_nct > 0 ? (ctl_nct + 63) / 64 : 1];
	for (;;) {
		struct ctl_enset s;
		int sleeping = 0, live = 0, outside = 0;
		uint64_t wake = UINT64_MAX;
		/* kept incrementally (fiber backend), else one look at every thread */
		int kept = ctl_en_collect(&s, &live, &outside, &sleeping, &wake) == 0;
		if (!kept)
			scan_all(bits, &s, &live, &outside, &sleeping, &wake);
		/* (no target threads where the set is kept: C targets) */
		if (!live || (!kept && target_threads_at_rest_locked()))
			return -1;
		int first = enset_next(&s, 0);
		if (first < 0 && sleeping) {
			ctl_vnow = wake;   /* nothing can run: jump the virtual clock */
			continue;
		}
		if (first < 0 && outside)
			return -2;   /* wait for it to come back (resched_locked) */
		if (first < 0) {
			deadlocked_locked(me);
			continue;
		}
		if (ctl_draining)
			return drain_pick(&s);
		int chosen = first;
		if (enset_next(&s, first + 1) >= 0) {   /* more than one */
			chosen = strategy_pick(me, &s);
			int pre = enset_has(&s, me) && chosen != me;
			ctl_r.preemptions += pre;
			record(chosen, &s, me, pre);
			ctl_nchoice++;
		}
		if (ctl_p.strategy == RT_STRAT_POS && ctl_ct[chosen]->want) {
			/* POS: events racing with the one about to run (same lock)
			 * get fresh priorities */
			for (int i = 0; !ctl_en_repri_waiters(chosen) && i < ctl_nct; i++)
				if (i != chosen && ctl_ct[i]->want == ctl_ct[chosen]->want)
					ctl_pos_prio[i] = rt_rng_next(&ctl_rng);
		}
		return chosen;
	}
}

/* Wait until it is me's turn; 1 if me was let go instead.  ctl_mu held. */
int park_locked(int me)
{
	struct cthread *c = ctl_ct[me];
	if (ctl_cur == me || c->status == CT_FREE)
		return c->status == CT_FREE;
	if (ctl_p.fibers) {
		ctl_fiber_park_locked(me);
		return 0;
	}
	void *tok = rt_park_hooks.save ? rt_park_hooks.save() : NULL;
	while (ctl_cur != me && c->status != CT_FREE)
		pthread_cond_wait(&c->cv, &ctl_mu);
	int freed = c->status == CT_FREE;
	if (tok) {   /* never wait for the GIL holding ctl_mu */
		pthread_mutex_unlock(&ctl_mu);
		rt_park_hooks.restore(tok);
		pthread_mutex_lock(&ctl_mu);
	}
	return freed;
}

/* Hand the token to next and wait for it to come back; ctl_mu held. */
void switch_and_wait(int me, int next)
{
	if (next == -2) {
		ctl_cur = -1;   /* a thread outside control comes back and picks */
	} else if (next < 0) {
		ctl_all_done = 1;
		ctl_cur = -1;
		pthread_cond_signal(&ctl_cv);
	} else if (next != me) {
		ctl_cur = next;
		if (!ctl_p.fibers)
			pthread_cond_signal(&ctl_ct[next]->cv);
	} else {
		ctl_cur = me;   /* it had no turn: it was outside control */
	}
	if (me < 0)
		return;
	if (park_locked(me))
		return;   /* let go (CT_FREE) */
	ctl_ct[me]->status = CT_RUNNING;
	ctl_ct[me]->want = NULL;
	ctl_en_update(me);
	last_ran = me;
}

/* The thread reached a point: pick who runs next.  One that was outside
 * control does not hold the turn: it waits for it, unless nobody has it. */
void resched_locked(int me)
{
	struct cthread *c = ctl_ct[me];
	if (c->outside) {
		c->outside = 0;
		if (ctl_cur >= 0 && ctl_cur != me) {
			if (!park_locked(me))
				c->status = CT_RUNNING;
			ctl_en_update(me);
			return;
		}
	}
	switch_and_wait(me, pick_locked(me));
}

void advance_locked(void)
{
	ctl_steps++;
	ctl_vnow += ctl_p.vstep_ns;
	if ((ctl_p.vduration_ns && ctl_vnow >= ctl_p.vduration_ns) || (ctl_p.max_steps && ctl_steps >= ctl_p.max_steps)) {
		if (ctl_p.max_steps && ctl_steps == ctl_p.max_steps && !ctl_draining) {
			ctl_r.step_bound = 1;
			ctl_draining = 1;
			ctl_drain_until = ctl_steps + RT_CTL_DRAIN_STEPS;
		}
		rt_drivers_request_stop();
	}
}

static void ctl_point(struct rt_thread *t, enum rt_ev ev, const void *obj)
{
	pthread_mutex_lock(&ctl_mu);
	struct cthread *c = ctl_of(t);
	if (!c) {   /* a thread the scheduler does not control */
		pthread_mutex_unlock(&ctl_mu);
		return;
	}
	c->status = CT_READY;
	c->ev = ev;
	c->obj = obj;
	c->want = NULL;
	ctl_pos_prio[t->id] = rt_rng_next(&ctl_rng);
	ctl_en_update(t->id);
	advance_locked();
	resched_locked(t->id);
	pthread_mutex_unlock(&ctl_mu);
}

static int ctl_acquire(struct rt_thread *t, rt_lock *l, struct rt_site site, uint64_t timeout_ns)
{
	pthread_mutex_lock(&ctl_mu);
	struct cthread *c = ctl_of(t);
	if (!c) {
		pthread_mutex_unlock(&ctl_mu);
		return RT_ACQ_TAKE;
	}
	/* a timeout beyond the clock's range never expires */
	c->give_up = timeout_ns == RT_NO_TIMEOUT || timeout_ns >= UINT64_MAX - ctl_vnow
			     ? 0 : ctl_vnow + (timeout_ns ? timeout_ns : 1);
	c->status = CT_READY;
	c->ev = RT_EV_ACQUIRE;
	c->obj = l;
	c->want = l;
	c->site = site;
	ctl_pos_prio[t->id] = rt_rng_next(&ctl_rng);
	ctl_en_update(t->id);
	const char *cls = rt_lock_class_name(l);
	int busy = !lock_free_for(c);
	if (busy) {
		/* what the deadlock report shows for this thread */
		rt_thread_wait_begin(t, l, site);
		trace_ev(t->id, RT_TEV_WAIT, cls);
	}
	advance_locked();
	resched_locked(t->id);
	if (busy || t->waiting_for) {
		pthread_mutex_lock(&t->mu);
		t->waiting_for = NULL;
		atomic_store(&t->state, RT_TS_RUNNING);
		pthread_mutex_unlock(&t->mu);
	}
	/* While ctl_draining, a lock still held by a wedged thread is granted
	 * without being taken; threads run one at a time, so no data race.
	 * Else a timed acquire chosen while the lock is still busy gives up. */
	struct rt_thread *o = rt_lock_owner(l);
	int fake = ctl_draining && o != NULL;
	int gave_up = !fake && c->give_up && o != NULL && o != t;
	c->give_up = 0;
	ctl_en_update(t->id);
	if (!gave_up)
		trace_ev(t->id, RT_TEV_ACQUIRED, cls);
	pthread_mutex_unlock(&ctl_mu);
	return fake ? RT_ACQ_GRANTED : gave_up ? RT_ACQ_TIMEDOUT : RT_ACQ_TAKE;
}

static void ctl_release_point(struct rt_thread *t, enum rt_ev ev, const void *obj)
{
	if (ev == RT_EV_RELEASE && ctl_p.trace) {
		pthread_mutex_lock(&ctl_mu);
		if (ctl_of(t))
			trace_ev(t->id, RT_TEV_RELEASED, rt_lock_class_name(obj));
		pthread_mutex_unlock(&ctl_mu);
	}
	ctl_point(t, ev, obj);
}

static void ctl_sleep(struct rt_thread *t, uint64_t ns)
{
	pthread_mutex_lock(&ctl_mu);
	struct cthread *c = ctl_of(t);
	if (!c) {
		pthread_mutex_unlock(&ctl_mu);
		return;
	}
	c->status = CT_SLEEP;
	c->wake = ctl_vnow + ns;
	c->want = NULL;
	c->ev = RT_EV_POINT;
	ctl_en_update(t->id);
	trace_ev(t->id, RT_TEV_SLEEP, NULL);
	advance_locked();
	resched_locked(t->id);
	pthread_mutex_unlock(&ctl_mu);
}

static void ctl_created(struct rt_thread *t)
{
	pthread_mutex_lock(&ctl_mu);
	if (t->id >= capct) {
		int old = capct;
		capct = t->id + 16 > 2 * capct ? t->id + 16 : 2 * capct;
		ctl_ct = rt_xrealloc(ctl_ct, (size_t)capct * sizeof *ctl_ct);
		ctl_pct_prio = rt_xrealloc(ctl_pct_prio, (size_t)capct * sizeof *ctl_pct_prio);
		ctl_pos_prio = rt_xrealloc(ctl_pos_prio, (size_t)capct * sizeof *ctl_pos_prio);
		for (int i = old; i < capct; i++) {
			ctl_ct[i] = rt_xcalloc(1, sizeof *ctl_ct[i]);
			pthread_cond_init(&ctl_ct[i]->cv, NULL);
		}
	}
	struct cthread *c = ctl_ct[t->id];
	if (c->status == CT_NONE || c->status == CT_DONE)
		live_workers += strcmp(t->role, "refresh") && strcmp(t->role, "python");
	c->t = t;
	c->status = CT_NEW;
	c->want = NULL;
	c->give_up = 0;
	ctl_pct_prio[t->id] = 0;
	ctl_pct_changed();
	c->nme = 0;
	c->outside = c->hold = 0;
	c->fw = NULL;
	if (t->id >= ctl_nct)
		ctl_nct = t->id + 1;
	ctl_en_update(t->id);
	pthread_mutex_unlock(&ctl_mu);
}

static void ctl_start(struct rt_thread *t)
{
	pthread_mutex_lock(&ctl_mu);
	struct cthread *c = t->id < ctl_nct && ctl_ct[t->id]->t == t && ctl_ct[t->id]->status == CT_NEW
				    ? ctl_ct[t->id] : NULL;
	if (c) {
		c->status = CT_READY;
		c->ev = RT_EV_OP;
		ctl_en_update(t->id);
		arrived++;
		pthread_cond_broadcast(&ctl_arrive_cv);   /* its creator waits for this */
		if (!ctl_running)
			sem_post(&ctl_arrive_sem);   /* rt_ctl_run counts arrivals */
		if (!park_locked(t->id))
			c->status = CT_RUNNING;
		ctl_en_update(t->id);
	}
	pthread_mutex_unlock(&ctl_mu);
}

static void ctl_exit(struct rt_thread *t)
{
	pthread_mutex_lock(&ctl_mu);
	never_arrived_locked(t);
	struct cthread *c = ctl_of(t);
	if (c) {
		c->status = CT_DONE;
		ctl_en_update(t->id);
		trace_ev(t->id, RT_TEV_EXIT, NULL);
		/* Workers done: let the refresh loop end too. */
		if (strcmp(t->role, "refresh") && strcmp(t->role, "python") && --live_workers == 0)
			rt_drivers_request_stop();
		advance_locked();
		if (c->outside && ctl_cur >= 0 && ctl_cur != t->id)
			c->outside = 0;   /* not its turn to give away */
		else
			switch_and_wait(-1, pick_locked(t->id));
	}
	pthread_mutex_unlock(&ctl_mu);
}

/* The controlled scheduler's operations, on either backend. */
#define CTL_OPS_COMMON                                                             \
	.name = "controlled", .point = ctl_release_point, .acquire = ctl_acquire,  \
	.thread_created = ctl_created, .sleep = ctl_sleep, .thread_start = ctl_start, \
	.thread_exit = ctl_exit, .controlled = 1, .controls = ctl_controls,        \
	.wait = ctl_wait, .await_start = ctl_await_start, .hold = ctl_hold

static const struct rt_sched_ops ctl_ops = { CTL_OPS_COMMON };
/* The same with drivers as fibers (sched_ctl_fiber.c). */
static const struct rt_sched_ops ctl_fiber_ops = {
	CTL_OPS_COMMON, .spawn = ctl_fiber_spawn, .join = ctl_fiber_join,
};

int rt_ctl_backend_fibers(void)
{
	static _Atomic int mode = -1;
	int m = atomic_load_explicit(&mode, memory_order_relaxed);
	if (m < 0) {
		const char *e = getenv("REDIRTORTURE_CTL_BACKEND");
		m = !(e && !strcmp(e, "threads"));
		atomic_store_explicit(&mode, m, memory_order_relaxed);
	}
	return m;
}

static void arrive_sem_init(void) { sem_init(&ctl_arrive_sem, 0, 0); }

void rt_ctl_begin(const struct rt_ctl_params *p)
{
	pthread_once(&arrive_once, arrive_sem_init);
	pthread_mutex_lock(&ctl_mu);
	ctl_p = *p;
	exec_start_ns = rt_now_ns();
	if (!ctl_p.vstep_ns)
		ctl_p.vstep_ns = 100000;
	for (int i = 0; i < capct; i++)
		ctl_ct[i]->status = CT_NONE;
	ctl_nct = arrived = ctl_all_done = ctl_draining = live_workers = ctl_running = 0;
	ctl_cur = last_ran = -1;
	ctl_vnow = ctl_steps = 0;
	ctl_py_reset_locked();
	ctl_strategy_reset_locked();
	ctl_rng.s = rt_mix64(p->seed ^ 0x5eed);
	memset(&ctl_r, 0, sizeof ctl_r);
	captrace = 0;
	uint64_t k = ctl_p.k_estimate ? ctl_p.k_estimate : 1000;
	for (int j = 0; j < 8; j++)
		ctl_pct_cp[j] = 1 + rt_rng_below(&ctl_rng, (uint32_t)(k > UINT32_MAX ? UINT32_MAX : k));
	ctl_en_reset_locked(ctl_p.fibers);   /* only C targets' threads there */
	if (ctl_p.fibers)
		ctl_fiber_begin_locked();
	pthread_mutex_unlock(&ctl_mu);
	rt_sched = ctl_p.fibers ? &ctl_fiber_ops : &ctl_ops;
}

void rt_ctl_run(void)
{
	/* Wait until every driver thread arrived (ctl_start posts once each).
	 * Counting in a semaphore keeps thread timing out of instrumented code:
	 * a loop around a condvar would wait a timing-dependent number of times,
	 * and an input would not cover the same edges on every run (fuzzing:
	 * AFL++ stability, harness/fuzz/). */
	pthread_mutex_lock(&ctl_mu);
	if (ctl_p.fibers)
		ctl_fiber_arrivals_locked();   /* each fiber to its first point, in order */
	int n = 0;
	for (int i = 0; i < ctl_nct; i++)   /* not the records of uncontrolled threads */
		n += ctl_ct[i]->status != CT_NONE;
	pthread_mutex_unlock(&ctl_mu);
	for (int i = 0; i < n; i++)
		while (sem_wait(&ctl_arrive_sem) != 0)
			;   /* EINTR */
	pthread_mutex_lock(&ctl_mu);
	ctl_running = 1;
	/* PCT: distinct random priorities, all above the change-point values */
	for (int i = 0; i < ctl_nct; i++)
		ctl_pct_prio[i] = i + 1;
	for (int i = ctl_nct - 1; i > 0; i--) {
		int j = (int)rt_rng_below(&ctl_rng, (uint32_t)i + 1), tmp = ctl_pct_prio[i];
		ctl_pct_prio[i] = ctl_pct_prio[j];
		ctl_pct_prio[j] = tmp;
	}
	ctl_pct_changed();
	for (int i = 0; i < ctl_nct; i++)
		ctl_pos_prio[i] = rt_rng_next(&ctl_rng);
	switch_and_wait(-1, pick_locked(-1));
	if (ctl_p.fibers)
		ctl_fiber_host_locked();
	while (!ctl_all_done)
		if (!ctl_p.outside_ns)
			pthread_cond_wait(&ctl_cv, &ctl_mu);
		else
			watch_outside_locked();
	pthread_mutex_unlock(&ctl_mu);
}

void rt_ctl_end(struct rt_ctl_result *out)
{
	pthread_mutex_lock(&ctl_mu);
	ctl_r.steps = ctl_steps;
	ctl_r.nthreads = ctl_nct;
	ctl_r.thread_names = rt_xcalloc((size_t)ctl_nct + 1, sizeof *ctl_r.thread_names);
	for (int i = 0; i < ctl_nct; i++)
		if (ctl_ct[i]->t)
			snprintf(ctl_r.thread_names[i], sizeof ctl_r.thread_names[i], "%s", ctl_ct[i]->t->name);
	if (ctl_p.fibers)
		ctl_fiber_end_locked();
	ctl_en_end_locked();
	*out = ctl_r;
	memset(&ctl_r, 0, sizeof ctl_r);
	pthread_mutex_unlock(&ctl_mu);
}

void rt_ctl_result_checks(const struct rt_ctl_result *r)
{
	rt_checklog_fill(r->checklog, r->choices, r->nchoices);
}

void rt_ctl_result_free(struct rt_ctl_result *r)
{
	rt_checklog_free(r->checklog);
	free(r->choices);
	free(r->trace);
	free(r->thread_names);
	memset(r, 0, sizeof *r);
}
