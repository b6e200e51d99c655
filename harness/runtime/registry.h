/* SPDX-License-Identifier: Apache-2.0 */
/* registry.h - one record per thread the harness knows about: what it is
 * doing, which locks it holds (with sites), what it waits for, progress. */
#ifndef RT_REGISTRY_H
#define RT_REGISTRY_H

#include "runtime/lock.h"
#include "runtime/site.h"
#include "runtime/chainset.h"
#include "base/util.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

enum rt_tstate {
	RT_TS_RUNNING,
	RT_TS_BLOCKED_LOCK,
	RT_TS_BLOCKED_SYSCALL,
	RT_TS_SLEEPING,
	RT_TS_FINISHED,
	/* In a condition-variable wait (Python's Condition.wait, so Event.wait,
	 * queue.Queue, Semaphore, Barrier): nobody owns what it waits for, so it
	 * is no edge of the wait-for graph, and like SLEEPING the watchdog never
	 * counts it as a stall by itself (idle workers wait like this). */
	RT_TS_WAITING_NOTIFY,
};
const char *rt_tstate_name(int s);

#define RT_THREAD_DATA_SLOTS 8

struct rt_class;
struct rt_held {
	rt_lock *lock;
	struct rt_class *cls;      /* lock's class (runtime/lockgraph.h) */
	uint64_t chain;            /* chain key of held[0..this] (rt_lockgraph_chain) */
	struct rt_site site;
	uint64_t since_ns;
	int reentry;               /* recursive re-entry by the owner */
	int fake;                  /* granted while draining a deadlocked run */
};

struct rt_thread {
	int id;                     /* dense, 0.. in registration order */
	char name[32];
	char role[16];
	pthread_t pt;
	int tid;                    /* kernel thread id (gettid) once adopted, else 0 */
	/* The held list: only its owner writes it, without a lock (lock.c):
	 * each change is one write section of the sequence count hseq (odd
	 * while it writes), every field stored with a relaxed atomic store
	 * (rt_held_store), so readers on other threads (rt_held_copy: the
	 * watchdog, settle, hang reports) retry until they read one version.
	 * hbusy, a spin lock, guards the list's storage and the drop box: a
	 * reader holds it while it copies, the owner takes it only to grow the
	 * array or to empty the drop box.  An RT_LOCK_BINARY released by a
	 * non-owner is not removed by that thread: it goes into the owner's
	 * drop box (dropped[], under hbusy; has_dropped says it is not empty),
	 * which the owner applies before its next look at its list, and
	 * readers apply to their copy.  Never taken before mu (mu, then
	 * hbusy is the order). */
	atomic_int hbusy;
	_Atomic unsigned hseq;
	struct rt_held *held;
	int nheld, capheld;
	rt_lock **dropped;
	int ndropped, capdropped;
	atomic_int has_dropped;
	/* mu guards everything below except the atomics; it is held only for
	 * short bookkeeping, never while blocking, so the watchdog can always
	 * take it. */
	pthread_mutex_t mu;
	rt_lock *waiting_for;
	struct rt_site wait_site;
	const char *syscall;        /* what it is blocked in, if BLOCKED_SYSCALL */
	const char *notify_on;      /* the condition, if WAITING_NOTIFY (lives forever) */
	uint64_t notify_deadline_ns; /* when a timed notify wait gives up; 0: untimed */
	uint64_t wait_deadline_ns;  /* BLOCKED_LOCK: when a timed acquire gives up; 0: untimed */
	/* Condition classes (names, living forever) this thread notified at
	 * least once: the evidence for inferred wait-for edges (hangreport.c).
	 * Only the owner appends, under mu. */
	const char **notified;
	int nnotified, capnotified;
	int idle;                   /* the harness's own thread, idle until the run stops */
	uint64_t state_since_ns;
	uint64_t wait_serial;       /* changes on every new wait */
	const char *op;             /* operation in flight (static string) */
	char *note;                 /* rt_thread_set_note text, owned */
	struct rt_stack *stack;     /* rt_thread_set_stack: its stack while it waits, owned */
	_Atomic int state;
	_Atomic uint64_t progress;
	/* > 0 while the thread does the harness's own bounded work inside an
	 * operation (a sink write: appending to a sink of ~100 MB can take
	 * a realloc and copy of 0.7 s under ASan on a loaded machine), which
	 * the watchdog never judges a hang (engine/settle.c) */
	atomic_int harness_work;
	/* owner-only */
	struct rt_u64map edges;     /* class edges already checked (lockgraph.c) */
	struct rt_chainset chains;  /* chain keys already validated (lockdep's chain cache) */
	uint64_t line_seq;          /* tags @T<id>:<seq>@ of driver lines */
	uint64_t fin_seq;           /* tags @F<id>:<seq>@ of finalizer lines */
	int in_finalizer;           /* > 0 while the GC model runs finalizers on it */
	void *sched;                /* per-thread noise / scheduler state */
	void *data[RT_THREAD_DATA_SLOTS];   /* rt_thread_data blocks, owned */
};

/* Current thread's record, registering an "unnamed" one on first use. */
struct rt_thread *rt_self(void);
/* Its parts, for inline fast paths (lock_fast.h): the record of the thread
 * of control (a fiber's, on the fiber backend) and the registry generation
 * it was set in; a record from before rt_registry_reset is stale. */
extern _Thread_local struct rt_thread *rt_self_tls;
extern _Thread_local unsigned rt_self_gen_tls;
extern _Atomic unsigned rt_registry_gen;
/* The calling thread's record, or NULL if it has none yet (rt_self makes
 * one): two thread-local loads and a compare, inline. */
