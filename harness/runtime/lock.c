/* SPDX-License-Identifier: Apache-2.0 */
/* lock.c - instrumented locks: real pthread mutexes (so TSan sees them) plus
 * the bookkeeping the lock-order graph and the watchdog need.  "Waiting for X"
 * is recorded before blocking; ownership is cleared before the real unlock so
 * no observer sees a stale owner and builds a false cycle. */
#include "runtime/lock.h"

#include "runtime/lockgraph.h"
#include "runtime/schedpoint.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rt_lock {
	pthread_mutex_t mu;
	enum rt_lock_kind kind;
	struct rt_class *cls;
	_Atomic(struct rt_thread *) owner;
	int depth;                  /* owner-only: recursion depth */
	/* RT_LOCK_BINARY only: mu guards `locked` (the real lock state) and cv
	 * wakes waiters, so any thread may release it (see binary_release). */
	pthread_cond_t cv;
	int locked;
	/* its real state lives elsewhere (rt_lock_ext_*): a free-looking
	 * owner says nothing about whether a waiter can go on */
	atomic_int external;
	uint64_t serial;            /* instance identity, never reused (lockgraph.c) */
};

static _Atomic uint64_t next_serial;

rt_lock *rt_lock_new(const char *class_name, enum rt_lock_kind kind)
{
	rt_lock *l = rt_xcalloc(1, sizeof *l);
	pthread_mutex_init(&l->mu, NULL);
	if (kind == RT_LOCK_BINARY) {
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&l->cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	l->kind = kind;
	l->cls = rt_class_intern(class_name);
	l->serial = atomic_fetch_add(&next_serial, 1) + 1;
	atomic_init(&l->owner, NULL);
	return l;
}

void rt_lock_free(rt_lock *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->mu);
	if (l->kind == RT_LOCK_BINARY)
		pthread_cond_destroy(&l->cv);
	free(l);
}

const char *rt_lock_class_name(const rt_lock *l) { return l->cls->name; }
uint64_t rt_lock_serial(const rt_lock *l) { return l->serial; }
struct rt_class *rt_lock_class(const rt_lock *l) { return l->cls; }
struct rt_thread *rt_lock_owner(const rt_lock *l)
{
	return atomic_load_explicit(&((rt_lock *)l)->owner, memory_order_acquire);
}

static uint64_t top_chain(const struct rt_thread *t)
{
	return t->nheld ? t->held[t->nheld - 1].chain : 0;
}

/* Under rt_held_lock(t).  The age stamp comes from the coarse clock: reports
 * print ages in hundredths of a second. */
static void push_held(struct rt_thread *t, rt_lock *l, struct rt_site site, int reentry, int fake)
{
	/* no cap: a thread may hold any number of locks */
	if (t->nheld == t->capheld) {
		t->capheld = t->capheld ? t->capheld * 2 : 16;
		t->held = rt_xrealloc(t->held, (size_t)t->capheld * sizeof *t->held);
	}
	t->held[t->nheld++] = (struct rt_held){ l, l->cls, rt_lockgraph_chain(top_chain(t), l->cls),
						site, rt_coarse_ns(), reentry, fake };
}

static void push_held_locked(struct rt_thread *t, rt_lock *l, struct rt_site site, int reentry,
			     int fake)
{
	rt_held_lock(t);
	push_held(t, l, site, reentry, fake);
	rt_held_unlock(t);
}

/* Removes the newest entry for l; returns 1 if it was a drain grant, 0 if
 * real, -1 if none.  Under rt_held_lock(t). */
static int pop_held(struct rt_thread *t, rt_lock *l)
{
	for (int i = t->nheld - 1; i >= 0; i--)
		if (t->held[i].lock == l) {
			int fake = t->held[i].fake;
			memmove(&t->held[i], &t->held[i + 1],
				(size_t)(t->nheld - i - 1) * sizeof *t->held);
			t->nheld--;
			/* out of order: the chain keys above i change */
			for (int j = i; j < t->nheld; j++)
				t->held[j].chain = rt_lockgraph_chain(j ? t->held[j - 1].chain : 0,
								      t->held[j].cls);
			return fake;
		}
	return -1;
}

