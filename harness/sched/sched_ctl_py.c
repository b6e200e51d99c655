/* SPDX-License-Identifier: Apache-2.0 */
/* sched_ctl_py.c - the controlled scheduler's part for threads the target
 * starts itself (sched_ctl_py.h): embedded Python, issue 14. */
#include "sched/sched_ctl_py.h"

#include "sched/sched_ctl_state.h"

#include "engine/drivers.h"
#include "base/util.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- threads the target starts itself (embedded Python, issue 14) -------
 * Python's own threads (Live's refresh thread) are controlled like the
 * drivers: made by their creator (thread_created, then await_start while
 * it keeps its turn), parked at their first point, one at a time.  Their
 * condition waits park with a ready() test and a virtual deadline.  The
 * park hooks release the GIL of a parked thread.  A thread that has the
 * turn and does not reach its next point within ctl_p.outside_ns is blocked
 * outside control (a lock inside CPython, I/O): marked CT_OUTSIDE, another
 * thread runs, and it waits for the turn when it comes back (a replay
 * diverges there).  When no driver thread is left, the target's threads
 * are let go (CT_FREE) and run free until the target's stop(). */

static uint64_t outside_seen_steps, outside_since_ns, outside_seen_cpu;

void ctl_py_reset_locked(void)
{
	outside_seen_steps = outside_since_ns = outside_seen_cpu = 0;
}

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

/* Draining: drivers first; the target's own threads (a refresh loop that
 * never sees the drivers' stop flag) are let go once the drivers ended. */
int drain_pick(const struct ctl_enset *s)
{
	ENSET_FOR(s, i)
		if (strcmp(ctl_ct[i]->t->role, "python"))
			return i;
	return enset_next(s, 0);
}

static int live_status(int s)
{
	return s != CT_NONE && s != CT_DONE && s != CT_NEW && s != CT_FREE;
}

static void let_go_target_threads_locked(void)
{
	for (int i = 0; i < ctl_nct; i++)
		if (live_status(ctl_ct[i]->status) && strcmp(ctl_ct[i]->t->role, "python"))
			return;   /* a driver thread is left */
	for (int i = 0; i < ctl_nct; i++)
		if (live_status(ctl_ct[i]->status)) {
			ctl_ct[i]->status = CT_FREE;
			if (ctl_cur == i)
				ctl_cur = -1;
			pthread_cond_signal(&ctl_ct[i]->cv);
		}
}

/* Once no driver thread is left, the target's own threads run on under
 * the scheduler until each of them waits, timed or not, holding no lock:
 * then they are let go, and the target's stop() can end them.  Letting
 * them go earlier could leave them in a deadlock for real (one holds a
 * lock and waits for an event only another, blocked on that lock, would
 * set); under the scheduler that deadlock is found like any other.  When
 * ctl_draining a deadlocked run their waits return at once and busy locks are
 * granted, so they get there too (or are let go after RT_CTL_DRAIN_STEPS).
 * 1 when let go. */
int target_threads_at_rest_locked(void)
{
	for (int i = 0; i < ctl_nct; i++) {
		struct cthread *c = ctl_ct[i];
		if (!live_status(c->status))
			continue;
		if (strcmp(c->t->role, "python"))
			return 0;   /* a driver is left */
		if ((c->status != CT_WAIT && c->status != CT_SLEEP) || c->t->nheld) {
			if (!ctl_draining || ctl_steps < ctl_drain_until)
				return 0;
			ctl_r.stuck_threads = 1;   /* let go in the middle of it */
		}
	}
	let_go_target_threads_locked();
	return 1;
}

/* A thread made with thread_created that ends before thread_start. */
void never_arrived_locked(struct rt_thread *t)
{
	if (t->id >= ctl_nct || ctl_ct[t->id]->t != t || ctl_ct[t->id]->status != CT_NEW)
		return;
	ctl_ct[t->id]->status = CT_DONE;
	pthread_cond_broadcast(&ctl_arrive_cv);
	if (!ctl_running)
		sem_post(&ctl_arrive_sem);
}

