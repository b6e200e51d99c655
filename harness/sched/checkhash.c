/* SPDX-License-Identifier: Apache-2.0 */
/* checkhash.c - see checkhash.h */
#include "sched/checkhash.h"

#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define FNV_P 0x100000001b3ULL

/* One int of the FNV-1a byte stream: its bytes in memory order.  A zero byte
 * only multiplies (h ^ 0 == h), so the high zero bytes of a small thread id
 * fold into one multiply by a power of the prime: the same value, 2 or 3
 * multiplies instead of 4. */
static uint64_t fnv_int(uint64_t h, int v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && __SIZEOF_INT__ == 4
	uint32_t u = (uint32_t)v;
	if (u < 0x100)
		return ((h ^ u) * FNV_P) * (FNV_P * FNV_P * FNV_P);
	if (u < 0x10000)
		return ((((h ^ (u & 0xff)) * FNV_P) ^ (u >> 8)) * FNV_P) * (FNV_P * FNV_P);
#endif
	return rt_fnv1a(&v, sizeof v, h);
}

uint64_t rt_checkhash_set(struct rt_checkhash *c, const int *e, int ne)
{
	if (!c->pref || ne > c->cap) {
		int first = !c->pref;
		c->cap = ne > 2 * c->cap ? ne : 2 * c->cap;
		c->cap = c->cap < 16 ? 16 : c->cap;
		c->last = rt_xrealloc(c->last, (size_t)c->cap * sizeof *c->last);
		c->pref = rt_xrealloc(c->pref, ((size_t)c->cap + 1) * sizeof *c->pref);
		if (first)
			c->pref[0] = RT_FNV_INIT;
	}
	/* the common prefix, 8 ids at a time first (one vector compare, and
	 * one mispredicted exit instead of one per id scanned) */
	int j = 0, m = ne < c->n ? ne : c->n;
	while (j + 8 <= m && !memcmp(e + j, c->last + j, 8 * sizeof *e))
		j += 8;
	while (j < m && e[j] == c->last[j])
		j++;
	uint64_t h = c->pref[j];
	for (int i = j; i < ne; i++) {
		c->last[i] = e[i];
		h = fnv_int(h, e[i]);
		c->pref[i + 1] = h;
	}
	c->n = ne;
	return h;
}

void rt_checkhash_free(struct rt_checkhash *c)
{
	free(c->last);
	free(c->pref);
	memset(c, 0, sizeof *c);
}
