/* SPDX-License-Identifier: Apache-2.0 */
/* explain.h - why a potential deadlock was not confirmed (explain.c). */
#ifndef RT_EXPLAIN_H
#define RT_EXPLAIN_H

#include "base/config.h"
#include "runtime/lockgraph.h"

#include <stdint.h>

struct rt_buf;

/* What the lock-order graph recorded about the cycle's edges at the time
 * they were taken, gathered over one or more executions (the run that found
 * the cycle, then each steered one).  Edge i is classes[i] -> classes[i+1]
 * (cyclically), the order of a LOCKORDER finding's cycle. */
struct rt_explain_edge {
	int seen;                  /* executions in which it was taken */
	int in_fin, out_fin;       /* ever inside / outside a finalizer run */
	int timed, untimed;        /* its lock ever acquired with / without a timeout */
	uint32_t roles;            /* roles of the threads that took it (lockgraph.h) */
};
struct rt_explain_class {
	/* executions in which the instances of this class awaited by the edge
	 * into it and held by the edge out of it were known and never the same
	 * (apart), or met or were too many to tell (meet) */
	int apart, meet;
	uint64_t in_inst, out_inst;   /* one of each, from an execution where apart */
};
struct rt_explain {
	int n;                         /* classes = edges of the cycle */
	char **classes;                /* owned */
	struct rt_explain_edge *edge;
	struct rt_explain_class *cls;
	int role_threads[RT_LOCKGRAPH_ROLES];   /* most threads of each role in one execution */
	int executions;
};

void rt_explain_init(struct rt_explain *x, const char *const *classes, int n);
/* Add what the lock-order graph and the thread registry hold now: one
 * execution, or one free-running run, before the graph is reset. */
void rt_explain_gather(struct rt_explain *x);
/* One "unconfirmed: ..." line per reason the harness can tell, each with
 * the scenario knob that would exercise what is missing (c: the scenario),
 * or one line saying it cannot tell. */
void rt_explain_write(const struct rt_explain *x, const struct rt_config *c, struct rt_buf *out);
void rt_explain_free(struct rt_explain *x);
/* A free-running run's potential deadlock (signature sig, cycle classes)
 * was not confirmed: its lines from this run's graph, added to the finding
 * (printed, and in the JSON report). */
void rt_explain_unconfirmed(const struct rt_config *c, const char *sig,
			    const char *const *classes, int n);

#endif
