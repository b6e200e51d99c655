/* SPDX-License-Identifier: Apache-2.0 */
/* sched_ctl_enabled.c - see sched_ctl_enabled.h.
 *
 * Files (bitsets over thread indexes): free (ready at a point that takes
 * no lock: always enabled), one per lock wanted (ready at an acquire of it:
 * enabled while the lock is free or theirs), sleep (asleep or in a timed
 * wait: enabled once their virtual wake-up came), timed (lock waiters with
 * a timeout: they give up when it passed).  A pick costs one look per lock
 * wanted, per sleeper and per timed waiter, and a few words of bits per 64
 * threads: the enabled set is handed out as a bitset (enset.h), never
 * listed.
 *
 * Ranks: a second numbering of the threads (PCT's priority order, 0 the
 * highest), given by ctl_en_rank.  While it holds, the free file and the
 * lock waiters are kept in it too, and a pick finds the enabled thread of
 * lowest rank from a few words, without walking the threads in rank order
 * past every blocked one. */
#include "sched/sched_ctl_enabled.h"

#include "sched/sched_ctl_state.h"

#include "runtime/lock.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

enum { K_NONE, K_FREE, K_LOCK, K_SLEEP, K_OUT, K_RUN };

struct waitq {
	const rt_lock *l;
	uint64_t *bits, *rbits;   /* by index, by rank */
	int n;
};

static int on;
static int capw;                       /* words per bitset */
static uint64_t *b_free, *b_lock, *b_sleep, *b_timed, *scratch;
static uint64_t *r_free, *r_scratch;   /* by rank */
static int *rank_of, ranked, first_rank = -1;
static int *kq;   /* K_LOCK: index of the thread's wait queue in wq */
static struct waitq *wq;
static int nwq;
static uint8_t *kind;
static const rt_lock **klock;
static int capk, live, outside;

#define BIT(b, i) (((b)[(i) >> 6] >> ((i)&63)) & 1)
#define SET(b, i) ((b)[(i) >> 6] |= 1ULL << ((i)&63))
#define CLR(b, i) ((b)[(i) >> 6] &= ~(1ULL << ((i)&63)))

static void grow_bits(uint64_t **b, int old, int w)
{
	*b = rt_xrealloc(*b, (size_t)w * sizeof **b);
	memset(*b + old, 0, (size_t)(w - old) * sizeof **b);
}

static void grow(int i)
{
	int ncap = i + 64 > 2 * capk ? i + 64 : 2 * capk;
	kind = rt_xrealloc(kind, (size_t)ncap);
	rank_of = rt_xrealloc(rank_of, (size_t)ncap * sizeof *rank_of);
	kq = rt_xrealloc(kq, (size_t)ncap * sizeof *kq);
	memset(kind + capk, K_NONE, (size_t)(ncap - capk));
	klock = rt_xrealloc(klock, (size_t)ncap * sizeof *klock);
	memset(klock + capk, 0, (size_t)(ncap - capk) * sizeof *klock);
	capk = ncap;
	int w = (ncap + 63) / 64;
	if (w > capw) {
		grow_bits(&b_free, capw, w);
		grow_bits(&b_lock, capw, w);
		grow_bits(&b_sleep, capw, w);
		grow_bits(&b_timed, capw, w);
		grow_bits(&scratch, capw, w);
		grow_bits(&r_free, capw, w);
		grow_bits(&r_scratch, capw, w);
		for (int q = 0; q < nwq; q++) {
			grow_bits(&wq[q].bits, capw, w);
			grow_bits(&wq[q].rbits, capw, w);
		}
		capw = w;
	}
}

static inline void ensure(int i)
{
	if (i >= capk)
		grow(i);
}

/* The wait queue of lock l (a free one taken for it if none): an index,
 * kept by each thread filed there (kq), since wq moves as it grows. */
