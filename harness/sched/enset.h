/* SPDX-License-Identifier: Apache-2.0 */
/* enset.h - the enabled set of one pick: a bitset over thread indexes.
 * A pick asks it questions (is me in it, the k-th member, the next member)
 * instead of listing it: listing 64 threads per step cost more than the
 * strategies' decisions (issue 17: per-step cost independent of the
 * number of threads).  Internal to sched/; header only, all inline. */
#ifndef RT_ENSET_H
#define RT_ENSET_H

#include <stdint.h>

struct ctl_enset {
	const uint64_t *bits;
	int nwords;   /* (ctl_nct + 63) / 64 */
};

static inline int enset_has(const struct ctl_enset *s, int i)
{
	return i >= 0 && (i >> 6) < s->nwords && ((s->bits[i >> 6] >> (i & 63)) & 1);
}

/* The first member at index >= from, or -1. */
static inline int enset_next(const struct ctl_enset *s, int from)
{
	if (from < 0)
		from = 0;
	for (int j = from >> 6; j < s->nwords; j++) {
		uint64_t m = s->bits[j];
		if (j == from >> 6)
			m &= ~0ULL << (from & 63);
		if (m)
			return j * 64 + __builtin_ctzll(m);
	}
	return -1;
}

/* How many members: a popcount per word, asked only by the strategies
 * that draw among all of them (random, bytes, confirm). */
static inline int enset_count(const struct ctl_enset *s)
{
	int n = 0;
	for (int j = 0; j < s->nwords; j++)
		n += __builtin_popcountll(s->bits[j]);
	return n;
}

/* The k-th member in index order (0 <= k < enset_count): what e[k] was. */
static inline int enset_nth(const struct ctl_enset *s, int k)
{
	for (int j = 0; j < s->nwords; j++) {
		uint64_t m = s->bits[j];
		int c = __builtin_popcountll(m);
		if (k >= c) {
			k -= c;
			continue;
		}
		while (k--)
			m &= m - 1;
		return j * 64 + __builtin_ctzll(m);
	}
	return -1;
}

#define ENSET_FOR(s, i)                                                         \
	for (int i = enset_next((s), 0); i >= 0; i = enset_next((s), i + 1))

#endif
