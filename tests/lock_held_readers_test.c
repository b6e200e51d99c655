/* SPDX-License-Identifier: Apache-2.0 */
/* lock_held_readers_test.c - a thread's held list is written by its owner
 * alone, without a lock (lock.c); other threads (the watchdog, settle, hang
 * reports) read it with rt_held_copy.
 * 1. An RT_LOCK_BINARY released by another thread leaves its owner's list
 *    at once for readers (the hang report's snapshot), and before the
 *    owner's next acquisition for the owner (no lock-order edge from it).
 * 2. Every copy a reader takes while the owner nests up to NL locks and
 *    releases them (in order, and the bottom one first, which moves every
 *    entry above it) is one version of the list: locks in nesting order,
 *    classes and chain keys consistent.  The owner runs until the reader
 *    caught it holding locks in SEEN copies, however the two are scheduled
 *    (the test's timeout is the bound); it fails on a torn copy, and
 *    ThreadSanitizer reports a racy access itself.  Statistical budget: a
 *    reader that did not retry a copy taken during a write section was
 *    caught in 2 of 3 runs (x86), so one run is no proof of the retry.
 * 3. The age stamp readers see (hang reports' "taken ..., N s ago") is the
 *    process's coarse tick (base/util.h), no clock read on the inline path:
 *    a lock taken on it right after a clock read is stamped at most
 *    RT_TICK_NS before that read, and one taken 300 ms after this
 *    thread's last clock read, while a watchdog-like thread reads the clock
 *    every 10 ms, at most 10 ms + RT_TICK_NS before it (+ 100 ms for a
 *    loaded machine; a stamp from this thread's own last read would be
 *    300 ms old). */
#include "engine/hangreport.h"
#include "runtime/lockgraph.h"
#include "runtime/registry.h"
#include "runtime/rt.h"

#include "test_threads.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NL 48
#define ITERS 20000
#define SEEN 1000

static rt_lock *p, *bin, *q, *nl[NL];
static struct rt_thread *owner;
static atomic_int stage, seen, owner_done;

static void wait_stage(int s)
{
	while (atomic_load(&stage) < s)
		sched_yield();
}

/* ---- 1. a binary lock released by another thread ----------------------- */

static void *holder(void *arg)
{
	(void)arg;
	rt_thread_register("holder", "test");
	owner = rt_self();
	rt_lock_acquire(p);
	rt_lock_acquire(bin);
	atomic_store(&stage, 1);
	wait_stage(2);   /* main released bin for us */
	rt_lock_acquire(q);
	rt_test_check(owner->nheld == 2 && owner->held[0].lock == p && owner->held[1].lock == q,
	      "the owner's own list: P, Q (the released lock gone)");
	struct rt_lockgraph_edge e;
	rt_test_check(rt_lockgraph_edge_between("Held.P", "Held.Q", &e) == 0, "edge P -> Q");
	rt_test_check(rt_lockgraph_edge_between("Held.Bin", "Held.Q", &e) != 0,
	      "no edge from the lock another thread released");
	rt_lock_release(q);
	rt_lock_release(p);
	return NULL;
}

static void foreign_release(void)
{
	pthread_t th;
	pthread_create(&th, NULL, holder, NULL);
	wait_stage(1);
	rt_lock_release(bin);   /* a binary semaphore: any thread may release it */
	struct rt_snap *s;
	int n = rt_snapshot_take(&s), found = 0;
	for (int i = 0; i < n; i++)
		if (s[i].t == owner) {
			found = 1;
			rt_test_check(s[i].nheld == 1 && s[i].held[0].lock == p,
			      "the hang report's snapshot: the holder holds P only");
		}
	rt_test_check(found, "the holder in the snapshot");
	rt_snapshot_free(s, n);
	atomic_store(&stage, 2);
	pthread_join(th, NULL);
}

/* ---- 2. consistent copies while the owner changes its list -------------- */

static void *nester(void *arg)
{
	(void)arg;
	rt_thread_register("nester", "test");
	owner = rt_self();
	for (int j = 0; j < NL; j++)   /* the list's storage grown before the reader starts */
		rt_lock_acquire(nl[j]);
	for (int j = NL - 1; j >= 0; j--)
		rt_lock_release(nl[j]);
	atomic_store(&stage, 3);
	for (int i = 0; i < ITERS || atomic_load(&seen) < SEEN; i++) {
		int k = 1 + i % NL;
		for (int j = 0; j < k; j++)
			rt_lock_acquire(nl[j]);
		if (i % 3 == 0)
			rt_lock_release(nl[0]);   /* out of order */
		for (int j = k - 1; j >= (i % 3 == 0); j--)
			rt_lock_release(nl[j]);
	}
	atomic_store(&owner_done, 1);
	return NULL;
}

