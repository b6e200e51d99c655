/* SPDX-License-Identifier: Apache-2.0 */
/* lockgraph_edge_facts_test.c - every lock-order edge keeps how it was taken
 * over all acquisitions along it, not only the first (lockgraph.c): inside a
 * finalizer run or not, timed or not, the roles of the threads, the lock
 * instances (up to RT_EDGE_INSTANCES a side, then "too many").  The per-thread
 * fast paths must not hide a new way of taking a known edge. */
#include "base/report.h"
#include "runtime/lockgraph.h"
#include "runtime/registry.h"
#include "runtime/rt.h"

#include "test_threads.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static rt_lock *a[RT_EDGE_INSTANCES + 1], *b;

static void a_then_b(int i, int timed)
{
	rt_lock_acquire(a[i]);
	if (timed)
		rt_test_check(rt_lock_timed_acquire_at(b, 1000000, RT_SITE) == 1, "timed acquire of a free lock");
	else
		rt_lock_acquire(b);
	rt_lock_release(b);
	rt_lock_release(a[i]);
}

static struct rt_lockgraph_edge edge(void)
{
	struct rt_lockgraph_edge e;
	memset(&e, 0, sizeof e);
	rt_test_check(rt_lockgraph_edge_between("Facts.A", "Facts.B", &e) == 0, "the edge Facts.A -> Facts.B");
	return e;
}

static void *printer(void *arg)
{
	(void)arg;
	rt_thread_register("printer", "print");
	a_then_b(0, 0);
	a_then_b(0, 0);   /* the same again: nothing new */
	struct rt_lockgraph_edge e = edge();
	rt_test_check(e.untimed && !e.timed && e.outside_finalizer && !e.in_finalizer, "plain, outside");
	rt_test_check(e.ninst_from == 1 && e.inst_from[0] == rt_lock_serial(a[0]) && e.ninst_to == 1 &&
	      e.inst_to[0] == rt_lock_serial(b), "instances: the one A and B");
	a_then_b(0, 1);   /* known edge, known chain, taken a new way */
	rt_test_check(edge().timed, "a timed acquire along a known edge is recorded");
	rt_self()->in_finalizer++;
	a_then_b(0, 0);
	rt_self()->in_finalizer--;
	rt_test_check(edge().in_finalizer, "an acquisition inside a finalizer run is recorded");
	for (int i = 1; i < RT_EDGE_INSTANCES; i++)
		a_then_b(i, 0);
	e = edge();
	rt_test_check(e.ninst_from == RT_EDGE_INSTANCES && !e.inst_many, "every instance kept up to the cap");
	a_then_b(RT_EDGE_INSTANCES, 0);
	rt_test_check(edge().inst_many, "one instance more: too many to tell");
	return NULL;
}

static void *logger(void *arg)
{
	(void)arg;
	rt_thread_register("logger", "log");
	a_then_b(0, 0);
	return NULL;
}

int main(void)
{
	rt_test_init("lockgraph_edge_facts_test");
	for (int i = 0; i <= RT_EDGE_INSTANCES; i++)
		a[i] = rt_lock_new("Facts.A", RT_LOCK_PLAIN);
	b = rt_lock_new("Facts.B", RT_LOCK_PLAIN);
	rt_test_run(printer, NULL);
	rt_test_check(edge().roles && !(edge().roles & (edge().roles - 1)), "one role so far");
	rt_test_run(logger, NULL);
	uint32_t roles = edge().roles;
	int n = 0, print = 0, log = 0;
	for (int i = 0; i < RT_LOCKGRAPH_ROLES - 1; i++)
		if (roles >> i & 1) {
			n++;
			print |= !strcmp(rt_lockgraph_role_name(i), "print");
			log |= !strcmp(rt_lockgraph_role_name(i), "log");
		}
	rt_test_check(n == 2 && print && log, "roles print and log");
	if (!rt_test_fails)
		printf("PASS: timed, finalizer, instances (cap and beyond) and roles kept per edge\n");
	return rt_test_fails ? 1 : 0;
}
