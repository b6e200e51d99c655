/* SPDX-License-Identifier: Apache-2.0 */
/* lock_fast.h - the common case of an instrumented lock, inline in the
 * caller: an uncontended acquire whose chain of held classes this thread
 * already validated, and the release of the lock it took last.  lock.h
 * uses these for rt_lock_acquire/rt_lock_release when RT_LOCK_INLINE is
 * defined (in-tree code, CMakeLists.txt); target plugins and the Python
 * glue call rt_lock_acquire_at/rt_lock_release_at, which do the same out of
 * line.  Anything else (free running with noise, the controlled scheduler,
 * RT_LOCK_BINARY, a busy lock, re-entry, a new chain, a drop box to apply,
 * a full held list, a release out of order) takes the out-of-line path,
 * which does everything lock.c describes; this is a shortcut through it,
 * with the same effects.  Not installed: it needs the harness's layouts. */
#ifndef RT_LOCK_FAST_H
#define RT_LOCK_FAST_H

#include "runtime/lock.h"
#include "runtime/lockgraph.h"
#include "runtime/registry.h"
#include "runtime/schedpoint.h"

#include <pthread.h>
#include <stdatomic.h>
#if defined(__has_include)
#if __has_include(<sys/single_threaded.h>)
#include <sys/single_threaded.h>   /* glibc >= 2.32 */
#define RT_HAVE_SINGLE_THREADED 1
#endif
#endif

struct rt_lock {
	pthread_mutex_t mu;
	/* 1: the inline paths may take it (not RT_LOCK_BINARY, not
	 * REDIRTORTURE_LOCK_PLAIN); read-only after rt_lock_new */
	int fast;
	enum rt_lock_kind kind;
	struct rt_class *cls;
	_Atomic(struct rt_thread *) owner;
	int depth;                  /* owner-only: recursion depth */
	/* the chain cache's per-lock terms, computed once (lockgraph.h:
	 * rt_lockgraph_class_key, and rt_lockgraph_ikey's two serial terms) */
	uint64_t cls_key, serial_mix, serial_k;
	/* RT_LOCK_BINARY only: mu guards `locked` (the real lock state) and cv
	 * wakes waiters, so any thread may release it (see binary_release). */
	pthread_cond_t cv;
	int locked;
	/* its real state lives elsewhere (rt_lock_ext_*): a free-looking
	 * owner says nothing about whether a waiter can go on */
	atomic_int external;
	uint64_t serial;            /* instance identity, never reused (lockgraph.c) */
};

/* 1 while the process has never had a second thread: glibc's public
 * __libc_single_threaded, which its pthread_create clears before the new
 * thread exists; nothing sets it again (not pthread_join; the child of a
 * fork inherits it, and 2.36 leaves it false after a multi-threaded
 * parent).  While it is true only the one thread reads it: no race. */
static inline int rt_single_threaded_(void)
{
#ifdef RT_HAVE_SINGLE_THREADED
	return __libc_single_threaded;
#else
	return 0;
#endif
}

/* Takes l's real lock if it is free: 1 if taken, 0 if busy.  The caller
 * saw l's owner NULL: not the calling thread's own lock (a re-entry or a
 * self-deadlock goes out of line, which records the wait before it
 * blocks), nor another fiber's on the fiber backend (each has its own
 * record).  With one thread in the process nobody else can hold l, so
 * pthread_mutex_lock does not block, and glibc then takes the mutex
 * without an atomic instruction where trylock always makes one (issue 17:
 * at most 3x a plain mutex, which is measured in such a process).  It
 * could still find the mutex taken only in the instructions between a
 * real lock and its owner's store, or between the owner's clearing and
 * the real unlock, if something ran there on this thread: no signal
 * handler takes instrumented locks, no fiber switches there, and a trylock
 * would fail there to block in the out-of-line path for good as well. */
static inline int rt_lock_take_free_(rt_lock *l)
{
	if (rt_single_threaded_())
		return pthread_mutex_lock(&l->mu) == 0;
	return pthread_mutex_trylock(&l->mu) == 0;
}

