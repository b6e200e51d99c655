/* SPDX-License-Identifier: Apache-2.0 */
/* sched_ctl.c - the controlled scheduler (see sched_ctl.h).
 *
 * One mutex M guards the scheduler.  A thread reaching a scheduling point
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

#include "sched/checkhash.h"

#include "engine/drivers.h"
#include "runtime/lockgraph.h"
#include "runtime/registry.h"
#include "runtime/schedpoint.h"
#include "base/util.h"
#include "engine/hangreport.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum cstatus {
	CT_NONE, CT_NEW, CT_READY, CT_RUNNING, CT_SLEEP, CT_DONE,
	/* threads the target starts itself (embedded Python), see the end */
	CT_WAIT,      /* parked until ready(wobj) or wake (virtual) */
	CT_OUTSIDE,   /* took longer than P.outside_ns to reach its next point */
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
	int pct_prio;
	uint64_t pos_prio;
	int (*ready)(const void *);   /* CT_WAIT */
	const void *wobj;
	int outside;                  /* marked CT_OUTSIDE since its last point */
	int hold;                     /* keeps its turn, points are no points */
};

static uint64_t exec_start_ns;     /* for "N s into the run" in reports */
static pthread_mutex_t M = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ctl_cv = PTHREAD_COND_INITIALIZER;
static struct rt_ctl_params P;
/* One record per thread, allocated once and never moved: other threads
 * sleep on the condvar inside it while the table of pointers grows. */
static struct cthread **ct;
static int nct, capct, arrived, cur = -1, all_done, draining;
static int live_workers;   /* controlled threads not done, the refresh loop aside */
static uint64_t vnow, steps, nchoice, pct_cp[8];
static struct rt_rng rng;
static struct rt_ctl_result R;
static size_t capchoices, captrace;
static int last_ran = -1;
static struct rt_checkhash enabled_hash;   /* check_of's hash of e[] */
static int running;                     /* rt_ctl_run is past the arrivals */
static pthread_cond_t arrive_cv = PTHREAD_COND_INITIALIZER;   /* mid-run arrivals */
static sem_t arrive_sem;                /* one post per arrived driver thread */
static pthread_once_t arrive_once = PTHREAD_ONCE_INIT;

static int drain_pick(const int *e, int ne);
static int target_threads_at_rest_locked(void);
/* draining: the target's own threads are let go by this step at the latest */
static uint64_t drain_until;
#define RT_CTL_DRAIN_STEPS 200000

static const char *const strat_names[] = { "random", "pct", "pos", "replay", "confirm", "bytes" };

const char *rt_strategy_name(int s) { return s >= 0 && s <= RT_STRAT_BYTES ? strat_names[s] : "?"; }

int rt_strategy_parse(const char *name)
{
	for (int i = 0; i <= RT_STRAT_BYTES; i++)
		if (!strcmp(strat_names[i], name))
			return i;
	return -1;
}

static struct cthread *ctl_of(struct rt_thread *t)
{
	if (t->id >= nct || ct[t->id]->t != t)
		return NULL;
	struct cthread *c = ct[t->id];
	return c->status == CT_NONE || c->status == CT_NEW || c->status == CT_FREE || c->hold ? NULL
															  : c;
}

static void trace_ev(int tid, int kind, const char *cls)
{
	/* after the deadlock the run is only drained: nothing worth drawing */
	if (!P.trace || (draining && kind != RT_TEV_DEADLOCK))
		return;
	if (R.ntrace == captrace) {
		captrace = captrace ? captrace * 2 : 1024;
		R.trace = rt_xrealloc(R.trace, captrace * sizeof *R.trace);
	}
	R.trace[R.ntrace++] = (struct rt_trace_ev){ steps, tid, kind, cls };
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
		return c->wake <= vnow;
	if (c->status == CT_WAIT)
		return c->wake <= vnow || c->ready(c->wobj);
	/* a timed acquire runs again when its timeout expired, to give up */
	return c->status == CT_READY && (lock_free_for(c) || (c->give_up && c->give_up <= vnow));
}

/* DeadlockFuzzer-style steering: a thread that holds one lock of the cycle
 * and wants another waits while anyone else can run. */
static int in_cycle(const char *cls)
{
	for (int i = 0; i < P.nconfirm; i++)
		if (!strcmp(P.confirm[i], cls))
			return 1;
	return 0;
}