void watch_outside_locked(void)
{
	struct timespec ts = rt_deadline_in(CLOCK_REALTIME, 50000000ULL);
	pthread_cond_timedwait(&ctl_cv, &ctl_mu, &ts);
	uint64_t now = rt_now_ns();
	uint64_t cpu = ctl_all_done || ctl_cur < 0 ? 0 : thread_cpu_ns(ctl_ct[ctl_cur]->t);
	if (ctl_all_done || ctl_cur < 0 || ctl_steps != outside_seen_steps || !outside_since_ns ||
	    cpu != outside_seen_cpu) {
		outside_seen_steps = ctl_steps;
		outside_seen_cpu = cpu;
		outside_since_ns = now;
		return;
	}
	if (now - outside_since_ns < ctl_p.outside_ns)
		return;
	struct cthread *c = ctl_ct[ctl_cur];
	c->status = CT_OUTSIDE;
	c->outside = 1;
	ctl_r.outside++;
	char msg[300];
	snprintf(msg, sizeof msg, "step %llu: %s did not reach its next scheduling point within "
		 "%llu ms, using no CPU (blocked outside the controlled scheduler)",
		 (unsigned long long)ctl_steps, c->t->name,
		 (unsigned long long)(ctl_p.outside_ns / 1000000));
	if (!ctl_r.outside_msg[0])
		snprintf(ctl_r.outside_msg, sizeof ctl_r.outside_msg, "%s", msg);
	if (ctl_p.strategy == RT_STRAT_REPLAY && !ctl_p.lenient && !ctl_r.diverged) {
		ctl_r.diverged = 1;
		snprintf(ctl_r.diverge_msg, sizeof ctl_r.diverge_msg, "%s", msg);
	}
	outside_since_ns = now;
	switch_and_wait(-1, pick_locked(-1));
}

int ctl_controls(struct rt_thread *t)
{
	pthread_mutex_lock(&ctl_mu);
	int r = ctl_of(t) != NULL;
	pthread_mutex_unlock(&ctl_mu);
	return r;
}

int ctl_wait(struct rt_thread *t, int (*ready)(const void *), const void *obj, uint64_t ns)
{
	pthread_mutex_lock(&ctl_mu);
	struct cthread *c = ctl_of(t);
	if (!c) {
		pthread_mutex_unlock(&ctl_mu);
		return -1;
	}
	c->status = CT_WAIT;
	c->ready = ready;
	c->wobj = obj;
	c->wake = ns >= RT_NO_TIMEOUT - ctl_vnow - ctl_p.vstep_ns ? RT_NO_TIMEOUT : ctl_vnow + ctl_p.vstep_ns + ns;
	c->want = NULL;
	c->ev = RT_EV_POINT;
	c->obj = obj;
	ctl_pos_prio[t->id] = rt_rng_next(&ctl_rng);
	advance_locked();
	resched_locked(t->id);
	int r = c->status == CT_FREE ? -1 : ready(obj) ? 1 : 0;
	pthread_mutex_unlock(&ctl_mu);
	return r;
}

void ctl_await_start(struct rt_thread *t)
{
	pthread_mutex_lock(&ctl_mu);
	while (t->id < ctl_nct && ctl_ct[t->id]->t == t && ctl_ct[t->id]->status == CT_NEW)
		pthread_cond_wait(&ctl_arrive_cv, &ctl_mu);
	pthread_mutex_unlock(&ctl_mu);
}

void ctl_hold(struct rt_thread *t, int on)
{
	pthread_mutex_lock(&ctl_mu);
	if (t->id < ctl_nct && ctl_ct[t->id]->t == t)
		ctl_ct[t->id]->hold = on;
	pthread_mutex_unlock(&ctl_mu);
}
