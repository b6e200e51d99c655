/* SPDX-License-Identifier: Apache-2.0 */
/* sched_ctl_strategy.c - the controlled scheduler's strategies (random, PCT,
 * POS, confirm, bytes, replay) and the schedule they record, each choice
 * with its check byte (sched_ctl_strategy.h). */
#include "sched/sched_ctl_strategy.h"

#include "sched/checkhash.h"
#include "sched/sched_ctl_state.h"

#include "runtime/lockgraph.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

uint64_t ctl_nchoice, ctl_pct_cp[8];
static size_t capchoices;
static uint32_t nme_none;   /* choices with no running thread (rt_steer.k of me -1) */
static struct rt_checkhash enabled_hash;   /* check_of's hash of e[] */

void ctl_strategy_reset_locked(void)
{
	ctl_nchoice = 0;
	capchoices = 0;
	nme_none = 0;
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

uint8_t check_of(const int *e, int ne, int chosen)
{
	/* FNV-1a streams: one pass over the array hashes what one call per
	 * element did (the check bytes of committed repros stay the same);
	 * checkhash.c resumes from the prefix the last enabled set shares */
	uint64_t h = rt_checkhash_set(&enabled_hash, e, ne);
	int ev = ctl_ct[chosen]->ev;
	h = rt_fnv1a(&ev, sizeof ev, h);
	if (ctl_ct[chosen]->want) {
		const char *cls = rt_lock_class_name(ctl_ct[chosen]->want);
		h = rt_fnv1a(cls, strlen(cls), h);
	}
	return (uint8_t)(h ^ (h >> 8) ^ (h >> 16) ^ (h >> 24));
}

void record(int tid, uint8_t check, int me, int preempt)
{
	if (ctl_r.nchoices == capchoices) {
		capchoices = capchoices ? capchoices * 2 : 256;
		ctl_r.choices = rt_xrealloc(ctl_r.choices, capchoices * sizeof *ctl_r.choices);
	}
	ctl_r.choices[ctl_r.nchoices++] = (struct rt_choice){ (uint16_t)tid, check, (uint8_t)preempt,
						      (int16_t)me };
}

int strategy_pick(int me, const int *e, int ne)
{
	switch (ctl_p.strategy) {
	case RT_STRAT_PCT: {
		/* change points: the running thread drops below everyone */
		for (int j = 0; j < ctl_p.depth - 1 && j < 8; j++)
			if (ctl_pct_cp[j] == ctl_nchoice && me >= 0)
				ctl_pct_prio[me] = j - ctl_p.depth;
		int best = e[0], bp = ctl_pct_prio[best];
		for (int i = 1; i < ne; i++)
			if (ctl_pct_prio[e[i]] > bp)
				best = e[i], bp = ctl_pct_prio[best];
		return best;
	}
	case RT_STRAT_POS: {
		int best = e[0];
		uint64_t bp = ctl_pos_prio[best];
		for (int i = 1; i < ne; i++)
			if (ctl_pos_prio[e[i]] > bp)
				best = e[i], bp = ctl_pos_prio[best];
		return best;
	}
	case RT_STRAT_CONFIRM: {
		int free_[ne], nf = 0;
		for (int i = 0; i < ne; i++)
			if (!postponed(ctl_ct[e[i]]))
				free_[nf++] = e[i];
		if (nf)
			return free_[rt_rng_below(&ctl_rng, (uint32_t)nf)];
		return e[rt_rng_below(&ctl_rng, (uint32_t)ne)];
	}
	case RT_STRAT_BYTES: {
		if (ctl_nchoice < ctl_p.nbytes)
			return e[ctl_p.bytes[ctl_nchoice] % (unsigned)ne];
		for (int i = 0; i < ne; i++)
			if (e[i] == me)
				return me;
		return e[0];
	}
	case RT_STRAT_REPLAY: {
		int fallback = e[0];
		for (int i = 0; i < ne; i++)
			if (e[i] == me)
				fallback = me;   /* no preemption when the schedule is silent */
		if (ctl_p.steer) {
			uint32_t k = me >= 0 ? ctl_ct[me]->nme++ : nme_none++;
			for (size_t j = 0; j < ctl_p.nsteer; j++)
				if (ctl_p.steer[j].me == me && ctl_p.steer[j].k == k) {
					for (int i = 0; i < ne; i++)
						if (e[i] == ctl_p.steer[j].tid)
							return e[i];
					break;
				}
			return fallback;
		}
		if (ctl_nchoice >= ctl_p.nreplay) {
			if (!ctl_p.lenient && !ctl_r.diverged) {
				ctl_r.diverged = 1;
				snprintf(ctl_r.diverge_msg, sizeof ctl_r.diverge_msg,
					 "choice %llu: the recorded schedule ended (%zu choice%s) but the "
					 "run went on", (unsigned long long)ctl_nchoice,
					 ctl_p.nreplay, rt_s((long long)ctl_p.nreplay));
			}
			return fallback;
		}
		const struct rt_choice *want = &ctl_p.replay[ctl_nchoice];
		for (int i = 0; i < ne; i++)
			if (e[i] == want->tid) {
				if (!ctl_p.lenient && !ctl_r.diverged && check_of(e, ne, e[i]) != want->check) {
					ctl_r.diverged = 1;
					snprintf(ctl_r.diverge_msg, sizeof ctl_r.diverge_msg,
						 "choice %llu: thread %d (%s) is about to do something "
						 "other than what was recorded (uncontrolled "
						 "nondeterminism in the target?)",
						 (unsigned long long)ctl_nchoice, want->tid,
						 ctl_ct[want->tid]->t->name);
				}
				return e[i];
			}
		if (!ctl_p.lenient && !ctl_r.diverged) {
			ctl_r.diverged = 1;
			snprintf(ctl_r.diverge_msg, sizeof ctl_r.diverge_msg,
				 "choice %llu: recorded thread %d cannot run here (%s)",
				 (unsigned long long)ctl_nchoice, want->tid,
				 want->tid < ctl_nct ? "blocked, sleeping or finished" : "no such thread");
		}
		return fallback;
	}
	default:
		return e[rt_rng_below(&ctl_rng, (uint32_t)ne)];
	}
}
