/* SPDX-License-Identifier: Apache-2.0 */
/* lock_chain_cache_test.c - lockdep's chain cache (lock.c, lockgraph.c): a
 * thread validates each chain of held lock classes against the lock-order
 * graph once; the same chain again, taken the same way on the same
 * instances, does no graph work (rt_lockgraph_chains_validated does not
 * move), while a new way of taking it (timed, a new instance) is validated.
 * And the bookkeeping is linear in the locks held: holding N locks at once
 * adds N chain keys and a held list of at most 2N entries, however often
 * the same nesting is repeated or released out of order. */
#include "runtime/lockgraph.h"
#include "runtime/registry.h"
#include "runtime/rt.h"

#include "test_threads.h"

#include <stdio.h>

#define NDEEP 512

static rt_lock *a, *a2, *b, *c, *deep[NDEEP];

static void nest(rt_lock *first, int timed)
{
	rt_lock_acquire(first);
	if (timed)
		rt_test_check(rt_lock_timed_acquire_at(b, 1000000000ULL, RT_SITE) == 1, "timed acquire of a free lock");
	else
		rt_lock_acquire(b);
	rt_lock_acquire(c);
	rt_lock_release(c);
	rt_lock_release(b);
	rt_lock_release(first);
}

static void *chains(void *arg)
{
	(void)arg;
	rt_thread_register("nester", "test");
	long v0 = rt_lockgraph_chains_validated();
	nest(a, 0);
	rt_test_check(rt_lockgraph_chains_validated() - v0 == 3, "A, A+B, A+B+C: three chains validated");
	for (int i = 0; i < 1000; i++)
		nest(a, 0);
	rt_test_check(rt_lockgraph_chains_validated() - v0 == 3, "the same chains 1000 times more: no graph work");
	nest(a, 1);   /* B timed: A+B taken timed is new; A+B+C is known (keys are of classes) */
	long v1 = rt_lockgraph_chains_validated();
	rt_test_check(v1 - v0 == 4, "a timed acquire of B under A: one more chain");
	nest(a, 1);
	rt_test_check(rt_lockgraph_chains_validated() == v1, "the timed chain again: no graph work");
	nest(a2, 0);  /* another instance of A's class: its edge to B is new */
	long v2 = rt_lockgraph_chains_validated();
	rt_test_check(v2 - v1 == 1, "another instance of Cache.A: its edge to B validated, nothing else");
	nest(a2, 0);
	rt_test_check(rt_lockgraph_chains_validated() == v2, "that instance again: no graph work");
	return NULL;
}

static void *deep_nest(void *arg)
{
	(void)arg;
	rt_thread_register("deep", "test");
	struct rt_thread *t = rt_self();
	long v0 = rt_lockgraph_chains_validated();
	size_t k0 = t->chains.n;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < NDEEP; i++)
			rt_lock_acquire(deep[i]);
		rt_test_check(t->nheld == NDEEP, "every lock on the held list");
		rt_lock_release(deep[round]);   /* out of order: the chains above change */
		for (int i = NDEEP - 1; i >= 0; i--)
			if (i != round)
				rt_lock_release(deep[i]);
		rt_test_check(t->nheld == 0, "the held list empty again");
	}
	char msg[160];
	snprintf(msg, sizeof msg, "%d locks held at once, 3 rounds: %ld chains validated, %zu keys, "
		 "expected %d of each", NDEEP, rt_lockgraph_chains_validated() - v0,
		 t->chains.n - k0, NDEEP);
	rt_test_check(rt_lockgraph_chains_validated() - v0 == NDEEP && t->chains.n - k0 == NDEEP, msg);
	rt_test_check(t->capheld <= 2 * NDEEP, "the held list's storage at most twice the locks held");
	return NULL;
}

int main(void)
{
	rt_test_init("lock_chain_cache_test");
	a = rt_lock_new("Cache.A", RT_LOCK_PLAIN);
	a2 = rt_lock_new("Cache.A", RT_LOCK_PLAIN);
	b = rt_lock_new("Cache.B", RT_LOCK_PLAIN);
	c = rt_lock_new("Cache.C", RT_LOCK_PLAIN);
	rt_test_new_locks(deep, NDEEP, "Deep.L%03d");
	rt_test_run(chains, NULL);
	rt_test_run(deep_nest, NULL);
	if (!rt_test_fails)
		printf("PASS: each chain validated once per thread and way of taking it; "
		       "bookkeeping linear in the locks held\n");
	return rt_test_fails ? 1 : 0;
}
