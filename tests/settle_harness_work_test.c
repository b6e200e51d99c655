/* SPDX-License-Identifier: Apache-2.0 */
/* settle_harness_work_test.c - a thread inside the harness's own work is
 * never a HANG (engine/settle.c).  In CI (ASan, both CPUs loaded) a writer of
 * test_clean held Clean.lock for 0.74 s while it appended to a sink of ~150 MB
 * (a realloc and a copy); seven writers waited for it, and the watchdog's
 * settle budget ran out: `HANG ... Clean.lock` on a correct target.
 *
 * Here a holder takes a lock and stays in one place while a waiter blocks on
 * it; the settle verdict over a short budget is read back:
 *   - holder inside a sink write (its observer, harness code, waits for the
 *     test to let it go): no verdict (MOVED), however long the budget;
 *   - holder with the lock held in target code that makes no progress
 *     (the same wait, outside any sink write): HANG.
 * And the words of the watchdog's stalled-cycle verdict for a plain ABBA of
 * two threads: "in a cycle of lock waits", not "through notify waits".
 * The second case is the control: the same stall outside harness work must
 * stay a HANG, so the first cannot pass by never judging at all.  No timing
 * decides the outcome: the holder stays put until the verdict is read.
 * While the first settles for its whole budget, the heartbeat callback
 * (the watchdog's beat to the supervisor) is called with every snapshot. */
#include "engine/settle.h"
#include "runtime/registry.h"
#include "runtime/sink.h"

#include "test_threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static atomic_int ticks;   /* calls of the heartbeat while settling */

static void tick(void) { atomic_fetch_add(&ticks, 1); }

static rt_lock *lk;
static rt_sink *sink;
static atomic_int held, let_go, waiter_in;

static void hold_until_let_go(void)
{
	atomic_store(&held, 1);
	while (!atomic_load(&let_go))
		sched_yield();
}

/* Harness code (a sink observer) that takes as long as the test says. */
static void slow_observer(int owner, const char *buf, size_t len)
{
	(void)owner;
	(void)buf;
	(void)len;
	hold_until_let_go();
}

static void *holder(void *arg)
{
	int in_sink = *(int *)arg;
	rt_thread_register(in_sink ? "holder-sink" : "holder-spin", "test");
	rt_lock_acquire(lk);
	if (in_sink)
		rt_sink_write(sink, "line\n", 5);
	else
		hold_until_let_go();
	rt_lock_release(lk);
	rt_thread_unregister();
	return NULL;
}

static void *waiter(void *arg)
{
	(void)arg;
	rt_thread_register("waiter", "test");
	atomic_store(&waiter_in, 1);
	rt_lock_acquire(lk);
	rt_lock_release(lk);
	rt_thread_unregister();
	return NULL;
}

/* The waiter's record says it is blocked on lk. */
static int waiter_blocked(void)
{
	struct rt_snap *s;
	int n = rt_snapshot_take(&s), ok = 0;
	for (int i = 0; i < n; i++)
		ok |= !strcmp(s[i].name, "waiter") && s[i].state == RT_TS_BLOCKED_LOCK;
	rt_snapshot_free(s, n);
	return ok;
}

static int verdict_with_holder(int in_sink)
{
	pthread_t h, w;
	atomic_store(&held, 0);
	atomic_store(&let_go, 0);
	atomic_store(&waiter_in, 0);
	pthread_create(&h, NULL, holder, &in_sink);
	while (!atomic_load(&held))
		sched_yield();
	pthread_create(&w, NULL, waiter, NULL);
	while (!waiter_blocked())
		sched_yield();
	struct rt_snap *s;
	int n = rt_snapshot_take(&s);
	struct rt_settle v;
	int kind = rt_stall_settle(s, n, 0, 200 * 1000000ULL, tick, &v);
	rt_settle_free(&v);
	rt_snapshot_free(s, n);
	atomic_store(&let_go, 1);
	pthread_join(h, NULL);
	pthread_join(w, NULL);
	return kind;
}

/* ---- the stalled-cycle verdict's words --------------------------------- */

static rt_lock *la, *lb;
static atomic_int abba_in;

static void *abba(void *arg)
{
	int first_a = *(int *)arg;
	rt_thread_register(first_a ? "abba-a" : "abba-b", "test");
	rt_lock_acquire(first_a ? la : lb);
	atomic_fetch_add(&abba_in, 1);
	while (atomic_load(&abba_in) < 2)
		sched_yield();
	rt_lock_acquire(first_a ? lb : la);   /* never returns: the other holds it */
	return NULL;
}

/* Both abba threads blocked on a lock. */
static int abba_blocked(void)
{
	struct rt_snap *s;
	int n = rt_snapshot_take(&s), k = 0;
	for (int i = 0; i < n; i++)
		k += !strncmp(s[i].name, "abba-", 5) && s[i].state == RT_TS_BLOCKED_LOCK;
	rt_snapshot_free(s, n);
	return k == 2;
}

/* Two threads in a plain ABBA: the words are "in a cycle of lock waits"
 * (the verdict said "through notify waits" for any cycle, seen on tqdm). */
static int abba_words(char *why, size_t nwhy)
{
	static int yes = 1, no = 0;
	pthread_t x, y;
	la = rt_lock_new("Settle.A", RT_LOCK_PLAIN);
	lb = rt_lock_new("Settle.B", RT_LOCK_PLAIN);
	pthread_create(&x, NULL, abba, &yes);
	pthread_create(&y, NULL, abba, &no);
	pthread_detach(x);   /* deadlocked for good: the process exits under them */
	pthread_detach(y);
	while (!abba_blocked())
		sched_yield();
	struct rt_snap *s;
	int n = rt_snapshot_take(&s);
	why[0] = 0;
	rt_stall_cycle_why(s, n, rt_now_ns(), 1, why, nwhy);
	rt_snapshot_free(s, n);
	return why[0] != 0;
}

int main(void)
{
	rt_test_init("settle_harness_work");
	lk = rt_lock_new("Settle.L", RT_LOCK_PLAIN);
	sink = rt_sink_new_observed("slow", 0, slow_observer);
	int in_sink = verdict_with_holder(1);
	int in_sink_ticks = atomic_load(&ticks);
	int spin = verdict_with_holder(0);
	printf("holder in a sink write: %s; holder in target code: %s\n",
	       in_sink == RT_SETTLE_MOVED ? "no verdict" : in_sink == RT_SETTLE_HANG ? "HANG" : "DEADLOCK",
	       spin == RT_SETTLE_MOVED ? "no verdict" : spin == RT_SETTLE_HANG ? "HANG" : "DEADLOCK");
	rt_test_check(in_sink == RT_SETTLE_MOVED, "a holder inside a sink write is no HANG");
	rt_test_check(spin == RT_SETTLE_HANG, "a holder stuck in target code is a HANG (the control)");
	char why[256];
	int said = abba_words(why, sizeof why);
	printf("ABBA: %s\n", said ? why : "(no verdict)");
	rt_test_check(said && strstr(why, "2 threads wait for each other in a cycle of lock waits"),
		      "a plain ABBA is a cycle of lock waits");
	/* the whole 200 ms budget, a snapshot every 20 ms: the heartbeat with
	 * each, not once at the end (the supervisor kills a silent process) */
	printf("heartbeats during the 200 ms settle: %d\n", in_sink_ticks);
	rt_test_check(in_sink_ticks >= 5, "the watchdog's heartbeat goes on while it settles");
	if (rt_test_fails)
		return 1;
	printf("PASS settle_harness_work\n");
	return 0;
}