/* The chain key with l on top of t's held list, and whether t's chain
 * cache has it, taken untimed (lockgraph.h; rt_lockgraph_on_acquire would
 * do nothing).  t's drop box must be empty. */
static inline int rt_lock_chain_known_(const struct rt_thread *t, const rt_lock *l, uint64_t *next)
{
	int n = t->nheld;
	*next = rt_chain_mix((n ? t->held[n - 1].chain : 0) ^ l->cls_key);
	uint64_t ckey = rt_lockgraph_ckey(*next, rt_lockgraph_how(t, 0));
	/* with a held lock below, the key with instances first: the one
	 * stored while the edge's instances count, the common case */
	const struct rt_held *h = rt_lockgraph_edge_from(t);
	if (h && rt_chainset_has(&t->chains,
				       rt_lockgraph_ikey_of(ckey, h->lock->serial_mix, l->serial_k)))
		return 1;
	return rt_chainset_has(&t->chains, ckey);
}

/* The new top of t's held list: one write section (registry.h), room
 * checked by the caller.  The age stamp is the process's coarse tick
 * (base/util.h: a load, no clock read). */
static inline void rt_lock_push_(struct rt_thread *t, rt_lock *l, uint64_t chain,
				 struct rt_site site, int reentry, int fake)
{
	struct rt_held h = { l, l->cls, chain, site, rt_tick_ns(), reentry, fake };
	int n = t->nheld;
	rt_held_write_begin(t);
	rt_held_store(&t->held[n], &h);
	rt_held_set_count(t, n + 1);
	rt_held_write_end(t);
}

/* t just took l's real lock without waiting (rt_lock_take_free_), with
 * room in its held list and its drop box empty: the bookkeeping of an
 * uncontended acquire (lock-order edges only for a chain t has not
 * validated yet).  The inline path below and lock.c's out-of-line one
 * share it. */
static inline void rt_lock_took_(struct rt_thread *t, rt_lock *l, struct rt_site site)
{
	uint64_t next;
	if (__builtin_expect(!rt_lock_chain_known_(t, l, &next), 0))
		rt_lockgraph_on_acquire(t, l, site, 0);
	rt_lock_push_(t, l, next, site, 0, 0);
	atomic_store_explicit(&l->owner, t, memory_order_release);
	l->depth = 1;
}

/* 1 if it took l; 0 if the caller must call rt_lock_acquire_at (nothing
 * changed).  lock.h's macro makes that call at the caller's line, so a
 * native stack of a thread blocked in it names the caller's file:line. */
static inline __attribute__((always_inline)) int rt_lock_acquire_fast_(rt_lock *l, struct rt_site site)
{
	struct rt_thread *t = rt_self_current();
	if (__builtin_expect(!t || !l->fast || !rt_sched->quiet ||
			     atomic_load_explicit(&l->owner, memory_order_relaxed) != NULL ||
			     atomic_load_explicit(&t->has_dropped, memory_order_relaxed) ||
			     t->nheld == t->capheld || !rt_lock_take_free_(l), 0))
		return 0;
	rt_lock_took_(t, l, site);
	return 1;
}

/* 1 if it released l (t's newest entry); 0: call rt_lock_release_at. */
static inline __attribute__((always_inline)) int rt_lock_release_fast_(rt_lock *l)
{
	struct rt_thread *t = rt_self_current();
	int n;
	if (__builtin_expect(!t || !l->fast || !rt_sched->quiet ||
			     atomic_load_explicit(&t->has_dropped, memory_order_relaxed) ||
			     (n = t->nheld) == 0 || t->held[n - 1].lock != l || t->held[n - 1].fake ||
			     atomic_load_explicit(&l->owner, memory_order_relaxed) != t, 0))
		return 0;
	rt_held_write_begin(t);
	rt_held_set_count(t, n - 1);
	rt_held_write_end(t);
	if (--l->depth > 0)
		return 1;
	atomic_store_explicit(&l->owner, NULL, memory_order_release);
	pthread_mutex_unlock(&l->mu);
	return 1;
}

#endif
