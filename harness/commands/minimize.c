/* SPDX-License-Identifier: Apache-2.0 */
/* minimize.c - `redirtorture minimize FILE`: shrink a failing repro while
 * the same signature still appears: fewer threads, fewer operations, fewer
 * preemptions.  Each accepted candidate is an execution that really
 * produced the signature; its recorded schedule becomes the new best. */
#include "commands/minimize.h"
#include "commands/explore.h"
#include "commands/supervisor.h"
#include "engine/lifecycle.h"

#include "sched/exec.h"
#include "base/report.h"
#include "sched/repro.h"
#include "sched/sched_ctl.h"
#include "base/util.h"
#include "targets.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct best {
	struct rt_config cfg;
	struct rt_ctl_params p;
	struct rt_exec_result r;
};

static const char *want_sig;
static uint64_t executions;   /* for the report's stats */

static void exec_counted(const struct rt_config *c, const struct rt_ctl_params *p,
			 struct rt_exec_result *r)
{
	executions++;
	rt_exec_controlled(rt_target_find(c->target), c, p, r);
}

static int same(const struct rt_exec_result *r)
{
	return !r->ctl.diverged && !strcmp(r->signature, want_sig);
}

static void take(struct best *b, const struct rt_config *c, const struct rt_ctl_params *p,
		 struct rt_exec_result *r)
{
	rt_exec_result_free(&b->r);
	b->cfg = *c;
	b->p = *p;
	b->r = *r;
	memset(r, 0, sizeof *r);
}

/* Lenient replay of a candidate schedule; keeps it if the signature holds
 * and it has fewer preemptions. */
static int try_schedule(struct best *b, struct rt_choice *ch, size_t n)
{
	struct rt_ctl_params p = b->p;
	p.strategy = RT_STRAT_REPLAY;
	p.replay = ch;
	p.nreplay = n;
	p.lenient = 1;
	struct rt_exec_result r;
	exec_counted(&b->cfg, &p, &r);
	if (same(&r) && r.ctl.preemptions < b->r.ctl.preemptions) {
		p.replay = NULL;
		p.nreplay = 0;
		p.lenient = 0;
		take(b, &b->cfg, &p, &r);
		return 1;
	}
	rt_exec_result_free(&r);
	return 0;
}

/* Search a smaller configuration with PCT executions (few context
 * switches); accept only a run that is no larger than the best so far in
 * choices and preemptions, so minimizing never makes a repro bigger. */
static int try_config(struct best *b, const struct rt_config *c, uint64_t runs)
{
	for (uint64_t i = 0; i < runs; i++) {
		struct rt_ctl_params p;
		rt_ctl_params_from_config(c, &p);
		p.strategy = RT_STRAT_PCT;
		p.depth = 2 + (int)(i % 2);
		p.seed = rt_mix64(0x3141 + i);
		p.k_estimate = b->r.ctl.nchoices ? b->r.ctl.nchoices : 1000;
		struct rt_exec_result r;
		exec_counted(c, &p, &r);
		if (same(&r) && r.ctl.nchoices <= b->r.ctl.nchoices &&
		    r.ctl.preemptions <= b->r.ctl.preemptions) {
			take(b, c, &p, &r);
			return 1;
		}
		rt_exec_result_free(&r);
	}
	return 0;
}

/* One step of shrinking print (k 0) or log (k 1) workers; 1 if it shrank. */
static int fewer_workers(struct best *b, int k, uint64_t runs)
{
	int cur = k ? b->cfg.log_workers : b->cfg.print_workers;
	int other = k ? b->cfg.print_workers : b->cfg.log_workers;
	int lo = other > 0 ? 0 : 1;   /* at least one worker in all */
	int cand[4] = { lo, cur / 4, cur / 2, cur - 1 };
	for (int j = 0; j < 4; j++) {
		if (cand[j] < lo || cand[j] >= cur || (j && cand[j] <= cand[j - 1]))
			continue;
		struct rt_config c = b->cfg;
		*(k ? &c.log_workers : &c.print_workers) = cand[j];
		if (try_config(b, &c, runs))
			return 1;
	}
	return 0;
}

struct minimize_job {
	const char *path, *out_path;
	uint64_t runs;
	struct rt_repro *rp;
};

