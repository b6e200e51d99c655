/* SPDX-License-Identifier: Apache-2.0 */
/* checkhash_test.c - the incremental hash of the enabled set (sched/checkhash.c)
 * equals rt_fnv1a over the same ints for every set of a random walk of sets
 * (small and large ids, growing, shrinking, changing at any position), and
 * one changed id changes it: the check bytes of committed repros stay. */
#include "sched/checkhash.h"

#include "base/util.h"

#include <stdio.h>

static int fail;

static void expect_same(struct rt_checkhash *c, const int *e, int ne, int step)
{
	uint64_t want = rt_fnv1a(e, (size_t)ne * sizeof *e, RT_FNV_INIT);
	uint64_t got = rt_checkhash_set(c, e, ne);
	if (got != want) {
		fprintf(stderr, "FAIL [checkhash_unit]: step %d, %d ids: %016llx, expected %016llx\n",
			step, ne, (unsigned long long)got, (unsigned long long)want);
		fail = 1;
	}
}

int main(void)
{
	struct rt_checkhash c = { 0 };
	struct rt_rng r = { 42 };
	int e[300], ne = 0;
	expect_same(&c, e, 0, -1);
	for (int step = 0; step < 20000 && !fail; step++) {
		uint32_t op = rt_rng_below(&r, 4);
		if (op == 0 && ne < 300) {                     /* insert anywhere */
			int at = (int)rt_rng_below(&r, (uint32_t)ne + 1);
			for (int i = ne; i > at; i--)
				e[i] = e[i - 1];
			e[at] = (int)rt_rng_below(&r, 70000);   /* ids past 255 and 65535 */
			ne++;
		} else if (op == 1 && ne > 0) {                /* remove anywhere */
			int at = (int)rt_rng_below(&r, (uint32_t)ne);
			for (int i = at; i + 1 < ne; i++)
				e[i] = e[i + 1];
			ne--;
		} else if (op == 2 && ne > 0) {                /* change one */
			e[rt_rng_below(&r, (uint32_t)ne)] = (int)rt_rng_below(&r, 300);
		}                                              /* 3: the same set again */
		expect_same(&c, e, ne, step);
	}
	/* it can fail: one id differs, the hash differs */
	int a[3] = { 1, 2, 3 }, b[3] = { 1, 2, 4 };
	uint64_t ha = rt_checkhash_set(&c, a, 3), hb = rt_checkhash_set(&c, b, 3);
	if (ha == hb) {
		fprintf(stderr, "FAIL [checkhash_unit]: {1,2,3} and {1,2,4} hash alike\n");
		fail = 1;
	}
	rt_checkhash_free(&c);
	if (!fail)
		printf("PASS [checkhash_unit]: 20000 sets hash as rt_fnv1a does\n");
	return fail;
}