/* Benchmark baseline only (bench/run.sh): REDIRTORTURE_LOCK_PLAIN=1, read
 * once, turns acquire/release into bare pthread mutexes plus recursion
 * handling: no lock-order graph, no thread-state bookkeeping, no noise
 * points, so no lock finding can be reported.  Never set it for real runs. */
static int lock_plain(void)
{
	static _Atomic int mode = -1;
	int m = atomic_load_explicit(&mode, memory_order_relaxed);
	if (m < 0) {
		const char *e = getenv("REDIRTORTURE_LOCK_PLAIN");
		m = e && !strcmp(e, "1");
		atomic_store_explicit(&mode, m, memory_order_relaxed);
	}
	return m;
}

/* The real lock.  deadline_ns: 0 = wait as long as it takes, RT_TRY = do not
 * wait, else a CLOCK_MONOTONIC time.  Returns 1 if taken.  For
 * RT_LOCK_BINARY, l->mu is still held on success and claim() drops it. */
#define RT_TRY 1ULL
static int real_lock(rt_lock *l, uint64_t deadline_ns)
{
	struct timespec ts;
	if (deadline_ns > RT_TRY) {
		uint64_t now = rt_now_ns(), left = deadline_ns > now ? deadline_ns - now : 0;
		clock_gettime(l->kind == RT_LOCK_BINARY ? CLOCK_MONOTONIC : CLOCK_REALTIME, &ts);
		uint64_t ns = (uint64_t)ts.tv_nsec + left;
		ts.tv_sec += (time_t)(ns / 1000000000ULL);
		ts.tv_nsec = (long)(ns % 1000000000ULL);
	}
	if (l->kind != RT_LOCK_BINARY)
		return (deadline_ns == 0	  ? pthread_mutex_lock(&l->mu)
			: deadline_ns == RT_TRY ? pthread_mutex_trylock(&l->mu)
						: pthread_mutex_timedlock(&l->mu, &ts)) == 0;
	pthread_mutex_lock(&l->mu);
	int rc = 0;
	while (l->locked && rc == 0)
		rc = deadline_ns == 0	    ? pthread_cond_wait(&l->cv, &l->mu)
		     : deadline_ns == RT_TRY ? EBUSY
					     : pthread_cond_timedwait(&l->cv, &l->mu, &ts);
	if (l->locked) {
		pthread_mutex_unlock(&l->mu);
		return 0;
	}
	l->locked = 1;
	return 1;
}

/* t now owns l: owner, depth, held list, state. */
static void record_owner(struct rt_thread *t, rt_lock *l, struct rt_site site)
{
	atomic_store_explicit(&l->owner, t, memory_order_release);
	l->depth = 1;
	pthread_mutex_lock(&t->mu);
	t->waiting_for = NULL;
	push_held_locked(t, l, site, 0, 0);
	atomic_store(&t->state, RT_TS_RUNNING);
	t->state_since_ns = rt_now_ns();
	pthread_mutex_unlock(&t->mu);
}

/* t got l from real_lock. */
static void claim(struct rt_thread *t, rt_lock *l, struct rt_site site)
{
	record_owner(t, l, site);
	if (l->kind == RT_LOCK_BINARY)   /* owner and held list set under l->mu */
		pthread_mutex_unlock(&l->mu);
}

static void reenter(struct rt_thread *t, rt_lock *l, struct rt_site site)
{
	/* re-entry by the owner never blocks and adds no edge */
	l->depth++;
	push_held_locked(t, l, site, 1, 0);
}

/* The uncontended acquire: the real lock taken without waiting, so no
 * wait is recorded and the thread's state does not change; when this
 * thread already validated the chain of held classes + l's class
 * (lockgraph.c's fast path), one pass under the held list's spin lock is
 * all the bookkeeping.  Lock-order edges are added as a blocking acquire
 * would add them (it did not block, so after taking the lock is as early
 * as needed).  0 if l is busy (nothing changed). */
