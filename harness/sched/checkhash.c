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

static void grow(struct rt_checkhash *c, int nw)
{
	int first = !c->pref;
	int capw = nw > 2 * c->capw ? nw : 2 * c->capw;
	c->last = rt_xrealloc(c->last, (size_t)capw * sizeof *c->last);
	memset(c->last + c->capw, 0, (size_t)(capw - c->capw) * sizeof *c->last);
	c->pref = rt_xrealloc(c->pref, ((size_t)capw * 64 + 1) * sizeof *c->pref);
	if (first)
		c->pref[0] = RT_FNV_INIT;
	c->capw = capw;
}

uint64_t rt_checkhash_bits(struct rt_checkhash *c, const uint64_t *w, int nw)
{
	if (!c->pref || nw > c->capw)
		grow(c, nw < 1 ? 1 : nw);
	/* the first word that differs (a shorter set reads as zeros past its
	 * end); k counts the members before it, the same in both sets */
	int m = nw > c->nw ? nw : c->nw, j = 0, k = 0;
	uint64_t diff = 0;
	for (; j < m; j++) {
		uint64_t a = j < nw ? w[j] : 0;
		diff = a ^ c->last[j];
		if (diff)
			break;
		k += __builtin_popcountll(a);
	}
	if (j == m)
		return c->pref[k];
	uint64_t below = (diff & -diff) - 1;   /* bits before the first that differs */
	k += __builtin_popcountll((j < nw ? w[j] : 0) & below);
	uint64_t h = c->pref[k];
	for (int i = j; i < m; i++) {
		uint64_t a = i < nw ? w[i] : 0;
		c->last[i] = a;
		for (uint64_t b = i == j ? a & ~below : a; b; b &= b - 1) {
			h = fnv_int(h, i * 64 + __builtin_ctzll(b));
			c->pref[++k] = h;
		}
	}
	c->nw = nw;
	return h;
}

void rt_checkhash_free(struct rt_checkhash *c)
{
	free(c->last);
	free(c->pref);
	memset(c, 0, sizeof *c);
}
