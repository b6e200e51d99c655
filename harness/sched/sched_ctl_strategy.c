/* SPDX-License-Identifier: Apache-2.0 */
/* sched_ctl_strategy.c - the controlled scheduler's strategies (random, PCT,
 * POS, confirm, bytes, replay) and the schedule they record, each choice
 * with its check byte (sched_ctl_strategy.h). */
#include "sched/sched_ctl_strategy.h"

#include "sched/checkhash.h"
#include "sched/checklog.h"
#include "sched/sched_ctl_enabled.h"
#include "sched/sched_ctl_state.h"

#include "runtime/lockgraph.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t ctl_nchoice, ctl_pct_cp[8];
static size_t capchoices;
static uint32_t nme_none;   /* choices with no running thread (rt_steer.k of me -1) */
static struct rt_checkhash enabled_hash;   /* check_of's, resumed pick to pick */

void ctl_strategy_reset_locked(void)
{
	ctl_nchoice = 0;
	capchoices = 0;
	nme_none = 0;
	ctl_pct_changed();
}

/* DeadlockFuzzer-style steering: a thread that holds one lock of the cycle
 * and wants another waits while anyone else can run. */
static int in_cycle(const char *cls)
{
	for (int i = 0; i < ctl_p.nconfirm; i++)
		if (!strcmp(ctl_p.confirm[i], cls))
			return 1;
	return 0;
}

static int postponed(const struct cthread *c)
{
	if (!c->want || !in_cycle(rt_lock_class_name(c->want)))
		return 0;
	for (int i = 0; i < c->t->nheld; i++) {
		const rt_lock *h = c->t->held[i].lock;
		if (h != c->want && in_cycle(rt_lock_class_name(h)) &&
		    strcmp(rt_lock_class_name(h), rt_lock_class_name(c->want)))
			return 1;
	}
	return 0;
}

static const char *want_class(int chosen)
{
	return ctl_ct[chosen]->want ? rt_lock_class_name(ctl_ct[chosen]->want) : NULL;
}

uint8_t check_of(const struct ctl_enset *s, int chosen)
{
	/* FNV-1a streams: one pass over the members hashes what one call per
	 * element did (the check bytes of committed repros stay the same);
	 * checkhash.c resumes from the prefix the last enabled set shares */
	uint64_t h = rt_checkhash_bits(&enabled_hash, s->bits, s->nwords);
	return rt_check_byte(h, ctl_ct[chosen]->ev, want_class(chosen));
}

void record(int tid, const struct ctl_enset *s, int me, int preempt)
{
	if (ctl_r.nchoices == capchoices) {
		capchoices = capchoices ? capchoices * 2 : 4096;   /* as the check log */
		ctl_r.choices = rt_xrealloc(ctl_r.choices, capchoices * sizeof *ctl_r.choices);
	}
	ctl_r.choices[ctl_r.nchoices++] = (struct rt_choice){ (uint16_t)tid, 0, (uint8_t)preempt,
						      (int16_t)me };
	rt_checklog_add(&ctl_r.checklog, s->bits, s->nwords, ctl_ct[tid]->ev, want_class(tid));
}

/* ---- PCT: the enabled thread of highest priority ----------------------
 * Threads kept in priority order (highest first; equal priorities by
 * index, as a scan of the enabled list in index order chose), their place
 * in it given to the enabled set as ranks: a pick reads the enabled thread
 * of lowest rank from a few words (sched_ctl_enabled.c).  Where ranks are
 * not kept (thread backend) or were just made, it walks the order from the
 * top to the first enabled thread, stepping over the finished ones at the
 * top once.  Priorities change a few times per execution: at its start,
 * when a thread is made (0) and at each change point (below everyone). */
static int *pct_order, *pct_rank, pct_norder, pct_cap, pct_head, pct_stale = 1;

void ctl_pct_changed(void)
{
	pct_stale = 1;
	ctl_en_rank(NULL, 0);
}

static int pct_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	int px = ctl_pct_prio[x], py = ctl_pct_prio[y];
	return px != py ? (px < py) - (px > py) : (x > y) - (x < y);
}

static void pct_sort(void)
{
	if (ctl_nct > pct_cap) {
		pct_cap = ctl_nct + 64;
		pct_order = rt_xrealloc(pct_order, (size_t)pct_cap * sizeof *pct_order);
		pct_rank = rt_xrealloc(pct_rank, (size_t)pct_cap * sizeof *pct_rank);
	}
	for (int i = 0; i < ctl_nct; i++)
		pct_order[i] = i;
	pct_norder = ctl_nct;
	qsort(pct_order, (size_t)pct_norder, sizeof *pct_order, pct_cmp);
	for (int k = 0; k < pct_norder; k++)
		pct_rank[pct_order[k]] = k;
	ctl_en_rank(pct_rank, pct_norder);
	pct_head = 0;
	pct_stale = 0;
}

