/* SPDX-License-Identifier: Apache-2.0 */
/* checkhash.h - the FNV-1a of the enabled set that every check byte of a
 * repro starts from (sched_ctl_strategy.c's check_of), computed incrementally: the
 * same value as rt_fnv1a(e, ne * sizeof *e, RT_FNV_INIT), so committed repros
 * replay unchanged, at a cost that follows what changed since the last call
 * instead of the number of threads. */
#ifndef RT_CHECKHASH_H
#define RT_CHECKHASH_H

#include <stdint.h>

struct rt_checkhash {
	int *last;          /* the previous enabled set */
	uint64_t *pref;     /* pref[i]: the hash state after last[0..i-1] */
	int n, cap;
};

/* rt_fnv1a(e, ne * sizeof *e, RT_FNV_INIT), resuming from the longest
 * prefix e shares with the previous call's set. */
uint64_t rt_checkhash_set(struct rt_checkhash *c, const int *e, int ne);
void rt_checkhash_free(struct rt_checkhash *c);

#endif
