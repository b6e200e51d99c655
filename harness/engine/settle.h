/* SPDX-License-Identifier: Apache-2.0 */
/* settle.h - a stall verdict only from a settled picture (settle.c). */
#ifndef RT_SETTLE_H
#define RT_SETTLE_H

#include "engine/hangreport.h"

#include <stdint.h>

enum rt_settled {
	RT_SETTLE_MOVED,      /* a thread in the stall made progress: no verdict */
	RT_SETTLE_DEADLOCK,   /* a wait-for cycle, seen twice */
	RT_SETTLE_HANG,       /* the same picture twice, every thread in it blocked */
};

struct rt_settle {
	struct rt_snap *snap;   /* the snapshot the verdict is about (owned) */
	int n;
	int *cyc;               /* DEADLOCK: the cycle (owned), clen long */
	int clen;
};

/* Snapshot s (n threads, taken by the caller, still the caller's) showed a
 * stall.  Take snapshots every 20 ms, for at most budget_ns, until the
 * picture settles, calling tick (if not NULL) before each: the watchdog's
 * heartbeat to the supervisor, which must not go silent for the whole
 * budget.  The threads that count: every thread (all != 0: no progress
 * anywhere), else the blocked ones and the owners they wait for.  A
 * verdict fills *out; free it with rt_settle_free. */
int rt_stall_settle(const struct rt_snap *s, int n, int all, uint64_t budget_ns,
		    void (*tick)(void), struct rt_settle *out);
void rt_settle_free(struct rt_settle *v);

/* Threads in a wait-for cycle (inferred edges through notify waits too)
 * that have all waited stall_ns or more at now: why (nwhy bytes) says so,
 * how long and through what; else why is left as it is.  The watchdog's
 * per-thread check usually sees a cycle of lock waits first; at the
 * threshold an owner's progress noticed a tick late lets this one win. */
void rt_stall_cycle_why(struct rt_snap *s, int n, uint64_t now, uint64_t stall_ns, char *why,
			size_t nwhy);

#endif
