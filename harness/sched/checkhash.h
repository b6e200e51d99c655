/* SPDX-License-Identifier: Apache-2.0 */
/* checkhash.h - the FNV-1a of the enabled set that every check byte of a
 * repro starts from (sched_ctl_strategy.c's check_of), computed incrementally: the
 * same value as rt_fnv1a over the members as ints in index order, so
 * committed repros replay unchanged, at a cost that follows what changed
 * since the last call instead of the number of threads. */
#ifndef RT_CHECKHASH_H
#define RT_CHECKHASH_H

#include <stdint.h>

struct rt_checkhash {
	uint64_t *last;     /* the previous set's words */
	uint64_t *pref;     /* pref[k]: the hash state after its first k members */
	int nw, capw;
};

/* rt_fnv1a(e, n * sizeof(int), RT_FNV_INIT) where e lists the set bits of
 * w[0..nw) in index order (n of them), resuming from the longest prefix of
 * members the set shares with the previous call's. */
uint64_t rt_checkhash_bits(struct rt_checkhash *c, const uint64_t *w, int nw);
void rt_checkhash_free(struct rt_checkhash *c);

#endif
