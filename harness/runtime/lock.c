/* SPDX-License-Identifier: Apache-2.0 */
/* lock.c - instrumented locks: real pthread mutexes (so TSan sees them) plus
 * the bookkeeping the lock-order graph and the watchdog need.  "Waiting for X"
 * is recorded before blocking; ownership is cleared before the real unlock so
 * no observer sees a stale owner and builds a false cycle. */
#include "runtime/lock.h"

#include "runtime/lock_fast.h"   /* struct rt_lock; the inline common case */
#include "runtime/lockgraph.h"
#include "runtime/schedpoint.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int lock_plain(void);

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
	l->fast = kind != RT_LOCK_BINARY && !lock_plain();
	l->cls = rt_class_intern(class_name);
	l->serial = atomic_fetch_add(&next_serial, 1) + 1;
	l->cls_key = rt_lockgraph_class_key(l->cls);
	l->serial_mix = rt_lockgraph_serial_from(l->serial);
	l->serial_k = rt_lockgraph_serial_to(l->serial);
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

/* ---- the held list: only its owner writes it (registry.h) --------------- */

static uint64_t top_chain(const struct rt_thread *t)
{
	return t->nheld ? t->held[t->nheld - 1].chain : 0;
}

/* Removes entry i: the entries above move down and their chain keys
 * change (out of order: the chains above i lose a class).  In a write
 * section. */
static void remove_at(struct rt_thread *t, int i)
{
	int n = t->nheld - 1;
	for (int j = i; j < n; j++) {
		struct rt_held h = t->held[j + 1];
		h.chain = rt_lockgraph_chain(j ? t->held[j - 1].chain : 0, h.cls);
		rt_held_store(&t->held[j], &h);
	}
	rt_held_set_count(t, n);
}

/* The newest entry for l, or -1. */
static int find_held(const struct rt_thread *t, const rt_lock *l)
{
	for (int i = t->nheld - 1; i >= 0; i--)
		if (t->held[i].lock == l)
			return i;
	return -1;
}

/* Applies the drop box (locks other threads released for t): before the
 * owner reads or changes its list. */
static __attribute__((noinline)) void apply_drops(struct rt_thread *t)
{
	rt_held_lock(t);
	rt_held_write_begin(t);
	for (int d = 0; d < t->ndropped; d++) {
		int i = find_held(t, t->dropped[d]);
		if (i >= 0)
			remove_at(t, i);
	}
	rt_held_write_end(t);
	t->ndropped = 0;
	atomic_store_explicit(&t->has_dropped, 0, memory_order_relaxed);
	rt_held_unlock(t);
}

static inline void held_sync(struct rt_thread *t)
{
	if (atomic_load_explicit(&t->has_dropped, memory_order_relaxed))
		apply_drops(t);
}

/* o held l, which another thread released (RT_LOCK_BINARY): into o's
 * drop box.  Under l->mu, so o cannot take l again before this. */
static void drop_for(struct rt_thread *o, rt_lock *l)
{
	rt_held_lock(o);
	if (o->ndropped == o->capdropped) {
		o->capdropped = o->capdropped ? 2 * o->capdropped : 4;
		o->dropped = rt_xrealloc(o->dropped, (size_t)o->capdropped * sizeof *o->dropped);
	}
	o->dropped[o->ndropped++] = l;
	atomic_store_explicit(&o->has_dropped, 1, memory_order_relaxed);
	rt_held_unlock(o);
}

/* No cap: a thread may hold any number of locks.  Allocated outside the
 * storage lock, which readers hold while they copy. */
static __attribute__((noinline)) void held_grow(struct rt_thread *t)
{
	int cap = t->capheld ? t->capheld * 2 : 16;
	struct rt_held *a = rt_xmalloc((size_t)cap * sizeof *a), *old = t->held;
	if (t->nheld)
		memcpy(a, old, (size_t)t->nheld * sizeof *a);
	rt_held_lock(t);
	t->held = a;
	t->capheld = cap;
	rt_held_unlock(t);
	free(old);
}

/* chain: rt_lockgraph_chain(top_chain(t), l->cls) (lock_fast.h) */
static inline void push_chain(struct rt_thread *t, rt_lock *l, uint64_t chain,
			      struct rt_site site, int reentry, int fake)
{
	if (t->nheld == t->capheld)
		held_grow(t);
	rt_lock_push_(t, l, chain, site, reentry, fake);
}

static void push_held(struct rt_thread *t, rt_lock *l, struct rt_site site, int reentry, int fake)
{
	held_sync(t);
	push_chain(t, l, rt_lockgraph_chain(top_chain(t), l->cls), site, reentry, fake);
}

