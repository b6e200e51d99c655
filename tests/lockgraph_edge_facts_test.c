/* SPDX-License-Identifier: Apache-2.0 */
/* lockgraph_edge_facts_test.c - every lock-order edge keeps how it was taken
 * over all acquisitions along it, not only the first (lockgraph.c): inside a
 * finalizer run or not, timed or not, the roles of the threads, the lock
 * instances (up to RT_EDGE_INSTANCES a side, then "too many").  The per-thread
 * fast paths must not hide a new way of taking a known edge. */
#include "base/config.h"
#include "base/report.h"
#include "runtime/lockgraph.h"
#include "runtime/registry.h"
#include "runtime/rt.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static rt_lock *a[RT_EDGE_INSTANCES + 1], *b;
static int fails;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "FAIL: %s\n", what);
		fails++;
	}
}

static void a_then_b(int i, int timed)
{
	rt_lock_acquire(a[i]);
	if (timed)
		check(rt_lock_timed_acquire_at(b, 1000000, RT_SITE) == 1, "timed acquire of a free lock");
	else
		rt_lock_acquire(b);
	rt_lock_release(b);
	rt_lock_release(a[i]);
}

static struct rt_lockgraph_edge edge(void)
{
	struct rt_lockgraph_edge e;
	memset(&e, 0, sizeof e);
	check(rt_lockgraph_edge_between("Facts.A", "Facts.B", &e) == 0, "the edge Facts.A -> Facts.B");
	return e;
}

static void *printer(void *arg)
{
	(void)arg;
	rt_thread_register("printer", "print");
	a_then_b(0, 0);
	a_then_b(0, 0);   /* the same again: nothing new */
	struct rt_lockgraph_edge e = edge();
	check(e.untimed && !e.timed && e.outside_finalizer && !e.in_finalizer, "plain, outside");
	check(e.ninst_from == 1 && e.inst_from[0] == rt_lock_serial(a[0]) && e.ninst_to == 1 &&
	      e.inst_to[0] == rt_lock_serial(b), "instances: the one A and B");
	a_then_b(0, 1);   /* known edge, known chain, taken a new way */
	check(edge().timed, "a timed acquire along a known edge is recorded");
	rt_self()->in_finalizer++;
	a_then_b(0, 0);
	rt_self()->in_finalizer--;
	check(edge().in_finalizer, "an acquisition inside a finalizer run is recorded");
	for (int i = 1; i < RT_EDGE_INSTANCES; i++)
		a_then_b(i, 0);
	e = edge();
	check(e.ninst_from == RT_EDGE_INSTANCES && !e.inst_many, "every instance kept up to the cap");
	a_then_b(RT_EDGE_INSTANCES, 0);
	check(edge().inst_many, "one instance more: too many to tell");
	return NULL;
}

static void *logger(void *arg)
{
	(void)arg;
	rt_thread_register("logger", "log");
	a_then_b(0, 0);
	return NULL;
}

static void run(void *(*fn)(void *))
{
	pthread_t t;
	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
}

int main(void)
{
	struct rt_config c;
	rt_config_defaults(&c);
	rt_report_init(&c, "lockgraph_edge_facts_test", NULL);
	rt_report_set_quiet(1);
	for (int i = 0; i <= RT_EDGE_INSTANCES; i++)
		a[i] = rt_lock_new("Facts.A", RT_LOCK_PLAIN);
	b = rt_lock_new("Facts.B", RT_LOCK_PLAIN);
	run(printer);
	check(edge().roles && !(edge().roles & (edge().roles - 1)), "one role so far");
	run(logger);
	uint32_t roles = edge().roles;
	int n = 0, print = 0, log = 0;
	for (int i = 0; i < RT_LOCKGRAPH_ROLES - 1; i++)
		if (roles >> i & 1) {
			n++;
			print |= !strcmp(rt_lockgraph_role_name(i), "print");
			log |= !strcmp(rt_lockgraph_role_name(i), "log");
		}
	check(n == 2 && print && log, "roles print and log");
	if (!fails)
		printf("PASS: timed, finalizer, instances (cap and beyond) and roles kept per edge\n");
	return fails ? 1 : 0;
}