static int postponed(const struct cthread *c)
{
	if (!c->want || !in_cycle(rt_lock_class_name(c->want)))
		return 0;
	for (int i = 0; i < c->t->nheld; i++) {
		const rt_lock *h = c->t->held[i].lock;
		if (h != c->want && in_cycle(rt_lock_class_name(h)) &&
		    strcmp(rt_lock_class_name(h), rt_lock_class_name(c->want)))
			return 1;
	}
	return 0;
}

static uint8_t check_of(const int *e, int ne, int chosen)
{
	/* FNV-1a streams: one pass over the array hashes what one call per
	 * element did (the check bytes of committed repros stay the same);
	 * checkhash.c resumes from the prefix the last enabled set shares */
	uint64_t h = rt_checkhash_set(&enabled_hash, e, ne);
	int ev = ct[chosen]->ev;
	h = rt_fnv1a(&ev, sizeof ev, h);
	if (ct[chosen]->want) {
		const char *cls = rt_lock_class_name(ct[chosen]->want);
		h = rt_fnv1a(cls, strlen(cls), h);
	}
	return (uint8_t)(h ^ (h >> 8) ^ (h >> 16) ^ (h >> 24));
}

static void record(int tid, uint8_t check, int me, int preempt)
{
	if (R.nchoices == capchoices) {
		capchoices = capchoices ? capchoices * 2 : 256;
		R.choices = rt_xrealloc(R.choices, capchoices * sizeof *R.choices);
	}
	R.choices[R.nchoices++] = (struct rt_choice){ (uint16_t)tid, check, (uint8_t)preempt,
						      (int16_t)me };
}

static int strategy_pick(int me, const int *e, int ne)
{
	switch (P.strategy) {
	case RT_STRAT_PCT: {
		/* change points: the running thread drops below everyone */
		for (int j = 0; j < P.depth - 1 && j < 8; j++)
			if (pct_cp[j] == nchoice && me >= 0)
				ct[me]->pct_prio = j - P.depth;
		int best = e[0];
		for (int i = 1; i < ne; i++)
			if (ct[e[i]]->pct_prio > ct[best]->pct_prio)
				best = e[i];
		return best;
	}
	case RT_STRAT_POS: {
		int best = e[0];
		for (int i = 1; i < ne; i++)
			if (ct[e[i]]->pos_prio > ct[best]->pos_prio)
				best = e[i];
		return best;
	}
	case RT_STRAT_CONFIRM: {
		int free_[ne], nf = 0;
		for (int i = 0; i < ne; i++)
			if (!postponed(ct[e[i]]))
				free_[nf++] = e[i];
		if (nf)
			return free_[rt_rng_below(&rng, (uint32_t)nf)];
		return e[rt_rng_below(&rng, (uint32_t)ne)];
	}
	case RT_STRAT_BYTES: {
		if (nchoice < P.nbytes)
			return e[P.bytes[nchoice] % (unsigned)ne];
		for (int i = 0; i < ne; i++)
			if (e[i] == me)
				return me;
		return e[0];
	}
	case RT_STRAT_REPLAY: {
		int fallback = e[0];
		for (int i = 0; i < ne; i++)
			if (e[i] == me)
				fallback = me;   /* no preemption when the schedule is silent */
		if (nchoice >= P.nreplay) {
			if (!P.lenient && !R.diverged) {
				R.diverged = 1;
				snprintf(R.diverge_msg, sizeof R.diverge_msg,
					 "choice %llu: the recorded schedule ended (%zu choices) but the "
					 "run went on",
					 (unsigned long long)nchoice, P.nreplay);
			}
			return fallback;
		}
		const struct rt_choice *want = &P.replay[nchoice];
		for (int i = 0; i < ne; i++)
			if (e[i] == want->tid) {
				if (!P.lenient && !R.diverged && check_of(e, ne, e[i]) != want->check) {
					R.diverged = 1;
					snprintf(R.diverge_msg, sizeof R.diverge_msg,
						 "choice %llu: thread %d (%s) is about to do something "
						 "other than what was recorded (uncontrolled "
						 "nondeterminism in the target?)",
						 (unsigned long long)nchoice, want->tid,
						 ct[want->tid]->t->name);
				}
				return e[i];
			}
		if (!P.lenient && !R.diverged) {
			R.diverged = 1;
			snprintf(R.diverge_msg, sizeof R.diverge_msg,
				 "choice %llu: recorded thread %d cannot run here (%s)",
				 (unsigned long long)nchoice, want->tid,
				 want->tid < nct ? "blocked, sleeping or finished" : "no such thread");
		}
		return fallback;
	}
	default:
		return e[rt_rng_below(&rng, (uint32_t)ne)];
	}
}

