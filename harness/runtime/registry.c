/* SPDX-License-Identifier: Apache-2.0 */
/* registry.c - thread records.  The table grows without a fixed cap; records
 * are never freed while threads run, so pointers stay valid. */
#include "runtime/registry.h"

#include "base/nativestack.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct rt_thread **threads;
static _Atomic int nthreads;
static int capthreads;
/* registry.h: the current record, and the generation it belongs to (bumped
 * by reset: stale TLS is ignored) */
_Thread_local struct rt_thread *rt_self_tls;
_Atomic unsigned rt_registry_gen;
_Thread_local unsigned rt_self_gen_tls;

const char *rt_tstate_name(int s)
{
	switch (s) {
	case RT_TS_RUNNING: return "running";
	case RT_TS_BLOCKED_LOCK: return "blocked on lock";
	case RT_TS_BLOCKED_SYSCALL: return "blocked in syscall";
	case RT_TS_SLEEPING: return "sleeping";
	case RT_TS_FINISHED: return "finished";
	case RT_TS_WAITING_NOTIFY: return "waits for notify";
	}
	return "?";
}

struct rt_thread *rt_registry_new(const char *name, const char *role)
{
	struct rt_thread *t = rt_xcalloc(1, sizeof *t);
	pthread_mutex_init(&t->mu, NULL);
	snprintf(t->name, sizeof t->name, "%s", name);
	snprintf(t->role, sizeof t->role, "%s", role);
	t->state_since_ns = rt_now_ns();
	atomic_init(&t->state, RT_TS_RUNNING);
	pthread_mutex_lock(&reg_mu);
	if (nthreads == capthreads) {
		capthreads = capthreads ? capthreads * 2 : 64;
		threads = rt_xrealloc(threads, (size_t)capthreads * sizeof *threads);
	}
	t->id = nthreads;
	threads[t->id] = t;
	atomic_store(&nthreads, t->id + 1);
	pthread_mutex_unlock(&reg_mu);
	return t;
}

void rt_registry_adopt(struct rt_thread *t)
{
	pthread_mutex_lock(&t->mu);
	t->pt = pthread_self();
	t->tid = (int)gettid();
	pthread_mutex_unlock(&t->mu);
	rt_self_tls = t;
	rt_self_gen_tls = atomic_load(&rt_registry_gen);
}

unsigned rt_registry_generation(void) { return atomic_load(&rt_registry_gen); }

struct rt_thread *rt_registry_add(const char *name, const char *role)
{
	struct rt_thread *t = rt_registry_new(name, role);
	rt_registry_adopt(t);
	return t;
}

void rt_registry_lock(void) { pthread_mutex_lock(&reg_mu); }
void rt_registry_unlock(void) { pthread_mutex_unlock(&reg_mu); }
struct rt_thread *rt_registry_get_locked(int i)
{
	return (i >= 0 && i < nthreads) ? threads[i] : NULL;
}

struct rt_thread *rt_self_or_null(void)
{
	if (rt_self_tls && rt_self_gen_tls != atomic_load_explicit(&rt_registry_gen, memory_order_relaxed))
		rt_self_tls = NULL;
	return rt_self_tls;
}

void rt_registry_set_self(struct rt_thread *t)
{
	rt_self_tls = t;
	rt_self_gen_tls = atomic_load_explicit(&rt_registry_gen, memory_order_relaxed);
}

struct rt_thread *rt_self(void)
{
	struct rt_thread *t = rt_self_or_null();
	if (!t) {
		char name[32];
		snprintf(name, sizeof name, "thread-%d", atomic_load(&nthreads));
		t = rt_registry_add(name, "other");
	}
	return t;
}