/* Removes t's newest entry for l (t: the calling thread); returns 1 if it
 * was a drain grant, 0 if real, -1 if none. */
static inline int pop_held(struct rt_thread *t, rt_lock *l)
{
	held_sync(t);
	int n = t->nheld;
	if (n && t->held[n - 1].lock == l) {   /* in order: nothing moves */
		int fake = t->held[n - 1].fake;
		rt_held_write_begin(t);
		rt_held_set_count(t, n - 1);
		rt_held_write_end(t);
		return fake;
	}
	int i = find_held(t, l);
	if (i < 0)
		return -1;
	int fake = t->held[i].fake;
	rt_held_write_begin(t);
	remove_at(t, i);
	rt_held_write_end(t);
	return fake;
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
	push_held(t, l, site, 0, 0);
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
	push_held(t, l, site, 1, 0);
}

/* The uncontended acquire: the real lock taken without waiting, so no
 * wait is recorded and the thread's state does not change; when this
 * thread already validated the chain of held classes + l's class (the
 * chain cache), the bookkeeping is one write section of its own held
 * list, no lock taken.  Lock-order edges are added as a blocking acquire
 * would add them (it did not block, so after taking the lock is as early
 * as needed).  0 if l is busy or has an owner, this thread included
 * (nothing changed). */
static inline int acquire_fast(struct rt_thread *t, rt_lock *l, struct rt_site site)
{
	if (atomic_load_explicit(&l->owner, memory_order_relaxed) || !rt_lock_take_free_(l))
		return 0;
	held_sync(t);
	if (t->nheld == t->capheld)
		held_grow(t);
	rt_lock_took_(t, l, site);
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
	/* free running without noise, nothing happens at the point */
	if (!rt_sched->quiet && rt_sched->acquire(t, l, site, RT_NO_TIMEOUT) == RT_ACQ_GRANTED) {
		push_held(t, l, site, 0, 1);
		return;
	}
	if (l->kind != RT_LOCK_BINARY && acquire_fast(t, l, site))
		return;
	held_sync(t);
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
	if (order_edges) {
		held_sync(t);
		rt_lockgraph_on_acquire(t, l, site, 0);
	}
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
		push_held(t, l, site, 0, 1);
		return 1;
	}
	held_sync(t);
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
 * a binary semaphore.  The owner's held list is updated before the real
 * state changes (by another thread: through the owner's drop box, which
 * readers apply), so no observer sees a stale owner.  Returns -1 if l is
 * not locked. */
static int binary_release(struct rt_thread *t, rt_lock *l)
{
	pthread_mutex_lock(&l->mu);
	if (!l->locked) {
		pthread_mutex_unlock(&l->mu);
		int fake = pop_held(t, l);   /* a drain grant, if any */
		return fake == 1 ? 0 : -1;
	}
	struct rt_thread *o = rt_lock_owner(l);
	if (o == t)
		pop_held(t, l);
	else if (o)
		drop_for(o, l);
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
	int fake = pop_held(t, l);
	if (fake == 1)
		return;
	if (rt_lock_owner(l) != t)
		rt_die("%s:%d %s(): release of %s, which this thread (%s) does not hold",
		       rt_basename(site.file), site.line, site.func, l->cls->name, t->name);
	if (--l->depth > 0)
		return;
	atomic_store_explicit(&l->owner, NULL, memory_order_release);
	pthread_mutex_unlock(&l->mu);
	if (!rt_sched->quiet)
		rt_sched_point(t, RT_EV_RELEASE, l);
}

int rt_lock_try_release_at(rt_lock *l, struct rt_site site)
{
	struct rt_thread *t = rt_self();
	if (l->kind == RT_LOCK_BINARY)
		return binary_release(t, l);
	if (rt_lock_owner(l) != t) {
		/* not held, unless by a drain grant */
		held_sync(t);
		if (find_held(t, l) < 0)
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
	held_sync(t);
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
	if (order_edges) {   /* timed or not, we cannot tell here: counted as untimed */
		held_sync(t);
		rt_lockgraph_on_acquire(t, l, site, 0);
	}
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
	struct rt_thread *t = rt_self();
	if (!o || (l->kind == RT_LOCK_RECURSIVE && o != t))
		return -1;
	if (o == t)
		pop_held(t, l);
	else
		drop_for(o, l);
	if (l->kind == RT_LOCK_RECURSIVE && --l->depth > 0)
		return 0;
	l->depth = 0;
	atomic_store_explicit(&l->owner, NULL, memory_order_release);
	return 0;
}
