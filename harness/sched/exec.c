/* SPDX-License-Identifier: Apache-2.0 */
/* exec.c - one controlled execution: reset every per-run table, start the
 * target and the drivers under the controlled scheduler, run to the end
 * (or to an exact deadlock and drain), stop, check oracles. */
#include "sched/exec.h"

#include "engine/drivers.h"
#include "engine/lifecycle.h"
#include "runtime/lockgraph.h"
#include "engine/oracle.h"
#include "runtime/registry.h"
#include "base/json.h"
#include "base/report.h"
#include "runtime/schedpoint.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rt_ctl_config_defaults(struct rt_config *c)
{
	if (!c->max_ops)
		c->max_ops = RT_CTL_DEFAULT_MAX_OPS;
}

void rt_ctl_params_from_config(const struct rt_config *c, struct rt_ctl_params *p)
{
	memset(p, 0, sizeof *p);
	p->strategy = RT_STRAT_RANDOM;
	p->seed = c->seed;
	p->depth = 2;
	p->vstep_ns = 100000;   /* 0.1 ms of virtual time per scheduling step */
	p->vduration_ns = (uint64_t)c->duration_ms * 1000000ULL;
	p->max_steps = 2000000;
}

/* An execution left the target's own threads stuck (stop() would wait for
 * them for ever): the process can report, not run another execution. */
static int spent;

int rt_exec_controlled(const struct rt_target_ops *t, const struct rt_config *c,
		       const struct rt_ctl_params *p, struct rt_exec_result *out)
{
	memset(out, 0, sizeof *out);
	out->code = rt_target_refuse_controlled(t);
	if (out->code)
		return out->code;
	if (spent) {
		rt_fdprintf(rt_err_fd(), "redirtorture: target %s: an earlier execution in this process "
			    "left its own threads deadlocked (not drainable); no further execution "
			    "here\n", t->name);
		out->code = RT_EXIT_NOSTART;
		return out->code;
	}
	rt_report_reset();
	rt_sinks_reset();
	rt_drivers_reset();
	rt_lockgraph_reset();
	rt_registry_reset();
	struct rt_ctl_params pp = *p;
	if ((t->flags & RT_TARGET_EMBEDDED_PY) && !pp.outside_ns)
		pp.outside_ns = RT_CTL_PY_OUTSIDE_NS;
	/* drivers as fibers on this thread, unless the target needs real
	 * threads (an embedded interpreter's thread states and GIL; a target
	 * that keeps per-thread data in _Thread_local) */
	pp.fibers = !(t->flags & (RT_TARGET_EMBEDDED_PY | RT_TARGET_OS_THREADS)) &&
		    rt_ctl_backend_fibers();
	rt_ctl_begin(&pp);

	if (rt_target_start(t, c)) {
		struct rt_ctl_result ignored;
		rt_ctl_end(&ignored);
		rt_ctl_result_free(&ignored);
		struct rt_noise_cfg off = { 0 };
		rt_sched_use_noise(&off);
		out->code = RT_EXIT_NOSTART;
		return out->code;
	}
	if (rt_drivers_start(c, t))
		rt_die("cannot start driver threads");
	rt_ctl_run();
	rt_drivers_stop_and_join();
	rt_ctl_end(&out->ctl);
	struct rt_noise_cfg off = { 0 };
	rt_sched_use_noise(&off);
	spent = out->ctl.stuck_threads;
	if (!spent)
		t->stop();
	if (c->integrity && !out->ctl.deadlock && !out->ctl.step_bound)
		rt_oracle_check(c->line_len, 0);
	if (out->ctl.step_bound) {   /* a signature of the one form (base/report.h) */
		char sig[128];
		rt_signature(sig, sizeof sig, "HANG", "step bound reached");
		rt_report_finding(RT_EXIT_HANG, "hang", "step bound reached (livelock?)", sig,
				  "HANG: the controlled run hit its step bound\n");
	}

	out->code = rt_report_worst();
	int code;
	const char *kind, *sig, *text;
	for (int i = 0; rt_report_get(i, &code, &kind, &sig, &text) == 0; i++) {
		if (code != out->code || out->signature[0])
			continue;
		snprintf(out->kind, sizeof out->kind, "%s", kind);
		snprintf(out->signature, sizeof out->signature, "%s", sig);
		out->text = rt_xstrdup(text);
		const char *title;
		json_t *data;
		rt_report_get_data(i, &title, &data);
		out->title = rt_xstrdup(title);
		out->data = json_incref(data);
	}
	/* a potential deadlock seen in this run: remember its classes */
	for (int i = 0; rt_report_get(i, &code, &kind, &sig, &text) == 0; i++)
		if (!strcmp(kind, "lock-order") && !out->ncycle) {
			const char *const *cls;
			out->ncycle = rt_report_get_cycle(i, &cls);
			out->cycle = rt_xcalloc((size_t)out->ncycle + 1, sizeof *out->cycle);
			for (int k = 0; k < out->ncycle; k++)
				out->cycle[k] = rt_xstrdup(cls[k]);
		}
	return out->code;
}

void rt_exec_result_report(const struct rt_exec_result *r)
{
	if (!r->signature[0])
		return;
	rt_report_finding_data(r->code, r->kind, r->title, r->signature, r->text,
			       (const char *const *)r->cycle, r->ncycle, json_incref(r->data));
}

void rt_exec_result_free(struct rt_exec_result *r)
{
	free(r->text);
	free(r->title);
	json_decref(r->data);
	for (int i = 0; i < r->ncycle; i++)
		free(r->cycle[i]);
	free(r->cycle);
	rt_ctl_result_free(&r->ctl);
	memset(r, 0, sizeof *r);
}
