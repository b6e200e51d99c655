/* SPDX-License-Identifier: Apache-2.0 */
/* lockscenario.c - the unsafe locking scenario (lockscenario.h).  Each
 * edge was first seen in some thread; a thread that took several edges in
 * a row (print-7 nesting Console._lock, logging.Handler.lock, Live._lock) is
 * one participant, not one per edge: printed per edge, it appeared twice in
 * a scenario that said "each thread takes its first lock". */
#include "runtime/lockscenario.h"

#include <stdlib.h>
#include <string.h>

static int same(const struct rt_scen_edge *e, int n, int i, int j)
{
	return !strcmp(e[(i + n) % n].thread, e[(j + n) % n].thread);
}

/* Where a run of one thread's edges begins, cyclically (0 if one thread
 * took them all). */
static int run_start(const struct rt_scen_edge *e, int n)
{
	for (int i = 0; i < n; i++)
		if (!same(e, n, i, i - 1))
			return i;
	return 0;
}

#define COL "                                    "   /* the second column */

/* Two threads: A took edges a .. a+na-1, B the rest (the new edge's run);
 * each holds its chain's locks, then waits for the other's first. */
static void two_columns(struct rt_buf *b, const struct rt_scen_edge *e, int n, int a, int na)
{
	const char *ta = e[a].thread, *tb = e[(a + na) % n].thread;
	int self = !strcmp(ta, tb);
	rt_buf_printf(b, "       %-28s %s\n       %-28s %s\n", ta, self ? "another thread" : tb,
		      "----", "----");
	for (int i = 0; i < na; i++)
		rt_buf_printf(b, "  lock(%s);\n", e[(a + i) % n].from);
	for (int i = na; i < n; i++)
		rt_buf_printf(b, COL "lock(%s);\n", e[(a + i) % n].from);
	rt_buf_printf(b, COL "lock(%s);\n", e[(a + n - 1) % n].to);
	rt_buf_printf(b, "  lock(%s);\n", e[(a + na - 1) % n].to);
	if (self)
		rt_buf_printf(b, "\n (%s took these locks in both orders, at different times: two "
				 "threads that do the same can deadlock)\n", ta);
}

/* Three threads or more: one line each, its chain. */
static void lines(struct rt_buf *b, const struct rt_scen_edge *e, int n, int s)
{
	for (int i = 0; i < n; i++) {
		const struct rt_scen_edge *x = &e[(s + i) % n];
		if (i == 0 || !same(e, n, s + i, s + i - 1))
			rt_buf_printf(b, "%s  %s: lock(%s);", i ? "\n" : "", x->thread, x->from);
		rt_buf_printf(b, " ... lock(%s);", x->to);
	}
	rt_buf_printf(b, "\n  (each thread takes its first lock, then waits for the next)\n");
}

void rt_lock_scenario(struct rt_buf *b, const struct rt_scen_edge *e, int n)
{
	int s = run_start(e, n), runs = 0, a = 0, na = n - 1;
	for (int i = 0; i < n; i++)
		runs += i == 0 || !same(e, n, s + i, s + i - 1);
	if (runs == 2) {   /* A: the run after the new edge's (n - 1), to its end */
		for (a = n - 1; same(e, n, a + 1, n - 1); a++)
			;
		a = (a + 1) % n;
		for (na = 1; same(e, n, a + na, a); na++)
			;
	}
	if (runs <= 2)
		two_columns(b, e, n, a, na);
	else
		lines(b, e, n, s);
}