static inline struct rt_thread *rt_self_current(void)
{
	struct rt_thread *t = rt_self_tls;
	if (rt_self_gen_tls != atomic_load_explicit(&rt_registry_gen, memory_order_relaxed))
		return NULL;
	return t;
}
struct rt_thread *rt_self_or_null(void);
/* The calling thread of control is t from now on: a scheduler that runs
 * several records as fibers on one kernel thread switches it with them. */
void rt_registry_set_self(struct rt_thread *t);

struct rt_thread *rt_registry_add(const char *name, const char *role);
/* Create a record for a thread about to be started (ids and names follow
 * creation order, so controlled runs are reproducible); the new thread
 * calls rt_registry_adopt on it. */
struct rt_thread *rt_registry_new(const char *name, const char *role);
void rt_registry_adopt(struct rt_thread *t);
/* Bumped by every reset: a handle to a record made before one is stale. */
unsigned rt_registry_generation(void);
/* Hold the table still (no reset, no growth) while reading many records. */
void rt_registry_lock(void);
void rt_registry_unlock(void);
struct rt_thread *rt_registry_get_locked(int i);
void rt_registry_reset(void);     /* frees all records; no thread may be running */

/* For a crash report, from the crash handler (base/nativestack.h
 * rt_native_crash_extra): every live registered thread's name, role, kernel
 * TID and pthread id, as Python's faulthandler names threads.  Signal-safe:
 * no lock (a table caught mid-growth is read as it is), write(2) only. */
void rt_registry_crash_list(int fd);

/* Snapshot access for the watchdog and reports. */
int rt_registry_count(void);
struct rt_thread *rt_registry_get(int i);

void rt_thread_set_state(struct rt_thread *t, int state);
/* "t waits for l at site", recorded before t blocks (or is parked by the
 * controlled scheduler), so reports and the wait-for graph see it. */
void rt_thread_wait_begin(struct rt_thread *t, rt_lock *l, struct rt_site site);
/* "t waits for a notify on `what` (a name that lives forever) at site",
 * until deadline_ns (rt_now_ns clock; 0 = no timeout); ended by
 * rt_thread_set_state(t, RT_TS_RUNNING). */
void rt_thread_notify_wait_begin(struct rt_thread *t, const char *what, struct rt_site site,
				 uint64_t deadline_ns);
/* Same, for a timed acquire that gives up at deadline_ns (rt_now_ns). */
void rt_thread_wait_begin_until(struct rt_thread *t, rt_lock *l, struct rt_site site,
				uint64_t deadline_ns);
/* t (the caller) notified a condition of class `what` (a name that lives
 * forever): remembered once per class. */
void rt_thread_notified(struct rt_thread *t, const char *what);
/* Another thread released t's notify wait: t runs again (before it has
 * retaken whatever it needs to say so itself). */
void rt_thread_woken(struct rt_thread *t);
/* idle: t is the harness's own thread waiting for the run to end (it wakes
 * nobody; state sleeping); 0: it runs (target) code again. */
void rt_thread_set_idle(struct rt_thread *t, int idle);
void rt_thread_set_op(struct rt_thread *t, const char *op);
/* The held list's storage lock (see struct rt_thread): held for a copy or a
 * few stores, never while blocking or allocating much. */
static inline void rt_held_lock(struct rt_thread *t)
{
	while (atomic_exchange_explicit(&t->hbusy, 1, memory_order_acquire))
		while (atomic_load_explicit(&t->hbusy, memory_order_relaxed))
			sched_yield();
}
static inline void rt_held_unlock(struct rt_thread *t)
{
	atomic_store_explicit(&t->hbusy, 0, memory_order_release);
}
/* A write section of t's held list, by its owner only (lock.c): between
 * the two, entries change with rt_held_store and nheld with
 * rt_held_set_count. */
static inline void rt_held_write_begin(struct rt_thread *t)
{
	unsigned s = atomic_load_explicit(&t->hseq, memory_order_relaxed);
	atomic_store_explicit(&t->hseq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
}
static inline void rt_held_write_end(struct rt_thread *t)
{
	unsigned s = atomic_load_explicit(&t->hseq, memory_order_relaxed);
	atomic_store_explicit(&t->hseq, s + 1, memory_order_release);
}
static inline void rt_held_store(struct rt_held *d, const struct rt_held *h)
{
	__atomic_store_n(&d->lock, h->lock, __ATOMIC_RELAXED);
	__atomic_store_n(&d->cls, h->cls, __ATOMIC_RELAXED);
	__atomic_store_n(&d->chain, h->chain, __ATOMIC_RELAXED);
	__atomic_store_n(&d->site.file, h->site.file, __ATOMIC_RELAXED);
	__atomic_store_n(&d->site.line, h->site.line, __ATOMIC_RELAXED);
	__atomic_store_n(&d->site.func, h->site.func, __ATOMIC_RELAXED);
	__atomic_store_n(&d->since_ns, h->since_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&d->reentry, h->reentry, __ATOMIC_RELAXED);
	__atomic_store_n(&d->fake, h->fake, __ATOMIC_RELAXED);
}
static inline void rt_held_set_count(struct rt_thread *t, int n)
{
	__atomic_store_n(&t->nheld, n, __ATOMIC_RELAXED);
}
/* One consistent copy of t's held list (any thread; locks a non-owner
 * released for t's owner already left out) into *buf (grown as needed,
 * *cap entries): the number of entries. */
int rt_held_copy(struct rt_thread *t, struct rt_held **buf, int *cap);
static inline void rt_thread_progress(struct rt_thread *t)
{
	atomic_fetch_add_explicit(&t->progress, 1, memory_order_relaxed);
}

#endif
