/* SPDX-License-Identifier: Apache-2.0 */
/* explore.c - `redirtorture explore` and `replay`: controlled executions,
 * potential -> confirmed deadlocks, repro files. */
#include "commands/explore.h"

#include "commands/explain.h"
#include "commands/explore_jobs.h"
#include "commands/steer.h"
#include "engine/graphdot.h"
#include "commands/supervisor.h"
#include "engine/lifecycle.h"
#include "sched/exec.h"
#include "base/json.h"
#include "base/report.h"
#include "sched/repro.h"
#include "sched/sched_ctl.h"
#include "sched/trace.h"
#include "base/util.h"
#include "targets.h"
#include "target_plugins.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void params_of(struct rt_ctl_params *p, const struct rt_config *c,
		      const struct rt_explore_opts *o, uint64_t i, uint64_t k_cal)
{
	rt_ctl_params_from_config(c, p);
	p->strategy = o->strategy;
	p->depth = o->depth;
	p->seed = rt_mix64(o->seed + i);
	/* PCT's estimate of the steps to come: the choice points of execution
	 * 0, so execution i is the same whichever worker of --jobs runs it */
	p->k_estimate = i ? k_cal : 0;
}

/* A --jobs worker that does not run execution 0 runs it once, silently, for
 * its choice-point count (the worker that owns it reports its findings). */
static uint64_t calibrate(const struct rt_target_ops *t, const struct rt_config *c,
			  const struct rt_explore_opts *o)
{
	struct rt_ctl_params p;
	struct rt_exec_result r;
	if (t->flags & RT_TARGET_FREE_ONLY)
		return 0;   /* refused by the first execution, with its message */
	params_of(&p, c, o, 0, 0);
	rt_exec_controlled(t, c, &p, &r);
	uint64_t k = r.ctl.nchoices;
	rt_exec_result_free(&r);
	return k;
}

/* The command that replays target's repro file at path: the report's
 * replay_argv (with --target-plugin for a plugin's target). */
static void replay_of(const char *target, const char *path)
{
	const char *argv[6];
	rt_replay_repro_argv(argv, target, path);
	rt_report_set_replay_argv(argv);
}

/* rt_repro_save, the file's header naming the same command */
static int save(const char *path, const struct rt_config *c, const struct rt_ctl_params *p,
		const struct rt_exec_result *r)
{
	char cmd[2400];
	rt_replay_repro_cmd(cmd, sizeof cmd, c->target, path);
	return rt_repro_save(path, cmd, c, p, r);
}

json_t *rt_explore_stats(double elapsed, uint64_t executions, uint64_t choice_points)
{
	json_t *st = rt_json_obj();
	rt_json_set(st, "elapsed_s", rt_json_secs(elapsed));
	rt_json_set_int(st, "executions", (long long)executions);
	rt_json_set_int(st, "choice_points", (long long)choice_points);
	return st;
}

/* The findings explore reports, as data, in the order printed: a potential
 * deadlock, then the real one steering made of it (or any other finding). */
static void record_result(int found, const struct rt_exec_result *potential,
			  const struct rt_exec_result *r)
{
	rt_report_reset();   /* still quiet: printed already */
	if (found)
		rt_exec_result_report(potential);
	if (found == 2)
		rt_exec_result_report(r);
}

static void plan_path(char *out, size_t n, const struct rt_config *c, const struct rt_explore_opts *o,
		      uint64_t exec)
{
	if (o->repro_path)
		snprintf(out, n, "%s", o->repro_path);
	else
		snprintf(out, n, "%s/%s-%s-%" PRIu64 "-%" PRIu64 ".repro", o->repro_dir, c->target,
			 c->scenario, o->seed, exec);
}