/* Choose who runs next; M held.  Returns -1 when every thread finished. */
static int pick_locked(int me)
{
	int e[nct > 0 ? nct : 1];
	for (;;) {
		int ne = 0, sleeping = 0, live = 0, outside = 0;
		uint64_t wake = UINT64_MAX;
		for (int i = 0; i < nct; i++) {
			struct cthread *c = ct[i];
			if (c->status == CT_NONE || c->status == CT_DONE || c->status == CT_NEW ||
			    c->status == CT_FREE)
				continue;
			live++;
			outside += c->status == CT_OUTSIDE;
			if ((c->status == CT_SLEEP || c->status == CT_WAIT) && c->wake != RT_NO_TIMEOUT) {
				sleeping++;
				if (c->wake < wake)
					wake = c->wake;
			}
			if (c->status == CT_READY && c->give_up && !lock_free_for(c)) {
				sleeping++;   /* a timed acquire waits like a sleep */
				if (c->give_up < wake)
					wake = c->give_up;
			}
			if (draining ? (c->status == CT_READY || c->status == CT_SLEEP ||
					c->status == CT_WAIT)
				     : enabled(c))
				e[ne++] = i;
		}
		if (!live || target_threads_at_rest_locked())
			return -1;
		if (!ne && sleeping) {
			vnow = wake;   /* nothing can run: jump the virtual clock */
			continue;
		}
		if (!ne && outside)
			return -2;   /* wait for it to come back (resched_locked) */
		if (!ne) {
			/* Exact deadlock: live threads, none can run, none sleeps. */
			R.deadlock = 1;
			draining = 1;
			drain_until = steps + RT_CTL_DRAIN_STEPS;
			/* Threads parked at an acquire while the lock was still free
			 * are blocked now: show them so in the report. */
			for (int i = 0; i < nct; i++) {
				struct cthread *c = ct[i];
				if (c->status != CT_READY || !c->want || lock_free_for(c))
					continue;
				if (c->t->waiting_for != c->want)
					rt_thread_wait_begin(c->t, c->want, c->site);
			}
			trace_ev(me, RT_TEV_DEADLOCK, NULL);
			rt_drivers_request_stop();
			rt_hang_report_now("no thread can run (controlled execution; exact, no timeout)",
					   exec_start_ns);
			continue;
		}
		if (draining)
			return drain_pick(e, ne);
		int chosen = e[0];
		if (ne > 1) {
			chosen = strategy_pick(me, e, ne);
			int me_enabled = 0;
			for (int i = 0; i < ne; i++)
				me_enabled |= e[i] == me;
			int pre = me_enabled && chosen != me;
			R.preemptions += pre;
			record(chosen, check_of(e, ne, chosen), me, pre);
			nchoice++;
		}
		if (P.strategy == RT_STRAT_POS && ct[chosen]->want) {
			/* POS: events racing with the one about to run (same lock)
			 * get fresh priorities */
			for (int i = 0; i < nct; i++)
				if (i != chosen && ct[i]->want == ct[chosen]->want)
					ct[i]->pos_prio = rt_rng_next(&rng);
		}
		return chosen;
	}
}

static int park_locked(int me);
static void let_go_target_threads_locked(void);
static void never_arrived_locked(struct rt_thread *t);

/* Hand the token to next and wait for it to come back; M held. */
static void switch_and_wait(int me, int next)
{
	if (next == -2) {
		cur = -1;   /* a thread outside control comes back and picks */
	} else if (next < 0) {
		all_done = 1;
		cur = -1;
		pthread_cond_signal(&ctl_cv);
	} else if (next != me) {
		cur = next;
		pthread_cond_signal(&ct[next]->cv);
	} else {
		cur = me;   /* it had no turn: it was outside control */
	}
	if (me < 0)
		return;
	if (park_locked(me))
		return;   /* let go (CT_FREE) */
	ct[me]->status = CT_RUNNING;
	ct[me]->want = NULL;
	last_ran = me;
}

/* The thread reached a point: pick who runs next.  One that was outside
 * control does not hold the turn: it waits for it, unless nobody has it. */
