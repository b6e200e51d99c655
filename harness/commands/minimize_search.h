/* SPDX-License-Identifier: Apache-2.0 */
/* minimize_search.h - the state of `minimize`'s search, shared by
 * minimize.c (configurations, the command) and minimize_sched.c (fewer
 * preemptions: one-preemption search, ddmin).  Internal to commands/. */
#ifndef RT_MINIMIZE_SEARCH_H
#define RT_MINIMIZE_SEARCH_H

#include "base/config.h"
#include "sched/exec.h"
#include "sched/sched_ctl.h"

#include <stdint.h>

struct best {
	struct rt_config cfg;
	struct rt_ctl_params p;
	struct rt_exec_result r;
	int borrowed;   /* r is the input's (owned by it) */
};

/* The search's state. */
struct mz {
	const char *want_sig;
	uint64_t runs;        /* executions per smaller configuration */
	uint64_t budget;      /* executions in all */
	uint64_t step_end;    /* a step's own bound (executions), 0: none */
	uint64_t executions;
	char **classes;       /* the deadlock's cycle (steering), or NULL */
	int nclasses;
	int stopped;          /* budget spent, or the process cannot run more */
	uint64_t in_config, in_ddmin, in_one;   /* executions per step */
	uint64_t vstep;       /* virtual ns per step the configurations are searched at */
	/* smaller configurations searched in vain (not searched again) */
	struct cfg_key { int pw, lw, rows; int64_t ops; uint64_t vstep; } failed[64];
	int nfailed;
	int py;               /* an embedded-Python target: executions are dear */
	int keep_clock;       /* --keep-clock: the recorded virtual time per step only */
};

/* One execution: 1 it reproduced the signature (r kept), 0 it did not (r
 * freed), -1 none was run (budget spent or the process is spent). */
int mz_run_one(struct mz *m, const struct rt_config *c, const struct rt_ctl_params *p,
	       struct rt_exec_result *r);
/* The budget, or the current step's share of it, is spent. */
int mz_spent(const struct mz *m);
/* r (reproduced on c with p) becomes the best; r is emptied. */
void mz_take(struct best *b, const struct rt_config *c, const struct rt_ctl_params *p,
	     struct rt_exec_result *r);
/* r is no larger than `than`: never more threads nor preemptions, more
 * choices only with fewer of either. */
int mz_not_larger(const struct rt_exec_result *r, const struct rt_exec_result *than);
/* 2. and 3.: fewer preemptions (minimize_sched.c). */
void mz_shrink_schedule(struct mz *m, struct best *b);

#endif
