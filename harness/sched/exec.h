/* SPDX-License-Identifier: Apache-2.0 */
/* exec.h - one controlled execution in this process, from a clean slate. */
#ifndef RT_EXEC_H
#define RT_EXEC_H

#include "base/config.h"
#include "sched/sched_ctl.h"

struct rt_exec_result {
	int code;                /* enum rt_exit */
	char kind[16];           /* "deadlock", "lock-order", "integrity", ... */
	char signature[1024];    /* of the most severe finding, "" if none */
	char *text;              /* its report text, owned */
	char *title;             /* its title, owned */
	struct json_t *data;     /* its structure (base/report.h), a reference, or NULL */
	struct rt_ctl_result ctl;
	char **cycle;            /* LOCKORDER: class names of the cycle, owned */
	int ncycle;
};

/* Record r's finding in the report (quietly: it was printed already), as
 * the command's result: explore's and replay's JSON report. */
void rt_exec_result_report(const struct rt_exec_result *r);

/* Run one execution of c under the controlled scheduler with params p.
 * Findings are collected quietly; the caller decides what to print. */
int rt_exec_controlled(const struct rt_target_ops *t, const struct rt_config *c,
		       const struct rt_ctl_params *p, struct rt_exec_result *out);
void rt_exec_result_free(struct rt_exec_result *r);

/* Controlled runs are short: operations per driver thread when the scenario
 * sets max_ops = 0 (run until the duration). */
#define RT_CTL_DEFAULT_MAX_OPS 6
/* Embedded Python: a thread that has the turn and reaches no scheduling
 * point for this long (real time) is blocked inside CPython (sched_ctl.h). */
#define RT_CTL_PY_OUTSIDE_NS 2000000000ULL
void rt_ctl_config_defaults(struct rt_config *c);

/* Defaults for controlled runs, derived from the scenario. */
void rt_ctl_params_from_config(const struct rt_config *c, struct rt_ctl_params *p);

#endif