int rt_explore(const struct rt_config *c, const struct rt_explore_opts *o)
{
	const struct rt_target_ops *t = rt_target_find(c->target);
	uint64_t t0 = rt_now_ns(), last_prog = t0, k_sum = 0, done = 0;
	struct rt_exec_result r = { 0 }, potential = { 0 };
	struct rt_ctl_params pp = { 0 };   /* params of the potential run */
	int found = 0, unwritten = 0, outside_said = 0;
	uint64_t found_at = 0, steer_tries = 0;   /* execution index; steered ones */
	uint64_t nfindings = 0;                   /* executions with a finding */
	int tty = isatty(rt_err_fd()), shown = 0;
	char path[2048] = "";
	if (!o->repro_path)
		mkdir(o->repro_dir, 0755);
	char **cmd = rt_report_replay_argv();   /* restored at the end */
	rt_report_set_quiet(1);
	struct rt_explore_shared *sh = o->shared;
	uint64_t k_cal = sh && o->shard ? calibrate(t, c, o) : 0;
	const uint64_t step = o->nshards > 1 ? (uint64_t)o->nshards : 1;
	if (!sh)
		rt_fdprintf(rt_out_fd(), "explore: strategy %s%s, up to %" PRIu64 " execution%s, seed %"
			    PRIu64 "\n", rt_strategy_name(o->strategy), o->strategy == 1 ? " (PCT)" : "",
			    o->runs, rt_s(o->runs), o->seed);
	for (uint64_t i = sh ? (uint64_t)o->shard : 0; i < o->runs && !found; i += step) {
		if (sh && rt_explore_shared_next(sh, o->shard, i))
			break;   /* a lower execution found something */
		struct rt_ctl_params p;
		params_of(&p, c, o, i, k_cal);
		plan_path(path, sizeof path, c, o, i);
		replay_of(c->target, path);
		rt_exec_controlled(t, c, &p, &r);
		done++;
		k_sum += r.ctl.nchoices;
		nfindings += r.code != RT_EXIT_SUCCESS;
		if (r.ctl.outside && !outside_said++)   /* embedded Python: sched_ctl.h */
			rt_fdprintf(rt_err_fd(), "explore: execution %" PRIu64 ": %s; an execution "
				    "like this may not replay exactly (said once)\n", i, r.ctl.outside_msg);
		if (i == 0)
			k_cal = r.ctl.nchoices;
		if (sh)
			rt_explore_shared_add(sh, 1, r.ctl.nchoices, r.code != RT_EXIT_SUCCESS);
		if (r.code == RT_EXIT_NOSTART) {
			rt_report_set_quiet(0);
			if (cmd)
				rt_report_set_replay_argv((const char *const *)cmd);
			rt_report_argv_free(cmd);
			return RT_EXIT_NOSTART;
		}
		if (o->until_deadlock && r.code != RT_EXIT_DEADLOCK) {
			rt_exec_result_free(&r);   /* keep looking for a real deadlock */
		} else if (r.code == RT_EXIT_FINDING && !strcmp(r.kind, "lock-order")) {
			/* potential: keep it, then steer toward it */
			potential = r;
			pp = p;
			memset(&r, 0, sizeof r);
			found = 1;
			found_at = i;
		} else if (r.code != RT_EXIT_SUCCESS) {
			found = 2;
			found_at = i;
			pp = p;
		} else if (i + 1 < o->runs) {
			rt_exec_result_free(&r);
		} else if (o->save_clean) {   /* the last execution, whichever worker ran it */
			unwritten = save(path, c, &p, &r) != 0;
			if (!unwritten)
				rt_fdprintf(rt_out_fd(), "repro of the last (clean) execution: %s\n", path);
		}
		uint64_t now = rt_now_ns();
		if (!o->quiet_progress && now - last_prog > (tty ? 250000000ULL : 1000000000ULL)) {
			rt_explore_progress(tty, t0, done, o->runs, k_sum, nfindings, "");
			shown = 1;
			last_prog = now;
		}
	}
	if (tty && shown)
		rt_write_all(rt_err_fd(), "\n", 1);   /* the status line stays */
	double el = (double)(rt_now_ns() - t0) / 1e9;
	int code = RT_EXIT_SUCCESS;
	if (sh && !found)
		rt_explore_shared_done(sh, o->shard);
	if (found && sh && !rt_explore_shared_found(sh, o->shard, found_at))
		found = 0;   /* a lower execution found something: its worker reports */
	if (found == 1) {
		rt_report_print(potential.text);
		rt_fdprintf(rt_out_fd(), "potential deadlock after %" PRIu64 " execution%s (%.2f s): %s\n"
			    "confirming: steering the scheduler toward the cycle (up to %" PRIu64
			    " execution%s)\n", found_at + 1, rt_s(found_at + 1), el,
			    potential.signature, o->confirm_runs, rt_s(o->confirm_runs));
		/* the repro is named by the execution that found it, as the
		 * potential report (made during it) already says */
		plan_path(path, sizeof path, c, o, found_at);
		replay_of(c->target, path);
		uint64_t tries = 0;
		/* what the graph recorded: the execution that found it (its graph
		 * is still there), then each steered one */
		struct rt_explain why;
		rt_explain_init(&why, (const char *const *)potential.cycle, potential.ncycle);
		rt_explain_gather(&why);
		if (rt_steer(t, c, potential.cycle, potential.ncycle, o->confirm_runs, &r, &pp, &tries,
			     &why)) {
			found = 2;
			rt_fdprintf(rt_out_fd(), "confirmed deadlock: the cycle happened in steered "
				    "execution %" PRIu64 " of the confirmation\n", tries);
		}
		done += tries;
		steer_tries = tries;
		if (sh)
			rt_explore_shared_add(sh, tries, 0, 0);
		if (found == 1) {
			rt_fdprintf(rt_out_fd(), "not confirmed in %" PRIu64 " steered execution%s: "
				    "reporting the potential deadlock\n", o->confirm_runs,
				    rt_s(o->confirm_runs));
			struct rt_buf b = { 0 };
			rt_explain_write(&why, c, &b);
			rt_write_all(rt_out_fd(), b.p, b.len);
			unwritten = save(path, c, &pp, &potential) != 0;
			code = potential.code;
			/* the finding in the JSON report carries the lines too */
			struct rt_buf text = { 0 };
			rt_buf_printf(&text, "%s%s", potential.text ? potential.text : "", b.p);
			free(potential.text);
			potential.text = text.p;
			rt_buf_free(&b);
		}
		rt_explain_free(&why);
	}
	if (found == 2) {
		rt_report_print(r.text);
		unwritten = save(path, c, &pp, &r) != 0;
		code = r.code;
	}
	el = (double)(rt_now_ns() - t0) / 1e9;
	if (!found && !sh)
		rt_fdprintf(rt_out_fd(), "no finding in %" PRIu64 " execution%s\n", done,
			    rt_s(done));
	if (!sh)
		rt_fdprintf(rt_out_fd(), "explore: %" PRIu64 " execution%s in %.2f s (%.0f/s), %" PRIu64
			    " choice point%s per execution\n", done, rt_s(done), el,
			    (double)done / (el > 0 ? el : 1), done ? k_sum / done : 0,
			    rt_s(done ? k_sum / done : 0));
	if (found && sh)
		rt_explore_shared_result(sh, found_at + 1 + steer_tries,
					 found == 2 ? r.signature : potential.signature,
					 unwritten ? "not written (see above)" : path);
	if (found && !sh)
		rt_fdprintf(rt_out_fd(), "first finding after %" PRIu64 " execution%s: %s\nrepro: %s\n",
			    done, rt_s(done), found == 2 ? r.signature : potential.signature,
			    unwritten ? "not written (see above)" : path);
	/* one JSON report: this process's, or the winning --jobs worker's */
	int reports = !sh || found;
	if (reports)
		record_result(found, &potential, &r);
	rt_exec_result_free(&r);
	rt_exec_result_free(&potential);
	rt_report_set_quiet(0);
	if ((!found || unwritten) && cmd)
		rt_report_set_replay_argv((const char *const *)cmd);
	else if (found)
		replay_of(c->target, path);
	rt_report_argv_free(cmd);
	code = unwritten ? RT_EXIT_UNWRITTEN : code;
	if (reports)
		rt_report_write_json(code, el, rt_explore_stats(el, sh ? found_at + 1 + steer_tries : done,
								 done ? k_sum / done : 0));
	return rt_report_exit_code(code);
}