static void resched_locked(int me)
{
	struct cthread *c = ct[me];
	if (c->outside) {
		c->outside = 0;
		if (cur >= 0 && cur != me) {
			if (!park_locked(me))
				c->status = CT_RUNNING;
			return;
		}
	}
	switch_and_wait(me, pick_locked(me));
}

static void advance_locked(void)
{
	steps++;
	vnow += P.vstep_ns;
	if ((P.vduration_ns && vnow >= P.vduration_ns) || (P.max_steps && steps >= P.max_steps)) {
		if (P.max_steps && steps == P.max_steps && !draining) {
			R.step_bound = 1;
			draining = 1;
			drain_until = steps + RT_CTL_DRAIN_STEPS;
		}
		rt_drivers_request_stop();
	}
}

static void ctl_point(struct rt_thread *t, enum rt_ev ev, const void *obj)
{
	pthread_mutex_lock(&M);
	struct cthread *c = ctl_of(t);
	if (!c) {   /* a thread the scheduler does not control */
		pthread_mutex_unlock(&M);
		return;
	}
	c->status = CT_READY;
	c->ev = ev;
	c->obj = obj;
	c->want = NULL;
	c->pos_prio = rt_rng_next(&rng);
	advance_locked();
	resched_locked(t->id);
	pthread_mutex_unlock(&M);
}

static int ctl_acquire(struct rt_thread *t, rt_lock *l, struct rt_site site, uint64_t timeout_ns)
{
	pthread_mutex_lock(&M);
	struct cthread *c = ctl_of(t);
	if (!c) {
		pthread_mutex_unlock(&M);
		return RT_ACQ_TAKE;
	}
	/* a timeout beyond the clock's range never expires */
	c->give_up = timeout_ns == RT_NO_TIMEOUT || timeout_ns >= UINT64_MAX - vnow
			     ? 0 : vnow + (timeout_ns ? timeout_ns : 1);
	c->status = CT_READY;
	c->ev = RT_EV_ACQUIRE;
	c->obj = l;
	c->want = l;
	c->site = site;
	c->pos_prio = rt_rng_next(&rng);
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
	/* While draining, a lock still held by a wedged thread is granted
	 * without being taken; threads run one at a time, so no data race.
	 * Else a timed acquire chosen while the lock is still busy gives up. */
	struct rt_thread *o = rt_lock_owner(l);
	int fake = draining && o != NULL;
	int gave_up = !fake && c->give_up && o != NULL && o != t;
	c->give_up = 0;
	if (!gave_up)
		trace_ev(t->id, RT_TEV_ACQUIRED, cls);
	pthread_mutex_unlock(&M);
	return fake ? RT_ACQ_GRANTED : gave_up ? RT_ACQ_TIMEDOUT : RT_ACQ_TAKE;
}

static void ctl_release_point(struct rt_thread *t, enum rt_ev ev, const void *obj)
{
	if (ev == RT_EV_RELEASE && P.trace) {
		pthread_mutex_lock(&M);
		if (ctl_of(t))
			trace_ev(t->id, RT_TEV_RELEASED, rt_lock_class_name(obj));
		pthread_mutex_unlock(&M);
	}
	ctl_point(t, ev, obj);
}

static void ctl_sleep(struct rt_thread *t, uint64_t ns)
{
	pthread_mutex_lock(&M);
	struct cthread *c = ctl_of(t);
	if (!c) {
		pthread_mutex_unlock(&M);
		return;
	}
	c->status = CT_SLEEP;
	c->wake = vnow + ns;
	c->want = NULL;
	c->ev = RT_EV_POINT;
	trace_ev(t->id, RT_TEV_SLEEP, NULL);
	advance_locked();
	resched_locked(t->id);
	pthread_mutex_unlock(&M);
}

static void ctl_created(struct rt_thread *t)
{
	pthread_mutex_lock(&M);
	if (t->id >= capct) {
		int old = capct;
		capct = t->id + 16 > 2 * capct ? t->id + 16 : 2 * capct;
		ct = rt_xrealloc(ct, (size_t)capct * sizeof *ct);
		for (int i = old; i < capct; i++) {
			ct[i] = rt_xcalloc(1, sizeof *ct[i]);
			pthread_cond_init(&ct[i]->cv, NULL);
		}
	}
	struct cthread *c = ct[t->id];
	if (c->status == CT_NONE || c->status == CT_DONE)
		live_workers += strcmp(t->role, "refresh") && strcmp(t->role, "python");
	c->t = t;
	c->status = CT_NEW;
	c->want = NULL;
	c->give_up = 0;
	c->pct_prio = 0;
	c->outside = c->hold = 0;
	if (t->id >= nct)
		nct = t->id + 1;
	pthread_mutex_unlock(&M);
}