void rt_registry_crash_list(int fd)
{
	int n = atomic_load(&nthreads);
	struct rt_thread **tab = threads;
	rt_sigsafe_put(fd, "threads of the run (name [role] kernel TID, thread id as Python's "
			   "faulthandler prints it):\n");
	for (int i = 0; tab && i < n; i++) {
		const struct rt_thread *t = tab[i];
		if (!t || atomic_load(&t->state) == RT_TS_FINISHED || !t->tid)
			continue;
		rt_sigsafe_put(fd, "  ");
		rt_sigsafe_put(fd, t->name);
		rt_sigsafe_put(fd, " [");
		rt_sigsafe_put(fd, t->role);
		rt_sigsafe_put(fd, "] tid ");
		rt_sigsafe_put_num(fd, (unsigned long)t->tid, 10, 1);
		rt_sigsafe_put(fd, ", Thread 0x");
		rt_sigsafe_put_num(fd, (unsigned long)t->pt, 16, 2 * (int)sizeof(unsigned long));
		rt_sigsafe_put(fd, "\n");
	}
}

int rt_registry_count(void)
{
	return atomic_load(&nthreads);
}

struct rt_thread *rt_registry_get(int i)
{
	pthread_mutex_lock(&reg_mu);
	struct rt_thread *t = (i >= 0 && i < nthreads) ? threads[i] : NULL;
	pthread_mutex_unlock(&reg_mu);
	return t;
}

void rt_registry_reset(void)
{
	pthread_mutex_lock(&reg_mu);
	for (int i = 0; i < nthreads; i++) {
		struct rt_thread *t = threads[i];
		pthread_mutex_destroy(&t->mu);
		free(t->held);
		rt_u64map_free(&t->edges);
		rt_chainset_free(&t->chains);
		free(t->dropped);
		free(t->sched);
		free(t->note);
		free(t->stack);
		free(t->notified);
		for (int d = 0; d < RT_THREAD_DATA_SLOTS; d++)
			free(t->data[d]);
		free(t);
	}
	free(threads);
	threads = NULL;
	capthreads = 0;
	atomic_store(&nthreads, 0);
	atomic_fetch_add(&rt_registry_gen, 1);
	pthread_mutex_unlock(&reg_mu);
	rt_self_tls = NULL;
}

void rt_thread_set_state(struct rt_thread *t, int state)
{
	pthread_mutex_lock(&t->mu);
	atomic_store(&t->state, state);
	t->state_since_ns = rt_now_ns();
	pthread_mutex_unlock(&t->mu);
}

void rt_thread_set_op(struct rt_thread *t, const char *op)
{
	pthread_mutex_lock(&t->mu);
	t->op = op;
	pthread_mutex_unlock(&t->mu);
}

void rt_thread_wait_begin(struct rt_thread *t, rt_lock *l, struct rt_site site)
{
	rt_thread_wait_begin_until(t, l, site, 0);
}

void rt_thread_wait_begin_until(struct rt_thread *t, rt_lock *l, struct rt_site site,
				uint64_t deadline_ns)
{
	pthread_mutex_lock(&t->mu);
	t->waiting_for = l;
	t->wait_deadline_ns = deadline_ns;
	t->wait_site = site;
	t->wait_serial++;
	t->state_since_ns = rt_now_ns();
	atomic_store(&t->state, RT_TS_BLOCKED_LOCK);
	pthread_mutex_unlock(&t->mu);
}

void rt_thread_notify_wait_begin(struct rt_thread *t, const char *what, struct rt_site site,
				 uint64_t deadline_ns)
{
	pthread_mutex_lock(&t->mu);
	t->notify_on = what;
	t->notify_deadline_ns = deadline_ns;
	t->wait_site = site;
	t->wait_serial++;
	t->state_since_ns = rt_now_ns();
	atomic_store(&t->state, RT_TS_WAITING_NOTIFY);
	pthread_mutex_unlock(&t->mu);
}

void rt_thread_notified(struct rt_thread *t, const char *what)
{
	for (int i = 0; i < t->nnotified; i++)   /* only the owner writes: no lock */
		if (t->notified[i] == what)
			return;
	pthread_mutex_lock(&t->mu);
	if (t->nnotified == t->capnotified) {
		t->capnotified = t->capnotified ? 2 * t->capnotified : 8;
		t->notified = rt_xrealloc(t->notified, (size_t)t->capnotified * sizeof *t->notified);
	}
	t->notified[t->nnotified++] = what;
	pthread_mutex_unlock(&t->mu);
}