/* In the supervised child: the search, then the smaller repro. */
static int minimize_work(void *arg)
{
	const struct minimize_job *job = arg;
	const char *path = job->path, *out_path = job->out_path;
	uint64_t runs = job->runs;
	struct rt_repro rp = *job->rp;
	uint64_t started = rt_now_ns();
	rt_report_set_quiet(1);
	struct best b = { 0 };
	b.cfg = rp.cfg;
	rt_ctl_params_from_config(&rp.cfg, &b.p);
	b.p.strategy = RT_STRAT_REPLAY;
	b.p.replay = rp.choices;
	b.p.nreplay = rp.nchoices;
	b.p.vstep_ns = rp.vstep_ns ? rp.vstep_ns : b.p.vstep_ns;
	b.p.max_steps = rp.max_steps ? rp.max_steps : b.p.max_steps;
	b.p.depth = rp.depth;
	exec_counted(&b.cfg, &b.p, &b.r);
	if (!same(&b.r)) {
		rt_report_set_quiet(0);
		rt_fdprintf(2, "redirtorture: %s does not reproduce its signature (%s); nothing to "
			    "minimize\n", path, b.r.ctl.diverged ? b.r.ctl.diverge_msg : "other outcome");
		double el = (double)(rt_now_ns() - started) / 1e9;
		rt_report_write_json(RT_EXIT_DIVERGED, el,
				     rt_explore_stats(el, executions, b.r.ctl.nchoices));
		rt_exec_result_free(&b.r);
		return rt_report_exit_code(RT_EXIT_DIVERGED);
	}
	b.p.replay = NULL;
	b.p.nreplay = 0;
	int t0 = b.r.ctl.nthreads, pre0 = b.r.ctl.preemptions;
	size_t ch0 = b.r.ctl.nchoices;
	int64_t ops0 = b.cfg.max_ops;

	/* 1. fewer threads: try the smallest count first, then a quarter, a
	 * half, one less (with 256 workers, one at a time would take hundreds
	 * of searches) */
	for (int k = 0; k < 2; k++)
		while (fewer_workers(&b, k, runs))
			;
	/* 2. fewer operations per thread */
	if (b.cfg.max_ops == 0) {
		for (int64_t m = 1; m <= 64; m *= 2) {
			struct rt_config c = b.cfg;
			c.max_ops = m;
			if (try_config(&b, &c, runs))
				break;
		}
	}
	while (b.cfg.max_ops > 1) {
		struct rt_config c = b.cfg;
		c.max_ops = b.cfg.max_ops - 1;
		if (!try_config(&b, &c, runs))
			break;
	}
	/* 3a. a single preemption, searched exhaustively (context bound 1):
	 * run without preempting, except switch to thread `tid` at choice i. */
	if (b.r.ctl.preemptions > 1) {
		struct rt_choice none = { 0xffff, 0, 0, -1 };
		struct rt_ctl_params p = b.p;
		p.strategy = RT_STRAT_REPLAY;
		p.replay = &none;
		p.nreplay = 0;
		p.lenient = 1;
		struct rt_exec_result base;
		exec_counted(&b.cfg, &p, &base);
		size_t n0 = base.ctl.nchoices;
		int nth = base.ctl.nthreads;
		rt_exec_result_free(&base);
		struct rt_choice *cand = rt_xmalloc((n0 + 1) * sizeof *cand);
		int found = 0;
		/* exhaustive when small; a bounded budget of executions else */
		uint64_t budget = runs * 20 > 5000 ? runs * 20 : 5000, tried = 0;
		for (size_t i = 0; i < n0 && !found && tried < budget; i++)
			for (int tid = 0; tid < nth && !found && tried++ < budget; tid++) {
				for (size_t k = 0; k <= n0; k++)
					cand[k] = none;
				cand[i].tid = (uint16_t)tid;
				found = try_schedule(&b, cand, i + 1);
			}
		free(cand);
	}
	/* 3b. fewer preemptions: drop one (continue the preempted thread, or cut
	 * the schedule there) and let the rest run without preempting */
	for (int progress = 1; progress && b.r.ctl.preemptions > 0;) {
		progress = 0;
		for (size_t i = b.r.ctl.nchoices; i-- > 0 && !progress;) {
			if (!b.r.ctl.choices[i].preempt)
				continue;
			size_t n = b.r.ctl.nchoices;
			struct rt_choice *cand = rt_xmalloc((n + 1) * sizeof *cand);
			memcpy(cand, b.r.ctl.choices, n * sizeof *cand);
			cand[i].tid = (uint16_t)b.r.ctl.choices[i].prev;
			progress = try_schedule(&b, cand, n) || try_schedule(&b, cand, i);
			if (!progress) {
				/* sparse: keep only the other preemptions, every other
				 * choice continues the running thread */
				for (size_t k = 0; k < n; k++)
					cand[k].tid = (uint16_t)(b.r.ctl.choices[k].preempt && k != i
									 ? b.r.ctl.choices[k].tid
									 : b.r.ctl.choices[k].prev);
				progress = try_schedule(&b, cand, n);
			}
			free(cand);
		}
	}
	rt_report_set_quiet(0);

	char out[2100];
	if (out_path)
		snprintf(out, sizeof out, "%s", out_path);
	else {
		snprintf(out, sizeof out, "%s", path);
		char *dot = strstr(out, ".repro");
		if (dot)
			*dot = 0;
		strncat(out, ".min.repro", sizeof out - strlen(out) - 1);
	}
	struct rt_repro m = { 0 };
	m.cfg = b.cfg;
	snprintf(m.verdict, sizeof m.verdict, "%s", rt_verdict_name(b.r.code));
	snprintf(m.signature, sizeof m.signature, "%s", b.r.signature);
	m.strategy = b.p.strategy;
	m.depth = b.p.depth;
	m.seed = b.p.seed;
	m.k = b.p.k_estimate;
	m.vstep_ns = b.p.vstep_ns;
	m.max_steps = b.p.max_steps;
	m.nthreads = b.r.ctl.nthreads;
	m.choices = b.r.ctl.choices;
	m.nchoices = b.r.ctl.nchoices;
	m.preemptions = b.r.ctl.preemptions;
	int rc = rt_repro_write(out, &m, b.r.ctl.thread_names);
	rt_fdprintf(rt_out_fd(),
		    "minimize: %s\n  signature   %s\n  threads     %d -> %d\n  max_ops     %" PRId64
		    " -> %" PRId64 "\n  choices     %zu -> %zu\n  preemptions %d -> %d\n",
		    path, want_sig, t0, b.r.ctl.nthreads, ops0, b.cfg.max_ops, ch0, b.r.ctl.nchoices,
		    pre0, b.r.ctl.preemptions);
	if (rc)
		rt_fdprintf(rt_err_fd(), "redirtorture: repro %s not written: %s; an older file there "
			    "is unchanged (exit %d)\n", out, strerror(-rc), RT_EXIT_UNWRITTEN);
	else
		rt_fdprintf(rt_out_fd(), "  wrote %s\n", out);
	/* the report: the command's verdict; the finding the smaller repro keeps */
	int code = rc ? RT_EXIT_UNWRITTEN : 0;
	if (!rc) {
		const char *argv[] = { "redirtorture", "replay", out, NULL };
		rt_report_set_replay_argv(argv);
	}
	rt_report_set_quiet(1);
	rt_report_reset();
	rt_exec_result_report(&b.r);
	rt_report_set_quiet(0);
	double el = (double)(rt_now_ns() - started) / 1e9;
	rt_report_write_json(code, el, rt_explore_stats(el, executions, b.r.ctl.nchoices));
	rt_exec_result_free(&b.r);
	return rt_report_exit_code(code);
}

int rt_minimize(const char *path, const char *out_path, uint64_t runs, const char *json_path)
{
	struct rt_repro rp;
	int bad = rt_repro_load(path, &rp);
	if (bad)
		return bad;
	want_sig = rp.signature;
	rt_report_init(&rp.cfg, NULL, json_path);
	rt_report_set_command("minimize");
	const char *argv[] = { "redirtorture", "minimize", path, NULL };
	rt_report_set_replay_argv(argv);
	/* many executions: heartbeats and the watchdog's stall report, no
	 * overall deadline (like explore) */
	struct minimize_job job = { path, out_path, runs, &rp };
	/* a target that blocks outside the scheduler: refused, documented */
	int code = rt_target_refuse_controlled(rt_target_find(rp.cfg.target));
	if (!code)
		code = rt_supervise_controlled(&rp.cfg, minimize_work, &job, 0, 1);
	rt_report_set_quiet(0);
	if (json_path && code != RT_EXIT_UNWRITTEN)
		rt_fdprintf(rt_out_fd(), "report: %s\n", json_path);
	rt_fdprintf(rt_out_fd(), "End of test: %s\n", rt_verdict_name(code));
	rt_repro_free(&rp);
	return code;
}