static void ctl_start(struct rt_thread *t)
{
	pthread_mutex_lock(&M);
	struct cthread *c = t->id < nct && ct[t->id]->t == t && ct[t->id]->status == CT_NEW
				    ? ct[t->id] : NULL;
	if (c) {
		c->status = CT_READY;
		c->ev = RT_EV_OP;
		arrived++;
		pthread_cond_broadcast(&arrive_cv);   /* its creator waits for this */
		if (!running)
			sem_post(&arrive_sem);   /* rt_ctl_run counts arrivals */
		if (!park_locked(t->id))
			c->status = CT_RUNNING;
	}
	pthread_mutex_unlock(&M);
}

static void ctl_exit(struct rt_thread *t)
{
	pthread_mutex_lock(&M);
	never_arrived_locked(t);
	struct cthread *c = ctl_of(t);
	if (c) {
		c->status = CT_DONE;
		trace_ev(t->id, RT_TEV_EXIT, NULL);
		/* Workers done: let the refresh loop end too. */
		if (strcmp(t->role, "refresh") && strcmp(t->role, "python") && --live_workers == 0)
			rt_drivers_request_stop();
		advance_locked();
		if (c->outside && cur >= 0 && cur != t->id)
			c->outside = 0;   /* not its turn to give away */
		else
			switch_and_wait(-1, pick_locked(t->id));
	}
	pthread_mutex_unlock(&M);
}

/* ---- threads the target starts itself (embedded Python, issue 14) -------
 * Python's own threads (Live's refresh thread) are controlled like the
 * drivers: made by their creator (thread_created, then await_start while
 * it keeps its turn), parked at their first point, one at a time.  Their
 * condition waits park with a ready() test and a virtual deadline.  The
 * park hooks release the GIL of a parked thread.  A thread that has the
 * turn and does not reach its next point within P.outside_ns is blocked
 * outside control (a lock inside CPython, I/O): marked CT_OUTSIDE, another
 * thread runs, and it waits for the turn when it comes back (a replay
 * diverges there).  When no driver thread is left, the target's threads
 * are let go (CT_FREE) and run free until the target's stop(). */

static uint64_t outside_seen_steps, outside_since_ns, outside_seen_cpu;

/* CPU time the thread used so far (0 if unknown): one that computes (a
 * long render, or a loaded machine) is not blocked. */
