/* SPDX-License-Identifier: Apache-2.0 */
/* steer.c - potential -> confirmed deadlocks: controlled executions steered
 * toward the lock classes of a cycle (DeadlockFuzzer style), for explore and
 * for free-running stress. */
#include "commands/steer.h"

#include "base/report.h"
#include "base/util.h"
#include "sched/repro.h"
#include "targets.h"
#include "target_plugins.h"

#include <stdio.h>
#include <string.h>

/* DeadlockFuzzer-style confirmation: up to `runs` controlled executions
 * steered toward the lock classes of a potential cycle.  On a real deadlock
 * returns 1 with that execution in *out and its parameters in *pout; else 0.
 * *tries counts the executions made. */
int rt_steer(const struct rt_target_ops *t, const struct rt_config *c, char *const *classes, int n, uint64_t runs,
		 struct rt_exec_result *out, struct rt_ctl_params *pout, uint64_t *tries,
		 struct rt_explain *why)
{
	for (uint64_t j = 0; j < runs; j++) {
		struct rt_ctl_params p;
		rt_ctl_params_from_config(c, &p);
		p.strategy = RT_STRAT_CONFIRM;
		p.seed = rt_mix64(c->seed ^ (0xc0f1ULL << 32) ^ j);
		p.confirm = (const char *const *)classes;
		p.nconfirm = n;
		rt_exec_controlled(t, c, &p, out);
		*tries = j + 1;
		if (why)   /* before the next execution resets the graph */
			rt_explain_gather(why);
		if (out->code == RT_EXIT_DEADLOCK) {
			*pout = p;
			return 1;
		}
		rt_exec_result_free(out);
	}
	return 0;
}

/* Every class of the potential cycle waited for in the real one? */
static int same_classes(char *const *classes, int n)
{
	int code;
	const char *kind, *sig, *text;
	for (int i = 0; rt_report_get(i, &code, &kind, &sig, &text) == 0; i++) {
		const char *const *real;
		int nreal = rt_report_get_cycle(i, &real);
		if (code != RT_EXIT_DEADLOCK || !nreal)
			continue;
		int same = 1;
		for (int a = 0; a < n; a++) {
			int found = 0;
			for (int b = 0; b < nreal; b++)
				found |= !strcmp(classes[a], real[b]);
			same &= found;
		}
		return same;
	}
	return 0;
}

int rt_confirm_cycle(const struct rt_config *c0, char *const *classes, int n, uint64_t runs,
		     const char *repro_path, char *sig, size_t sig_len, int *same)
{
	struct rt_config c = *c0;
	rt_ctl_config_defaults(&c);
	rt_report_set_quiet(1);
	struct rt_exec_result r;
	struct rt_ctl_params p;
	uint64_t tries;
	int code = 0;
	if (rt_steer(rt_target_find(c.target), &c, classes, n, runs, &r, &p, &tries, NULL)) {
		char cmd[2400];
		rt_replay_repro_cmd(cmd, sizeof cmd, c.target, repro_path);
		int unwritten = rt_repro_save(repro_path, cmd, &c, &p, &r) != 0;
		snprintf(sig, sig_len, "%s", r.signature);
		*same = same_classes(classes, n);
		rt_exec_result_free(&r);
		code = unwritten ? RT_EXIT_UNWRITTEN : RT_EXIT_DEADLOCK;
	}
	rt_report_set_quiet(0);
	return code;
}