static int index_of(const rt_lock *l)
{
	for (int j = 0; j < NL; j++)
		if (nl[j] == l)
			return j;
	return -1;
}

/* One version of the list: ascending locks, each with its class and the
 * chain key of the classes below and at it. */
static int consistent(const struct rt_held *h, int n)
{
	uint64_t chain = 0;
	int last = -1;
	for (int i = 0; i < n; i++) {
		int j = index_of(h[i].lock);
		if (j <= last || h[i].cls != rt_lock_class(h[i].lock) || h[i].reentry || h[i].fake)
			return 0;
		chain = rt_lockgraph_chain(chain, h[i].cls);
		if (h[i].chain != chain)
			return 0;
		last = j;
	}
	return n <= NL;
}

static void copies(void)
{
	pthread_t th;
	pthread_create(&th, NULL, nester, NULL);
	wait_stage(3);
	struct rt_held *buf = NULL;
	int cap = 0, torn = 0, nonempty = 0, total = 0;
	while (!atomic_load(&owner_done)) {
		int n = rt_held_copy(owner, &buf, &cap);
		torn += !consistent(buf, n);
		total++;
		if (n > 0) {
			nonempty++;
			atomic_fetch_add(&seen, 1);
		}
	}
	pthread_join(th, NULL);
	free(buf);
	char msg[160];
	snprintf(msg, sizeof msg, "%d of %d copies torn", torn, total);
	rt_test_check(!torn, msg);
	printf("%d copies, %d with locks held, %d torn\n", total, nonempty, torn);
}

/* The stamp of q, taken (inline: the second time, the list has room) by
 * the caller, as a reader copies it; q released again. */
static uint64_t stamp_of_q(void)
{
	rt_lock_acquire(q);
	struct rt_held *buf = NULL;
	int cap = 0, n = rt_held_copy(rt_self(), &buf, &cap);
	uint64_t since = n == 1 && buf[0].lock == q ? buf[0].since_ns : 0;
	free(buf);
	rt_lock_release(q);
	return since;
}

static _Atomic int ticking;

static void *ticker(void *arg)
{
	(void)arg;
	while (atomic_load(&ticking)) {
		rt_now_ns();
		struct timespec ts = { 0, 10000000 };
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void *ages(void *arg)
{
	(void)arg;
	rt_thread_register("stamper", "test");
	stamp_of_q();   /* the list's first entry: out of line */
	uint64_t before = rt_now_ns(), since = stamp_of_q(), after = rt_now_ns();
	char msg[200];
	snprintf(msg, sizeof msg, "stamp right after a clock read: %.3f ms before it, at most %.3f",
		 ((double)before - (double)since) / 1e6, RT_TICK_NS / 1e6);
	rt_test_check(since && since <= after && since + RT_TICK_NS >= before, msg);
	pthread_t tk;
	atomic_store(&ticking, 1);
	pthread_create(&tk, NULL, ticker, NULL);
	struct timespec ts = { 0, 300000000 };
	nanosleep(&ts, NULL);   /* no clock read here: only the ticker's */
	since = stamp_of_q();
	before = rt_now_ns();
	snprintf(msg, sizeof msg, "stamp after 300 ms without a clock read here: %.3f ms before the "
		 "next read, at most 10 + %.0f + 100 ms", ((double)before - (double)since) / 1e6,
		 RT_TICK_NS / 1e6);
	rt_test_check(since && since <= before && since + 110000000ULL + RT_TICK_NS >= before, msg);
	atomic_store(&ticking, 0);
	pthread_join(tk, NULL);
	return NULL;
}

int main(void)
{
	rt_test_init("lock_held_readers_test");
	p = rt_lock_new("Held.P", RT_LOCK_PLAIN);
	bin = rt_lock_new("Held.Bin", RT_LOCK_BINARY);
	q = rt_lock_new("Held.Q", RT_LOCK_PLAIN);
	rt_test_new_locks(nl, NL, "Nest.L%d");
	foreign_release();
	copies();
	rt_test_run(ages, NULL);
	if (!rt_test_fails)
		printf("PASS: a lock released by another thread leaves its owner's list for readers "
		       "and owner; every copy one version; age stamps within the coarse tick\n");
	return rt_test_fails ? 1 : 0;
}