void rt_thread_woken(struct rt_thread *t)
{
	pthread_mutex_lock(&t->mu);
	if (atomic_load(&t->state) == RT_TS_WAITING_NOTIFY) {
		atomic_store(&t->state, RT_TS_RUNNING);
		t->wait_serial++;
		t->state_since_ns = rt_now_ns();
	}
	pthread_mutex_unlock(&t->mu);
}

void rt_thread_set_idle(struct rt_thread *t, int idle)
{
	pthread_mutex_lock(&t->mu);
	t->idle = idle;
	t->op = idle ? "harness main thread, idle until stop" : NULL;
	atomic_store(&t->state, idle ? RT_TS_SLEEPING : RT_TS_RUNNING);
	t->state_since_ns = rt_now_ns();
	pthread_mutex_unlock(&t->mu);
}

/* ---- reading another thread's held list (registry.h) -------------------- */

static void held_load(struct rt_held *d, const struct rt_held *h)
{
	d->lock = __atomic_load_n(&h->lock, __ATOMIC_RELAXED);
	d->cls = __atomic_load_n(&h->cls, __ATOMIC_RELAXED);
	d->chain = __atomic_load_n(&h->chain, __ATOMIC_RELAXED);
	d->site.file = __atomic_load_n(&h->site.file, __ATOMIC_RELAXED);
	d->site.line = __atomic_load_n(&h->site.line, __ATOMIC_RELAXED);
	d->site.func = __atomic_load_n(&h->site.func, __ATOMIC_RELAXED);
	d->since_ns = __atomic_load_n(&h->since_ns, __ATOMIC_RELAXED);
	d->reentry = __atomic_load_n(&h->reentry, __ATOMIC_RELAXED);
	d->fake = __atomic_load_n(&h->fake, __ATOMIC_RELAXED);
}

/* One version of the list, between two equal even sequence counts; hbusy
 * held (the array stays where it is).  -1 if it needs more than cap. */
static int held_read(struct rt_thread *t, struct rt_held *buf, int cap)
{
	for (;;) {
		unsigned s0 = atomic_load_explicit(&t->hseq, memory_order_acquire);
		if (s0 & 1) {   /* the owner is in a write section: a few stores */
			sched_yield();
			continue;
		}
		int n = __atomic_load_n(&t->nheld, __ATOMIC_RELAXED);
		if (n > cap)
			return -1;
		for (int i = 0; i < n; i++)
			held_load(&buf[i], &t->held[i]);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&t->hseq, memory_order_relaxed) == s0)
			return n;
	}
}

/* The newest entry for each lock in the drop box leaves the copy, as its
 * owner will remove it (lock.c); hbusy held. */
static int apply_drops(const struct rt_thread *t, struct rt_held *buf, int n)
{
	for (int d = 0; d < t->ndropped; d++)
		for (int i = n - 1; i >= 0; i--)
			if (buf[i].lock == t->dropped[d]) {
				memmove(&buf[i], &buf[i + 1], (size_t)(n - i - 1) * sizeof *buf);
				n--;
				break;
			}
	return n;
}

int rt_held_copy(struct rt_thread *t, struct rt_held **buf, int *cap)
{
	for (;;) {
		rt_held_lock(t);
		int n = held_read(t, *buf, *cap);
		if (n >= 0) {
			n = apply_drops(t, *buf, n);
			rt_held_unlock(t);
			return n;
		}
		n = __atomic_load_n(&t->nheld, __ATOMIC_RELAXED);
		rt_held_unlock(t);
		*cap = n + 8;   /* allocated outside the lock */
		*buf = rt_xrealloc(*buf, (size_t)*cap * sizeof **buf);
	}
}