static uint64_t thread_cpu_ns(const struct rt_thread *t)
{
	clockid_t cid;
	struct timespec ts;
	if (pthread_getcpuclockid(t->pt, &cid) || clock_gettime(cid, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Wait until it is me's turn; 1 if me was let go instead.  M held. */
static int park_locked(int me)
{
	struct cthread *c = ct[me];
	if (cur == me || c->status == CT_FREE)
		return c->status == CT_FREE;
	void *tok = rt_park_hooks.save ? rt_park_hooks.save() : NULL;
	while (cur != me && c->status != CT_FREE)
		pthread_cond_wait(&c->cv, &M);
	int freed = c->status == CT_FREE;
	if (tok) {   /* never wait for the GIL holding M */
		pthread_mutex_unlock(&M);
		rt_park_hooks.restore(tok);
		pthread_mutex_lock(&M);
	}
	return freed;
}

/* Draining: drivers first; the target's own threads (a refresh loop that
 * never sees the drivers' stop flag) are let go once the drivers ended. */
static int drain_pick(const int *e, int ne)
{
	for (int i = 0; i < ne; i++)
		if (strcmp(ct[e[i]]->t->role, "python"))
			return e[i];
	return e[0];
}

static int live_status(int s)
{
	return s != CT_NONE && s != CT_DONE && s != CT_NEW && s != CT_FREE;
}

static void let_go_target_threads_locked(void)
{
	for (int i = 0; i < nct; i++)
		if (live_status(ct[i]->status) && strcmp(ct[i]->t->role, "python"))
			return;   /* a driver thread is left */
	for (int i = 0; i < nct; i++)
		if (live_status(ct[i]->status)) {
			ct[i]->status = CT_FREE;
			if (cur == i)
				cur = -1;
			pthread_cond_signal(&ct[i]->cv);
		}
}

/* Once no driver thread is left, the target's own threads run on under
 * the scheduler until each of them waits, timed or not, holding no lock:
 * then they are let go, and the target's stop() can end them.  Letting
 * them go earlier could leave them in a deadlock for real (one holds a
 * lock and waits for an event only another, blocked on that lock, would
 * set); under the scheduler that deadlock is found like any other.  When
 * draining a deadlocked run their waits return at once and busy locks are
 * granted, so they get there too (or are let go after RT_CTL_DRAIN_STEPS).
 * 1 when let go. */
static int target_threads_at_rest_locked(void)
{
	for (int i = 0; i < nct; i++) {
		struct cthread *c = ct[i];
		if (!live_status(c->status))
			continue;
		if (strcmp(c->t->role, "python"))
			return 0;   /* a driver is left */
		if ((c->status != CT_WAIT && c->status != CT_SLEEP) || c->t->nheld) {
			if (!draining || steps < drain_until)
				return 0;
			R.stuck_threads = 1;   /* let go in the middle of it */
		}
	}
	let_go_target_threads_locked();
	return 1;
}

/* A thread made with thread_created that ends before thread_start. */
static void never_arrived_locked(struct rt_thread *t)
{
	if (t->id >= nct || ct[t->id]->t != t || ct[t->id]->status != CT_NEW)
		return;
	ct[t->id]->status = CT_DONE;
	pthread_cond_broadcast(&arrive_cv);
	if (!running)
		sem_post(&arrive_sem);
}

static void watch_outside_locked(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&ctl_cv, &M, &ts);
	uint64_t now = rt_now_ns();
	uint64_t cpu = all_done || cur < 0 ? 0 : thread_cpu_ns(ct[cur]->t);
	if (all_done || cur < 0 || steps != outside_seen_steps || !outside_since_ns ||
	    cpu != outside_seen_cpu) {
		outside_seen_steps = steps;
		outside_seen_cpu = cpu;
		outside_since_ns = now;
		return;
	}
	if (now - outside_since_ns < P.outside_ns)
		return;
	struct cthread *c = ct[cur];
	c->status = CT_OUTSIDE;
	c->outside = 1;
	R.outside++;
	char msg[300];
	snprintf(msg, sizeof msg, "step %llu: %s did not reach its next scheduling point within "
		 "%llu ms, using no CPU (blocked outside the controlled scheduler)",
		 (unsigned long long)steps, c->t->name,
		 (unsigned long long)(P.outside_ns / 1000000));
	if (!R.outside_msg[0])
		snprintf(R.outside_msg, sizeof R.outside_msg, "%s", msg);
	if (P.strategy == RT_STRAT_REPLAY && !P.lenient && !R.diverged) {
		R.diverged = 1;
		snprintf(R.diverge_msg, sizeof R.diverge_msg, "%s", msg);
	}
	outside_since_ns = now;
	switch_and_wait(-1, pick_locked(-1));
}

static int ctl_controls(struct rt_thread *t)
{
	pthread_mutex_lock(&M);
	int r = ctl_of(t) != NULL;
	pthread_mutex_unlock(&M);
	return r;
}

static int ctl_wait(struct rt_thread *t, int (*ready)(const void *), const void *obj, uint64_t ns)
{
	pthread_mutex_lock(&M);
	struct cthread *c = ctl_of(t);
	if (!c) {
		pthread_mutex_unlock(&M);
		return -1;
	}
	c->status = CT_WAIT;
	c->ready = ready;
	c->wobj = obj;
	c->wake = ns >= RT_NO_TIMEOUT - vnow - P.vstep_ns ? RT_NO_TIMEOUT : vnow + P.vstep_ns + ns;
	c->want = NULL;
	c->ev = RT_EV_POINT;
	c->obj = obj;
	c->pos_prio = rt_rng_next(&rng);
	advance_locked();
	resched_locked(t->id);
	int r = c->status == CT_FREE ? -1 : ready(obj) ? 1 : 0;
	pthread_mutex_unlock(&M);
	return r;
}

static void ctl_await_start(struct rt_thread *t)
{
	pthread_mutex_lock(&M);
	while (t->id < nct && ct[t->id]->t == t && ct[t->id]->status == CT_NEW)
		pthread_cond_wait(&arrive_cv, &M);
	pthread_mutex_unlock(&M);
}

static void ctl_hold(struct rt_thread *t, int on)
{
	pthread_mutex_lock(&M);
	if (t->id < nct && ct[t->id]->t == t)
		ct[t->id]->hold = on;
	pthread_mutex_unlock(&M);
}

static const struct rt_sched_ops ctl_ops = {
	.name = "controlled",
	.point = ctl_release_point,
	.acquire = ctl_acquire,
	.thread_created = ctl_created,
	.sleep = ctl_sleep,
	.thread_start = ctl_start,
	.thread_exit = ctl_exit,
	.controlled = 1,
	.controls = ctl_controls,
	.wait = ctl_wait,
	.await_start = ctl_await_start,
	.hold = ctl_hold,
};

static void arrive_sem_init(void) { sem_init(&arrive_sem, 0, 0); }

void rt_ctl_begin(const struct rt_ctl_params *p)
{
	pthread_once(&arrive_once, arrive_sem_init);
	pthread_mutex_lock(&M);
	P = *p;
	exec_start_ns = rt_now_ns();
	if (!P.vstep_ns)
		P.vstep_ns = 100000;
	for (int i = 0; i < capct; i++)
		ct[i]->status = CT_NONE;
	nct = arrived = all_done = draining = live_workers = running = 0;
	cur = last_ran = -1;
	vnow = steps = nchoice = 0;
	outside_seen_steps = outside_since_ns = outside_seen_cpu = 0;
	rng.s = rt_mix64(p->seed ^ 0x5eed);
	memset(&R, 0, sizeof R);
	capchoices = captrace = 0;
	uint64_t k = P.k_estimate ? P.k_estimate : 1000;
	for (int j = 0; j < 8; j++)
		pct_cp[j] = 1 + rt_rng_below(&rng, (uint32_t)(k > UINT32_MAX ? UINT32_MAX : k));
	pthread_mutex_unlock(&M);
	rt_sched = &ctl_ops;
}

void rt_ctl_run(void)
{
	/* Wait until every driver thread arrived (ctl_start posts once each).
	 * Counting in a semaphore keeps thread timing out of instrumented code:
	 * a loop around a condvar would wait a timing-dependent number of times,
	 * and an input would not cover the same edges on every run (fuzzing:
	 * AFL++ stability, harness/fuzz/). */
	pthread_mutex_lock(&M);
	int n = 0;
	for (int i = 0; i < nct; i++)   /* not the records of uncontrolled threads */
		n += ct[i]->status != CT_NONE;
	pthread_mutex_unlock(&M);
	for (int i = 0; i < n; i++)
		while (sem_wait(&arrive_sem) != 0)
			;   /* EINTR */
	pthread_mutex_lock(&M);
	running = 1;
	/* PCT: distinct random priorities, all above the change-point values */
	for (int i = 0; i < nct; i++)
		ct[i]->pct_prio = i + 1;
	for (int i = nct - 1; i > 0; i--) {
		int j = (int)rt_rng_below(&rng, (uint32_t)i + 1), tmp = ct[i]->pct_prio;
		ct[i]->pct_prio = ct[j]->pct_prio;
		ct[j]->pct_prio = tmp;
	}
	for (int i = 0; i < nct; i++)
		ct[i]->pos_prio = rt_rng_next(&rng);
	switch_and_wait(-1, pick_locked(-1));
	while (!all_done)
		if (!P.outside_ns)
			pthread_cond_wait(&ctl_cv, &M);
		else
			watch_outside_locked();
	pthread_mutex_unlock(&M);
}

void rt_ctl_end(struct rt_ctl_result *out)
{
	pthread_mutex_lock(&M);
	R.steps = steps;
	R.nthreads = nct;
	R.thread_names = rt_xcalloc((size_t)nct + 1, sizeof *R.thread_names);
	for (int i = 0; i < nct; i++)
		if (ct[i]->t)
			snprintf(R.thread_names[i], sizeof R.thread_names[i], "%s", ct[i]->t->name);
	*out = R;
	memset(&R, 0, sizeof R);
	pthread_mutex_unlock(&M);
}

void rt_ctl_result_free(struct rt_ctl_result *r)
{
	free(r->choices);
	free(r->trace);
	free(r->thread_names);
	memset(r, 0, sizeof *r);
}
