/* SPDX-License-Identifier: Apache-2.0 */
/* checkhash_test.c - the incremental hash of the enabled set (sched/checkhash.c)
 * equals rt_fnv1a over the members as ints in index order for every set of a
 * random walk of sets (ids in several words, growing, shrinking, changing at
 * any position, fewer and more words), and one changed member changes it:
 * the check bytes of committed repros stay. */
#include "sched/checkhash.h"

#include "base/util.h"

#include <stdio.h>

enum { MAXW = 5 };
static int fail;

static void expect_same(struct rt_checkhash *c, const uint64_t *w, int nw, int step)
{
	int e[MAXW * 64], ne = 0;
	for (int i = 0; i < nw * 64; i++)
		if ((w[i >> 6] >> (i & 63)) & 1)
			e[ne++] = i;
	uint64_t want = rt_fnv1a(e, (size_t)ne * sizeof *e, RT_FNV_INIT);
	uint64_t got = rt_checkhash_bits(c, w, nw);
	if (got != want) {
		fprintf(stderr, "FAIL [checkhash_unit]: step %d, %d ids in %d words: %016llx, "
			"expected %016llx\n", step, ne, nw, (unsigned long long)got,
			(unsigned long long)want);
		fail = 1;
	}
}

int main(void)
{
	struct rt_checkhash c = { 0 };
	struct rt_rng r = { 42 };
	uint64_t w[MAXW] = { 0 };
	int nw = 1;
	expect_same(&c, w, 0, -1);
	for (int step = 0; step < 40000 && !fail; step++) {
		uint32_t op = rt_rng_below(&r, 5);
		int i = (int)rt_rng_below(&r, (uint32_t)nw * 64);
		if (op == 0)                                   /* a member joins */
			w[i >> 6] |= 1ULL << (i & 63);
		else if (op == 1)                              /* one leaves */
			w[i >> 6] &= ~(1ULL << (i & 63));
		else if (op == 2 && rt_rng_below(&r, 20) == 0) /* fewer or more words */
			nw = 1 + (int)rt_rng_below(&r, MAXW);
		else if (op == 3 && rt_rng_below(&r, 50) == 0) /* many change at once */
			for (int j = 0; j < MAXW; j++)
				w[j] = rt_rng_next(&r);
		for (int j = nw; j < MAXW; j++)                /* past the end: none */
			w[j] = 0;
		expect_same(&c, w, nw, step);                  /* 4: the same set again */
	}
	/* it can fail: one member differs, the hash differs */
	uint64_t a[1] = { 0xe }, b[1] = { 0x16 };   /* {1,2,3} and {1,2,4} */
	uint64_t ha = rt_checkhash_bits(&c, a, 1), hb = rt_checkhash_bits(&c, b, 1);
	if (ha == hb) {
		fprintf(stderr, "FAIL [checkhash_unit]: {1,2,3} and {1,2,4} hash alike\n");
		fail = 1;
	}
	rt_checkhash_free(&c);
	if (!fail)
		printf("PASS [checkhash_unit]: 40000 sets hash as rt_fnv1a does\n");
	return fail;
}