static int unwritten_line(const char *what, const char *path, int rc)
{
	rt_fdprintf(rt_err_fd(), "redirtorture: %s %s not written: %s; an older file there is "
		    "unchanged (exit %d)\n", what, path, strerror(rc < 0 ? -rc : rc), RT_EXIT_UNWRITTEN);
	return RT_EXIT_UNWRITTEN;
}

struct replay_job {
	const char *path, *trace_json, *svg, *dot;
	const struct rt_repro *rp;
	struct rt_ctl_params p;
};

/* In the supervised child: the execution, its verdict and the traces. */
static int replay_work(void *arg)
{
	const struct replay_job *job = arg;
	const char *path = job->path, *trace_json = job->trace_json, *svg = job->svg;
	const char *dot = job->dot;
	const struct rt_repro *rp = job->rp;
	struct rt_ctl_params p = job->p;
	struct rt_exec_result r;
	uint64_t t0 = rt_now_ns();
	rt_exec_controlled(rt_target_find(rp->cfg.target), &rp->cfg, &p, &r);
	int code = r.code;
	if (code == RT_EXIT_NOSTART) {   /* said why; no schedule was followed */
		double el = (double)(rt_now_ns() - t0) / 1e9;
		rt_report_write_json(code, el, rt_explore_stats(el, 1, 0));
		rt_exec_result_free(&r);
		return rt_report_exit_code(code);
	}
	if (r.ctl.diverged) {
		rt_fdprintf(rt_err_fd(), "DIVERGED: replay of %s left the recorded schedule at %s\n", path,
			    r.ctl.diverge_msg);
		code = RT_EXIT_DIVERGED;
	} else if (strcmp(r.signature, rp->signature)) {
		rt_fdprintf(rt_err_fd(), "DIVERGED: replay of %s followed the schedule but produced "
			    "'%s', recorded '%s'\n", path, r.signature[0] ? r.signature : "no finding",
			    rp->signature);
		code = RT_EXIT_DIVERGED;
	} else {
		rt_fdprintf(rt_out_fd(), "replay: reproduced %s (%zu choice point%s, %d preemption%s)\n",
			    r.signature[0] ? r.signature : "no finding", r.ctl.nchoices,
			    rt_s(r.ctl.nchoices), r.ctl.preemptions, rt_s(r.ctl.preemptions));
	}
	const char *const *cyc = NULL;   /* the finding's cycle, as data */
	int nc = 0, fcode;
	const char *fkind, *fsig, *ftext;
	for (int i = 0; rt_report_get(i, &fcode, &fkind, &fsig, &ftext) == 0; i++)
		if (!strcmp(fsig, r.signature))
			nc = rt_report_get_cycle(i, &cyc);
	char title[1400];
	snprintf(title, sizeof title, "%s: %s", rt_basename(path),
		 r.signature[0] ? rt_verdict_name(r.code) : "no finding");
	int wrc;
	if (dot && !(wrc = rt_graph_write_dot(dot, title, cyc, nc)))
		rt_fdprintf(rt_out_fd(), "dot: %s (render with: dot -Tsvg %s)\n", dot, dot);
	else if (dot)
		code = unwritten_line("dot", dot, wrc);
	if (p.trace) {
		if (trace_json && !(wrc = rt_trace_write_chrome(trace_json, &r.ctl, title, cyc, nc)))
			rt_fdprintf(rt_out_fd(), "trace: %s (open in Perfetto or chrome://tracing)\n",
				    trace_json);
		else if (trace_json)
			code = unwritten_line("trace", trace_json, wrc);
		if (svg && !(wrc = rt_trace_write_svg(svg, &r.ctl, title, cyc, nc)))
			rt_fdprintf(rt_out_fd(), "svg: %s\n", svg);
		else if (svg)
			code = unwritten_line("svg", svg, wrc);
	}
	double el = (double)(rt_now_ns() - t0) / 1e9;
	rt_report_write_json(code, el, rt_explore_stats(el, 1, r.ctl.nchoices));
	rt_exec_result_free(&r);
	return rt_report_exit_code(code);
}