static int acquire_fast(struct rt_thread *t, rt_lock *l, struct rt_site site)
{
	if (!real_lock(l, RT_TRY))
		return 0;
	rt_held_lock(t);
	int known = rt_lockgraph_chain_known(t, l, 0);
	if (known)
		push_held(t, l, site, 0, 0);
	rt_held_unlock(t);
	if (!known) {
		rt_lockgraph_on_acquire(t, l, site, 0);
		push_held_locked(t, l, site, 0, 0);
	}
	atomic_store_explicit(&l->owner, t, memory_order_release);
	l->depth = 1;
	return 1;
}

void rt_lock_acquire_at(rt_lock *l, struct rt_site site)
{
	struct rt_thread *t = rt_self();
	if (lock_plain()) {
		if (l->kind == RT_LOCK_RECURSIVE && rt_lock_owner(l) == t) {
			l->depth++;
			return;
		}
		pthread_mutex_lock(&l->mu);
		atomic_store_explicit(&l->owner, t, memory_order_release);
		l->depth = 1;
		return;
	}
	if (l->kind == RT_LOCK_RECURSIVE && rt_lock_owner(l) == t) {
		reenter(t, l, site);
		return;
	}
	if (rt_sched->acquire(t, l, site, RT_NO_TIMEOUT) == RT_ACQ_GRANTED) {
		push_held_locked(t, l, site, 0, 1);
		return;
	}
	if (l->kind != RT_LOCK_BINARY && acquire_fast(t, l, site))
		return;
	rt_lockgraph_on_acquire(t, l, site, 0);
	rt_thread_wait_begin(t, l, site);
	real_lock(l, 0);
	claim(t, l, site);
}

int rt_lock_try_acquire_at(rt_lock *l, int order_edges, struct rt_site site)
{
	struct rt_thread *t = rt_self();
	if (l->kind == RT_LOCK_RECURSIVE && rt_lock_owner(l) == t) {
		reenter(t, l, site);
		return 1;
	}
	if (order_edges)
		rt_lockgraph_on_acquire(t, l, site, 0);
	if (!real_lock(l, RT_TRY))
		return 0;
	claim(t, l, site);
	return 1;
}

int rt_lock_timed_acquire_at(rt_lock *l, uint64_t timeout_ns, struct rt_site site)
{
	struct rt_thread *t = rt_self();
	if (l->kind == RT_LOCK_RECURSIVE && rt_lock_owner(l) == t) {
		reenter(t, l, site);
		return 1;
	}
	uint64_t deadline = rt_now_ns() + timeout_ns;
	int how = rt_sched->acquire(t, l, site, timeout_ns);
	if (how == RT_ACQ_GRANTED) {   /* drain grant, as in rt_lock_acquire_at */
		push_held_locked(t, l, site, 0, 1);
		return 1;
	}
	rt_lockgraph_on_acquire(t, l, site, 1);   /* giving up still had this order */
	if (how == RT_ACQ_TIMEDOUT)   /* the controlled scheduler let the timeout pass */
		return 0;
	rt_thread_wait_begin_until(t, l, site, deadline);
	if (real_lock(l, deadline)) {   /* deadline > RT_TRY: it is a clock value */
		claim(t, l, site);
		return 1;
	}
	pthread_mutex_lock(&t->mu);
	t->waiting_for = NULL;
	atomic_store(&t->state, RT_TS_RUNNING);
	t->state_since_ns = rt_now_ns();
	pthread_mutex_unlock(&t->mu);
	return 0;
}

/* RT_LOCK_BINARY (Python's threading.Lock): any thread may release it, like
 * a binary semaphore.  The owner's record is updated under its own mu, and
 * before the real state changes, so no observer sees a stale owner.
 * Returns -1 if l is not locked. */
static int binary_release(struct rt_thread *t, rt_lock *l)
{
	pthread_mutex_lock(&l->mu);
	if (!l->locked) {
		pthread_mutex_unlock(&l->mu);
		rt_held_lock(t);   /* a drain grant, if any */
		int fake = pop_held(t, l);
		rt_held_unlock(t);
		return fake == 1 ? 0 : -1;
	}
	struct rt_thread *o = rt_lock_owner(l);
	rt_held_lock(o);
	pop_held(o, l);
	rt_held_unlock(o);
	atomic_store_explicit(&l->owner, NULL, memory_order_release);
	l->depth = 0;
	l->locked = 0;
	pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
	rt_sched_point(t, RT_EV_RELEASE, l);
	return 0;
}