static int queue_of(const rt_lock *l)
{
	struct waitq *empty = NULL;
	for (int q = 0; q < nwq; q++) {
		if (wq[q].l == l)
			return q;
		if (!wq[q].n && !empty)
			empty = &wq[q];
	}
	if (!empty) {
		wq = rt_xrealloc(wq, (size_t)(nwq + 1) * sizeof *wq);
		empty = &wq[nwq++];
		empty->bits = rt_xcalloc((size_t)capw, sizeof *empty->bits);
		empty->rbits = rt_xcalloc((size_t)capw, sizeof *empty->rbits);
		empty->n = 0;
	}
	empty->l = l;
	return (int)(empty - wq);
}

void ctl_en_reset_locked(int want_on)
{
	on = want_on;
	for (int i = 0; i < capk; i++)
		kind[i] = K_NONE, klock[i] = NULL;
	size_t bytes = (size_t)capw * sizeof(uint64_t);
	if (capw) {
		memset(b_free, 0, bytes);
		memset(b_lock, 0, bytes);
		memset(b_sleep, 0, bytes);
		memset(b_timed, 0, bytes);
		memset(r_free, 0, bytes);
	}
	ranked = 0;
	for (int q = 0; q < nwq; q++) {
		memset(wq[q].bits, 0, bytes);
		memset(wq[q].rbits, 0, bytes);
		wq[q].n = 0;
		wq[q].l = NULL;
	}
	live = outside = 0;
}

void ctl_en_end_locked(void)
{
	for (int q = 0; q < nwq; q++) {
		free(wq[q].bits);
		free(wq[q].rbits);
	}
	free(wq);
	wq = NULL;
	nwq = 0;
}

static void unfile(int i)
{
	switch (kind[i]) {
	case K_FREE:
		CLR(b_free, i);
		if (ranked)
			CLR(r_free, rank_of[i]);
		break;
	case K_LOCK: {
		struct waitq *q = &wq[kq[i]];
		CLR(q->bits, i);
		if (ranked)
			CLR(q->rbits, rank_of[i]);
		q->n--;
		CLR(b_lock, i);
		CLR(b_timed, i);
		break;
	}
	case K_SLEEP: CLR(b_sleep, i); break;
	case K_OUT: outside--; break;
	}
	live -= kind[i] != K_NONE;
	kind[i] = K_NONE;
	klock[i] = NULL;
}

void ctl_en_update(int i)
{
	if (!on)
		return;
	ensure(i);
	const struct cthread *c = ctl_ct[i];
	int k = K_NONE;
	switch (c->status) {
	case CT_READY: k = c->want ? K_LOCK : K_FREE; break;
	case CT_SLEEP: case CT_WAIT: k = K_SLEEP; break;
	case CT_OUTSIDE: k = K_OUT; break;
	case CT_RUNNING: k = K_RUN; break;
	}
	const rt_lock *l = k == K_LOCK ? c->want : NULL;
	int timed = k == K_LOCK && c->give_up;
	if (k == kind[i] && l == klock[i] && (k != K_LOCK || timed == (int)BIT(b_timed, i)))
		return;
	unfile(i);
	kind[i] = (uint8_t)k;
	klock[i] = l;
	live += k != K_NONE;
	switch (k) {
	case K_FREE:
		SET(b_free, i);
		if (ranked)
			SET(r_free, rank_of[i]);
		break;
	case K_LOCK: {
		kq[i] = queue_of(l);
		struct waitq *q = &wq[kq[i]];
		SET(q->bits, i);
		if (ranked)
			SET(q->rbits, rank_of[i]);
		q->n++;
		SET(b_lock, i);
		if (timed)
			SET(b_timed, i);
		break;
	}
	case K_SLEEP: SET(b_sleep, i); break;
	case K_OUT: outside++; break;
	}
}