int rt_replay(const char *path, const char *trace_json, const char *svg, const char *dot,
	      const char *json_path, int quiet)
{
	struct rt_repro rp;
	int bad = rt_repro_load(path, &rp);
	if (bad)
		return bad;
	struct replay_job job = { path, trace_json, svg, dot, &rp, { 0 } };
	struct rt_ctl_params *p = &job.p;
	rt_ctl_params_from_config(&rp.cfg, p);
	p->strategy = RT_STRAT_REPLAY;
	p->replay = rp.choices;
	p->nreplay = rp.nchoices;
	p->depth = rp.depth;
	p->vstep_ns = rp.vstep_ns ? rp.vstep_ns : p->vstep_ns;
	p->max_steps = rp.max_steps ? rp.max_steps : p->max_steps;
	p->trace = trace_json || svg;
	rt_report_init(&rp.cfg, NULL, json_path);
	rt_report_set_command("replay");
	replay_of(rp.cfg.target, path);
	rt_report_set_quiet(quiet);
	/* one execution: the deadline of `run` */
	/* a target that blocks outside the scheduler: refused, documented */
	int code = rt_target_refuse_controlled(rt_target_find(rp.cfg.target));
	if (!code)
		code = rt_supervise_controlled(&rp.cfg, replay_work, &job, rt_run_deadline_ms(&rp.cfg), 1);
	rt_report_set_quiet(0);
	if (json_path && code != RT_EXIT_UNWRITTEN)
		rt_fdprintf(rt_out_fd(), "report: %s\n", json_path);
	rt_fdprintf(rt_out_fd(), "End of test: %s\n", rt_verdict_name(code));
	rt_repro_free(&rp);
	return code;
}
