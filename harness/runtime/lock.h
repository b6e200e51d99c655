/* SPDX-License-Identifier: Apache-2.0 */
/* lock.h - instrumented locks (lock.c): real pthread mutexes plus the
 * bookkeeping the lock-order graph and the watchdog read. */
#ifndef RT_LOCK_H
#define RT_LOCK_H

#include "site.h"

#include <stdint.h>

/* Backed by a real pthread mutex (TSan sees it).  The class name groups all
 * instances in the lock-order graph, like lockdep's lock classes. */
enum rt_lock_kind {
	RT_LOCK_PLAIN,
	RT_LOCK_RECURSIVE,
	/* Like Python's threading.Lock: a binary semaphore that any thread may
	 * release (the owner's record is updated); backed by a mutex + condvar. */
	RT_LOCK_BINARY,
};
typedef struct rt_lock rt_lock;

rt_lock *rt_lock_new(const char *class_name, enum rt_lock_kind kind);
void rt_lock_free(rt_lock *l);
void rt_lock_acquire_at(rt_lock *l, struct rt_site site);
void rt_lock_release_at(rt_lock *l, struct rt_site site);
const char *rt_lock_class_name(const rt_lock *l);
/* Non-blocking acquire: 1 if taken, 0 if busy.  order_edges = 1 when the
 * caller blocks for the lock if busy (it adds the lock-order edges a blocking
 * acquire would); 0 for a real trylock, which cannot deadlock. */
int rt_lock_try_acquire_at(rt_lock *l, int order_edges, struct rt_site site);
/* Blocking acquire that gives up after timeout_ns: 1 if taken, 0 if not. */
int rt_lock_timed_acquire_at(rt_lock *l, uint64_t timeout_ns, struct rt_site site);
/* Release, or -1 (nothing changed) if the caller does not hold l; for
 * RT_LOCK_BINARY: if nobody holds it. */
int rt_lock_try_release_at(rt_lock *l, struct rt_site site);
/* Bookkeeping only, for a lock whose real state lives outside the harness
 * (Python's multiprocessing SemLock): the caller takes and drops the real
 * lock; these keep the owner, held lists, lock-order edges and waits, so
 * the lock takes part in the lock-order and wait-for graphs.  l's kind says
 * who may release it (RT_LOCK_RECURSIVE: the owner; RT_LOCK_BINARY: any
 * thread).  Before blocking for the real lock: */
void rt_lock_ext_waiting(rt_lock *l, uint64_t deadline_ns, struct rt_site site);
/* Got the real lock (order_edges: it was a blocking acquire that did not
 * have to wait, so rt_lock_ext_waiting was not called). */
void rt_lock_ext_acquired(rt_lock *l, int order_edges, struct rt_site site);
/* A timed wait for the real lock gave up. */
void rt_lock_ext_gave_up(rt_lock *l);
/* Before the real release: 0, or -1 (nothing changed) if nobody holds l,
 * or (RT_LOCK_RECURSIVE) the caller does not. */
int rt_lock_ext_releasing(rt_lock *l);
/* 1 once a thread waited for l through rt_lock_ext_waiting. */
int rt_lock_is_external(const rt_lock *l);

/* For the harness: the lock's class (lockgraph.h) and its owner, or NULL. */
struct rt_class;
struct rt_thread;
struct rt_class *rt_lock_class(const rt_lock *l);
/* Which instance l is: 1, 2, ... in creation order, never reused (unlike its
 * address); the lock-order graph records it with every edge. */
uint64_t rt_lock_serial(const rt_lock *l);
struct rt_thread *rt_lock_owner(const rt_lock *l);

/* In-tree code (RT_LOCK_INLINE, CMakeLists.txt) gets the common case
 * inline (lock_fast.h, not installed, which rt.h includes last); target
 * plugins call the functions. */
#ifdef RT_LOCK_INLINE
#define rt_lock_acquire(l)                                                 \
	do {                                                               \
		rt_lock *rt_l_ = (l);                                      \
		if (!rt_lock_acquire_fast_(rt_l_, RT_SITE))                \
			rt_lock_acquire_at(rt_l_, RT_SITE);                \
	} while (0)
#define rt_lock_release(l)                                                 \
	do {                                                               \
		rt_lock *rt_l_ = (l);                                      \
		if (!rt_lock_release_fast_(rt_l_))                         \
			rt_lock_release_at(rt_l_, RT_SITE);                \
	} while (0)
#else
#define rt_lock_acquire(l) rt_lock_acquire_at((l), RT_SITE)
#define rt_lock_release(l) rt_lock_release_at((l), RT_SITE)
#endif

#endif