int ctl_en_collect(struct ctl_enset *s, int *live_out, int *outside_out, int *sleeping,
		   uint64_t *wake)
{
	if (!on)
		return -1;
	int w = (ctl_nct + 63) / 64;
	if (w > capw)
		ensure(ctl_nct);
	*live_out = live;
	*outside_out = outside;
	*sleeping = 0;
	*wake = UINT64_MAX;
	int rk = ranked && !ctl_draining;
#define ADD(i)                                          \
	do {                                            \
		SET(scratch, (i));                      \
		if (rk)                                 \
			SET(r_scratch, rank_of[(i)]);   \
	} while (0)
	for (int j = 0; j < w; j++) {
		scratch[j] = ctl_draining ? b_free[j] | b_lock[j] | b_sleep[j] : b_free[j];
		if (rk)
			r_scratch[j] = r_free[j];
	}
	if (!ctl_draining)   /* a lock's waiters: all of them while it is free */
		for (int q = 0; q < nwq; q++) {
			if (!wq[q].n)
				continue;
			struct rt_thread *o = rt_lock_owner(wq[q].l);
			if (!o) {
				for (int j = 0; j < w; j++) {
					scratch[j] |= wq[q].bits[j];
					if (rk)
						r_scratch[j] |= wq[q].rbits[j];
				}
			} else if (o->id < ctl_nct && ctl_ct[o->id]->t == o && BIT(wq[q].bits, o->id)) {
				ADD(o->id);
			}
		}
	for (int j = 0; j < w; j++) {
		for (uint64_t m = b_timed[j]; m; m &= m - 1) {   /* a timed acquire waits like a sleep */
			int i = j * 64 + __builtin_ctzll(m);
			const struct cthread *c = ctl_ct[i];
			struct rt_thread *o = rt_lock_owner(c->want);
			if (o == NULL || o == c->t)
				continue;
			(*sleeping)++;
			if (c->give_up < *wake)
				*wake = c->give_up;
			if (!ctl_draining && c->give_up <= ctl_vnow)
				ADD(i);
		}
		for (uint64_t m = b_sleep[j]; m; m &= m - 1) {
			int i = j * 64 + __builtin_ctzll(m);
			const struct cthread *c = ctl_ct[i];
			if (c->wake != RT_NO_TIMEOUT) {
				(*sleeping)++;
				if (c->wake < *wake)
					*wake = c->wake;
			}
			if (!ctl_draining && (c->wake <= ctl_vnow ||
					      (c->status == CT_WAIT && c->ready(c->wobj))))
				ADD(i);
		}
	}
#undef ADD
	*s = (struct ctl_enset){ scratch, w };
	first_rank = -1;
	for (int j = 0; rk && j < w; j++)
		if (r_scratch[j]) {
			first_rank = j * 64 + __builtin_ctzll(r_scratch[j]);
			break;
		}
	return 0;
}

int ctl_en_first_rank(void) { return first_rank; }

static void rank_bits(uint64_t *r, const uint64_t *b, int w)
{
	memset(r, 0, (size_t)capw * sizeof *r);
	for (int j = 0; j < w; j++)
		for (uint64_t m = b[j]; m; m &= m - 1)
			SET(r, rank_of[j * 64 + __builtin_ctzll(m)]);
}

void ctl_en_rank(const int *rank, int n)
{
	ranked = 0;
	first_rank = -1;
	if (!on || !rank || n <= 0)
		return;
	ensure(n - 1);
	memcpy(rank_of, rank, (size_t)n * sizeof *rank_of);
	int w = (n + 63) / 64;
	rank_bits(r_free, b_free, w);
	for (int q = 0; q < nwq; q++)
		rank_bits(wq[q].rbits, wq[q].bits, w);
	ranked = 1;
}

int ctl_en_repri_waiters(int chosen)
{
	if (!on)
		return 0;
	if (kind[chosen] == K_LOCK) {
		const struct waitq *q = &wq[kq[chosen]];
		int w = (ctl_nct + 63) / 64;
		for (int j = 0; j < w; j++)
			for (uint64_t m = q->bits[j]; m; m &= m - 1) {
				int i = j * 64 + __builtin_ctzll(m);
				if (i != chosen)
					ctl_pos_prio[i] = rt_rng_next(&ctl_rng);
			}
	}
	return 1;
}
