/* SPDX-License-Identifier: Apache-2.0 */
/* minimize_sched.c - `minimize`'s steps 2 and 3 (minimize.c): fewer
 * preemptions in the best schedule, by an exhaustive one-preemption search
 * and by delta debugging over its switches.  Every candidate is a lenient
 * replay: where it says nothing, the running thread goes on. */
#include "commands/minimize_search.h"

#include "base/util.h"
#include "targets.h"

#include <stdlib.h>
#include <string.h>

/* A switch of the schedule: to thread `tid` at the k-th choice thread `me` ran at. */
struct sw {
	uint16_t tid;
	int16_t me;    /* the thread that ran there, and its choices before (rt_steer) */
	uint32_t k;
};

/* Lenient replay of the switches `sw` (every other choice: the running
 * thread goes on); taken if it reproduces and is no larger than the best.
 * A switch is named by the thread that ran and how many choices it had run
 * at before (rt_steer), not by its position among all choices: without an
 * earlier switch every later position moves, and a switch kept by position
 * lands elsewhere.  C model, 17 repros of explore --strategy random (8
 * printers, 158-376 preemptions), --keep-clock --search-runs 100: 1,060
 * preemptions left in all by position, 724 by thread (13 smaller, 3
 * larger). */
static int try_switches(struct mz *m, struct best *b, const struct sw *s, size_t ns)
{
	struct rt_steer *st = rt_xcalloc(ns + 1, sizeof *st);
	for (size_t i = 0; i < ns; i++)
		st[i] = (struct rt_steer){ s[i].me, s[i].tid, s[i].k };
	struct rt_ctl_params p = b->p;
	p.strategy = RT_STRAT_REPLAY;
	p.replay = NULL;
	p.nreplay = 0;
	p.steer = st;
	p.nsteer = ns;
	p.lenient = 1;
	struct rt_exec_result r;
	int got = mz_run_one(m, &b->cfg, &p, &r) == 1;
	free(st);
	if (!got)
		return 0;
	if (!mz_not_larger(&r, &b->r)) {
		rt_exec_result_free(&r);
		return 0;
	}
	mz_take(b, &b->cfg, &p, &r);
	return 1;
}

/* 3. ddmin over the best schedule's switches (Zeller and Hildebrandt's
 * delta debugging: subsets, then complements, then finer chunks), each
 * named as in the best schedule found before this step. */
static void ddmin_switches(struct mz *m, struct best *b)
{
	uint64_t before = m->executions;
	size_t n = 0, nc = b->r.ctl.nchoices;
	struct sw *s = rt_xcalloc(nc + 1, sizeof *s), *t = rt_xcalloc(nc + 1, sizeof *t);
	uint32_t *seen = rt_xcalloc((size_t)b->r.ctl.nthreads + 2, sizeof *seen);
	for (size_t i = 0; i < nc; i++) {
		const struct rt_choice *ch = &b->r.ctl.choices[i];
		uint32_t k = seen[ch->prev + 1]++;
		if (ch->tid != (uint16_t)ch->prev)
			s[n++] = (struct sw){ ch->tid, ch->prev, k };
	}
	free(seen);
	if (n && try_switches(m, b, s, 0))   /* no switch chosen at all */
		n = 0;
	size_t gran = 2;
	while (n >= 2 && !mz_spent(m)) {
		size_t chunk = (n + gran - 1) / gran, got = 0;
		/* a subset: one chunk alone */
		for (size_t at = 0; at < n && !got && !mz_spent(m); at += chunk) {
			size_t len = at + chunk <= n ? chunk : n - at;
			if (len < n && try_switches(m, b, s + at, len)) {
				memmove(s, s + at, len * sizeof *s);
				n = len, got = 1, gran = 2;
			}
		}
		/* a complement: all but one chunk (with two chunks, the subsets) */
		for (size_t at = 0; gran > 2 && at < n && !got && !mz_spent(m); at += chunk) {
			size_t len = at + chunk <= n ? chunk : n - at, k = 0;
			for (size_t i = 0; i < n; i++)
				if (i < at || i >= at + len)
					t[k++] = s[i];
			if (try_switches(m, b, t, k)) {
				memcpy(s, t, k * sizeof *s);
				n = k, got = 1, gran = gran > 3 ? gran - 1 : 2;
			}
		}
		if (!got) {
			if (gran >= n)
				break;   /* 1-minimal: no single switch can go */
			gran = gran * 2 < n ? gran * 2 : n;
		}
	}
	free(s);
	free(t);
	m->in_ddmin += m->executions - before;
}

/* 2. One preemption, searched exhaustively (context bound 1): run without
 * preempting, except switch to thread `tid` at choice i. */
static void one_preemption(struct mz *m, struct best *b)
{
	struct rt_choice none = { 0xffff, 0, 0, -1 };
	struct rt_ctl_params p = b->p;
	p.strategy = RT_STRAT_REPLAY;
	p.replay = &none;
	p.nreplay = 0;
	p.lenient = 1;
	struct rt_exec_result base;
	if (m->stopped || m->executions >= m->budget)
		return;
	uint64_t before = m->executions++;
	rt_exec_controlled(rt_target_find(b->cfg.target), &b->cfg, &p, &base);
	size_t n0 = base.ctl.nchoices;
	int nth = base.ctl.nthreads;
	/* the thread that ran at a choice goes on there anyway: no candidate */
	int16_t *ran = rt_xcalloc(n0 + 1, sizeof *ran);
	uint32_t *kth = rt_xcalloc(n0 + 1, sizeof *kth), *seen = rt_xcalloc((size_t)nth + 2, sizeof *seen);
	for (size_t i = 0; i < n0; i++) {
		ran[i] = base.ctl.choices[i].prev;
		kth[i] = seen[ran[i] + 1]++;
	}
	free(seen);
	rt_exec_result_free(&base);
	for (size_t i = 0; i < n0 && !mz_spent(m) && b->r.ctl.preemptions > 1; i++)
		for (int tid = 0; tid < nth && !mz_spent(m) && b->r.ctl.preemptions > 1; tid++) {
			struct sw s = { (uint16_t)tid, ran[i], kth[i] };
			if (tid != ran[i])
				try_switches(m, b, &s, 1);
		}
	free(ran);
	free(kth);
	m->in_one += m->executions - before;
}

/* 2. and 3.: for the C models a one-preemption schedule first (most
 * deadlocks need one: the holder of the first lock preempted before its
 * second; an exhaustive search is cheap at thousands of executions a
 * second), within the old bound max(5000, 20 x search runs), then ddmin
 * within 4 x search runs.  For embedded Python, where the exhaustive search
 * alone would spend the budget (choices x threads executions at a few per
 * second), ddmin first with half of what is left, then the one-preemption
 * search with the rest. */
void mz_shrink_schedule(struct mz *m, struct best *b)
{
	uint64_t one = m->runs * 20 > 5000 ? m->runs * 20 : 5000;
	uint64_t half = m->executions < m->budget ? (m->budget - m->executions) / 2 : 0;
	if (m->py && b->r.ctl.preemptions > 1) {
		m->step_end = m->executions + (half > 4 * m->runs ? half : 4 * m->runs);
		ddmin_switches(m, b);
	}
	if (b->r.ctl.preemptions > 1) {
		m->step_end = m->executions + one;
		one_preemption(m, b);
	}
	if (!m->py && b->r.ctl.preemptions > 1) {
		m->step_end = m->executions + 4 * m->runs;
		ddmin_switches(m, b);
	}
	m->step_end = 0;
}