void rt_lock_release_at(rt_lock *l, struct rt_site site)
{
	struct rt_thread *t = rt_self();
	if (lock_plain()) {   /* benchmark baseline, see lock_plain() */
		if (--l->depth > 0)
			return;
		atomic_store_explicit(&l->owner, NULL, memory_order_release);
		pthread_mutex_unlock(&l->mu);
		return;
	}
	if (l->kind == RT_LOCK_BINARY) {
		if (binary_release(t, l) < 0)
			rt_die("%s:%d %s(): release of %s, which is not locked",
			       rt_basename(site.file), site.line, site.func, l->cls->name);
		return;
	}
	rt_held_lock(t);
	int fake = pop_held(t, l);
	rt_held_unlock(t);
	if (fake == 1)
		return;
	if (rt_lock_owner(l) != t)
		rt_die("%s:%d %s(): release of %s, which this thread (%s) does not hold",
		       rt_basename(site.file), site.line, site.func, l->cls->name, t->name);
	if (--l->depth > 0)
		return;
	atomic_store_explicit(&l->owner, NULL, memory_order_release);
	pthread_mutex_unlock(&l->mu);
	rt_sched_point(t, RT_EV_RELEASE, l);
}

int rt_lock_try_release_at(rt_lock *l, struct rt_site site)
{
	struct rt_thread *t = rt_self();
	if (l->kind == RT_LOCK_BINARY)
		return binary_release(t, l);
	if (rt_lock_owner(l) != t) {
		/* not held, unless by a drain grant */
		rt_held_lock(t);
		int held = 0;
		for (int i = 0; i < t->nheld; i++)
			held |= t->held[i].lock == l;
		rt_held_unlock(t);
		if (!held)
			return -1;
	}
	rt_lock_release_at(l, site);
	return 0;
}

/* ---- locks whose real state lives elsewhere (lock.h) -------------------- */

void rt_lock_ext_waiting(rt_lock *l, uint64_t deadline_ns, struct rt_site site)
{
	struct rt_thread *t = rt_self();
	atomic_store_explicit(&l->external, 1, memory_order_relaxed);
	rt_lockgraph_on_acquire(t, l, site, deadline_ns != 0);
	rt_thread_wait_begin_until(t, l, site, deadline_ns);
}

void rt_lock_ext_acquired(rt_lock *l, int order_edges, struct rt_site site)
{
	struct rt_thread *t = rt_self();
	if (l->kind == RT_LOCK_RECURSIVE && rt_lock_owner(l) == t) {
		reenter(t, l, site);
		return;
	}
	if (order_edges)   /* timed or not, we cannot tell here: counted as untimed */
		rt_lockgraph_on_acquire(t, l, site, 0);
	record_owner(t, l, site);
}

void rt_lock_ext_gave_up(rt_lock *l)
{
	(void)l;
	struct rt_thread *t = rt_self();
	pthread_mutex_lock(&t->mu);
	t->waiting_for = NULL;
	atomic_store(&t->state, RT_TS_RUNNING);
	t->state_since_ns = rt_now_ns();
	pthread_mutex_unlock(&t->mu);
}

int rt_lock_is_external(const rt_lock *l)
{
	return atomic_load_explicit(&((rt_lock *)l)->external, memory_order_relaxed);
}

int rt_lock_ext_releasing(rt_lock *l)
{
	struct rt_thread *o = rt_lock_owner(l);
	if (!o || (l->kind == RT_LOCK_RECURSIVE && o != rt_self()))
		return -1;
	rt_held_lock(o);
	pop_held(o, l);
	rt_held_unlock(o);
	if (l->kind == RT_LOCK_RECURSIVE && --l->depth > 0)
		return 0;
	l->depth = 0;
	atomic_store_explicit(&l->owner, NULL, memory_order_release);
	return 0;
}
