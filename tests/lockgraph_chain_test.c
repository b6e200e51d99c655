/* SPDX-License-Identifier: Apache-2.0 */
/* lockgraph_chain_test.c - one signature per lock-order bug: edges come only
 * from the most recently taken held lock (as lockdep adds them), so a cycle
 * is reported once, along its own chain.  One thread nests Chain.A -> B -> C
 * -> D, another takes D then A: the report is the 4-class cycle and nothing
 * else.  With an edge from every held lock (A -> D among them), the same bug
 * came out as the transitive "Chain.A -> Chain.D -> Chain.A".  The unsafe
 * scenario of each report reads as two threads (check_scenarios). */
#include "base/report.h"
#include "runtime/lockgraph.h"
#include "runtime/registry.h"
#include "runtime/rt.h"

#include "test_threads.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static rt_lock *l[4];

static void *nest_all(void *arg)
{
	(void)arg;
	rt_thread_register("nester", "test");
	for (int i = 0; i < 4; i++)
		rt_lock_acquire(l[i]);
	for (int i = 3; i >= 0; i--)
		rt_lock_release(l[i]);
	return NULL;
}

static void *d_then_a(void *arg)
{
	(void)arg;
	rt_thread_register("inverter", "test");
	rt_lock_acquire(l[3]);
	rt_lock_acquire(l[0]);
	rt_lock_release(l[0]);
	rt_lock_release(l[3]);
	return NULL;
}

/* one thread, both orders at different times: X -> Y, then Y -> X */
static rt_lock *x, *y;
static void *both_orders(void *arg)
{
	(void)arg;
	rt_thread_register("both", "test");
	rt_lock_acquire(x);
	rt_lock_acquire(y);
	rt_lock_release(y);
	rt_lock_release(x);
	rt_lock_acquire(y);
	rt_lock_acquire(x);
	rt_lock_release(x);
	rt_lock_release(y);
	return NULL;
}

/* three threads, the first nesting two edges: Tri.A -> B -> C, C -> D, D -> A */
struct nesting {
	const char *name;
	rt_lock *locks[3];
	int n;
};
static void *take_in_order(void *arg)
{
	const struct nesting *w = arg;
	rt_thread_register(w->name, "test");
	for (int i = 0; i < w->n; i++)
		rt_lock_acquire(w->locks[i]);
	for (int i = w->n - 1; i >= 0; i--)
		rt_lock_release(w->locks[i]);
	return NULL;
}

static void three_threads(void)
{
	rt_lock *t[4];
	static const char *const names[4] = { "Tri.A", "Tri.B", "Tri.C", "Tri.D" };
	for (int i = 0; i < 4; i++)
		t[i] = rt_lock_new(names[i], RT_LOCK_PLAIN);
	struct nesting w[3] = { { "first", { t[0], t[1], t[2] }, 3 },
				{ "second", { t[2], t[3] }, 2 },
				{ "third", { t[3], t[0] }, 2 } };
	for (int i = 0; i < 3; i++)
		rt_test_run(take_in_order, &w[i]);
}

/* The scenario reads as two threads: the nester's chain in one column
 * (it read "nester: lock(Chain.A); ... lock(Chain.B);" three times, one
 * thread as three participants), the inverter in the other; one thread in
 * both orders: "another thread" across from it, and why. */
static int check_scenarios(void)
{
	static const char two[] =
		"       nester                       inverter\n"
		"       ----                         ----\n"
		"  lock(Chain.A);\n  lock(Chain.B);\n  lock(Chain.C);\n"
		"                                    lock(Chain.D);\n"
		"                                    lock(Chain.A);\n"
		"  lock(Chain.D);\n\n *** DEADLOCK ***";
	static const char self[] =
		"       both                         another thread\n"
		"       ----                         ----\n"
		"  lock(Self.X);\n"
		"                                    lock(Self.Y);\n"
		"                                    lock(Self.X);\n"
		"  lock(Self.Y);\n\n"
		" (both took these locks in both orders, at different times: two threads that "
		"do the same can deadlock)\n";
	/* three threads: one line each, a thread's two edges on its one line */
	static const char three[] =
		" Possible unsafe locking scenario:\n\n"
		"  first: lock(Tri.A); ... lock(Tri.B); ... lock(Tri.C);\n"
		"  second: lock(Tri.C); ... lock(Tri.D);\n"
		"  third: lock(Tri.D); ... lock(Tri.A);\n"
		"  (each thread takes its first lock, then waits for the next)\n";
	int code, fails = 0;
	const char *kind, *sig, *text[3] = { "", "", "" };
	for (int i = 0; i < 3 && rt_report_get(i, &code, &kind, &sig, &text[i]) == 0; i++)
		;
	if (!strstr(text[0], two)) {
		fprintf(stderr, "FAIL: the chain's scenario is not two columns:\n%s\n", text[0]);
		fails++;
	}
	if (!strstr(text[1], self)) {
		fprintf(stderr, "FAIL: one thread in both orders, scenario:\n%s\n", text[1]);
		fails++;
	}
	if (!strstr(text[2], three)) {
		fprintf(stderr, "FAIL: three threads, scenario:\n%s\n", text[2]);
		fails++;
	}
	return fails;
}

int main(void)
{
	rt_test_init("lockgraph_chain_test");
	static const char *const names[4] = { "Chain.A", "Chain.B", "Chain.C", "Chain.D" };
	for (int i = 0; i < 4; i++)
		l[i] = rt_lock_new(names[i], RT_LOCK_PLAIN);
	rt_test_run(nest_all, NULL);
	rt_test_run(d_then_a, NULL);
	int code, n = 0, fails = 0;
	const char *kind, *sig, *text;
	for (int i = 0; rt_report_get(i, &code, &kind, &sig, &text) == 0; i++) {
		n++;
		const char *canon = strchr(sig, ' ');
		if (!canon || strcmp(canon + 1, "Chain.A -> Chain.B -> Chain.C -> Chain.D -> Chain.A")) {
			fprintf(stderr, "FAIL: reported '%s', expected the 4-class chain\n", sig);
			fails++;
		}
	}
	if (n != 1) {
		fprintf(stderr, "FAIL: %d findings, expected exactly one\n", n);
		fails++;
	}
	if (rt_lockgraph_nedges() != 4) {
		fprintf(stderr, "FAIL: %d edges, expected 4 (A->B, B->C, C->D, D->A)\n",
			rt_lockgraph_nedges());
		fails++;
	}
	x = rt_lock_new("Self.X", RT_LOCK_PLAIN);
	y = rt_lock_new("Self.Y", RT_LOCK_PLAIN);
	rt_test_run(both_orders, NULL);
	three_threads();
	fails += check_scenarios();
	if (!fails)
		printf("PASS: one finding, the cycle along its own chain; 4 edges; scenarios in two "
		       "columns, three threads one line each\n");
	return fails ? 1 : 0;
}