static int pct_pick(int me, const struct ctl_enset *s)
{
	/* change points: the running thread drops below everyone */
	for (int j = 0; j < ctl_p.depth - 1 && j < 8; j++)
		if (ctl_pct_cp[j] == ctl_nchoice && me >= 0) {
			ctl_pct_prio[me] = j - ctl_p.depth;
			ctl_pct_changed();
		}
	int r = pct_stale ? -1 : ctl_en_first_rank();
	if (pct_stale)
		pct_sort();
	if (r >= 0 && r < pct_norder && enset_has(s, pct_order[r]))
		return pct_order[r];
	while (pct_head < pct_norder && ctl_ct[pct_order[pct_head]]->status == CT_DONE)
		pct_head++;   /* only a new thread (pct_stale) brings one back */
	for (int k = pct_head; k < pct_norder; k++)
		if (enset_has(s, pct_order[k]))
			return pct_order[k];
	return enset_next(s, 0);   /* not reached: every member is in the order */
}

static int pos_pick(const struct ctl_enset *s)
{
	int best = -1;
	uint64_t bp = 0;
	ENSET_FOR(s, i)
		if (best < 0 || ctl_pos_prio[i] > bp)
			best = i, bp = ctl_pos_prio[i];
	return best;
}

static int confirm_pick(const struct ctl_enset *s)
{
	int n = enset_count(s), free_[n], nf = 0;
	ENSET_FOR(s, i)
		if (!postponed(ctl_ct[i]))
			free_[nf++] = i;
	if (nf)
		return free_[rt_rng_below(&ctl_rng, (uint32_t)nf)];
	return enset_nth(s, (int)rt_rng_below(&ctl_rng, (uint32_t)n));
}

static void diverged(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diverged(const char *fmt, ...)
{
	if (ctl_p.lenient || ctl_r.diverged)
		return;
	ctl_r.diverged = 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctl_r.diverge_msg, sizeof ctl_r.diverge_msg, fmt, ap);
	va_end(ap);
}

static int replay_pick(int me, const struct ctl_enset *s)
{
	/* no preemption when the schedule is silent */
	int fallback = enset_has(s, me) ? me : enset_next(s, 0);
	if (ctl_p.steer) {
		uint32_t k = me >= 0 ? ctl_ct[me]->nme++ : nme_none++;
		for (size_t j = 0; j < ctl_p.nsteer; j++)
			if (ctl_p.steer[j].me == me && ctl_p.steer[j].k == k)
				return enset_has(s, ctl_p.steer[j].tid) ? ctl_p.steer[j].tid : fallback;
		return fallback;
	}
	if (ctl_nchoice >= ctl_p.nreplay) {
		diverged("choice %llu: the recorded schedule ended (%zu choice%s) but the run went on",
			 (unsigned long long)ctl_nchoice, ctl_p.nreplay, rt_s((long long)ctl_p.nreplay));
		return fallback;
	}
	const struct rt_choice *want = &ctl_p.replay[ctl_nchoice];
	if (enset_has(s, want->tid)) {
		if (!ctl_p.lenient && !ctl_r.diverged && check_of(s, want->tid) != want->check)
			diverged("choice %llu: thread %d (%s) is about to do something other than "
				 "what was recorded (uncontrolled nondeterminism in the target?)",
				 (unsigned long long)ctl_nchoice, want->tid,
				 ctl_ct[want->tid]->t->name);
		return want->tid;
	}
	diverged("choice %llu: recorded thread %d cannot run here (%s)",
		 (unsigned long long)ctl_nchoice, want->tid,
		 want->tid < ctl_nct ? "blocked, sleeping or finished" : "no such thread");
	return fallback;
}

int strategy_pick(int me, const struct ctl_enset *s)
{
	switch (ctl_p.strategy) {
	case RT_STRAT_PCT: return pct_pick(me, s);
	case RT_STRAT_POS: return pos_pick(s);
	case RT_STRAT_CONFIRM: return confirm_pick(s);
	case RT_STRAT_BYTES:
		if (ctl_nchoice < ctl_p.nbytes)
			return enset_nth(s, (int)(ctl_p.bytes[ctl_nchoice] % (unsigned)enset_count(s)));
		return enset_has(s, me) ? me : enset_next(s, 0);
	case RT_STRAT_REPLAY: return replay_pick(me, s);
	default: return enset_nth(s, (int)rt_rng_below(&ctl_rng, (uint32_t)enset_count(s)));
	}
}
