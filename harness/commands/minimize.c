/* SPDX-License-Identifier: Apache-2.0 */
/* minimize.c - `redirtorture minimize FILE`: shrink a failing repro while
 * the same signature still appears: fewer threads, fewer operations, fewer
 * preemptions.  Each accepted candidate is an execution that really
 * produced the signature; its recorded schedule becomes the new best.
 *
 * The search, in this order, within a stated budget of executions:
 *  1. smaller configurations: a one-row live display, fewer workers on the
 *     recorded virtual clock and then on faster ones, fewer operations per
 *     thread; each first gets one replay of the best schedule, then a few
 *     executions steered toward the deadlock's lock classes (when the
 *     finding has a cycle) and PCT ones; a reproduction is taken when it is
 *     no larger than the best so far (mz_not_larger);
 *  2. with more than one preemption, one preemption searched exhaustively
 *     (context bound 1), within max(5000, 20 x search runs) executions;
 *  3. with more than one left, delta debugging (ddmin) over the schedule's
 *     switches, each named by the thread that ran there (minimize_sched.c:
 *     2 and 3); within 4 x search runs.
 *     Embedded Python runs 3 before 2, with half the budget left.
 * Every candidate taken is no larger than the best before it, so the result
 * never has more threads or preemptions than the input, and more choices
 * only along with fewer of either.  Every execution is in this one process
 * (one embedded interpreter for Python targets, as in explore). */
#include "commands/minimize.h"
#include "commands/minimize_search.h"
#include "commands/explore.h"
#include "commands/supervisor.h"
#include "engine/lifecycle.h"

#include "sched/exec.h"
#include "base/report.h"
#include "sched/repro.h"
#include "sched/sched_ctl.h"
#include "base/util.h"
#include "targets.h"
#include "target_plugins.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One execution: 1 it reproduced the signature (r kept), 0 it did not (r
 * freed), -1 none was run (budget spent or the process is spent). */
int mz_run_one(struct mz *m, const struct rt_config *c, const struct rt_ctl_params *p,
	       struct rt_exec_result *r)
{
	if (m->stopped || m->executions >= m->budget) {
		m->stopped = 1;
		return -1;
	}
	if (m->step_end && m->executions >= m->step_end)
		return -1;   /* this step's share is spent; the next may go on */
	m->executions++;
	rt_exec_controlled(rt_target_find(c->target), c, p, r);
	if (r->code == RT_EXIT_NOSTART) {   /* an execution left stuck threads */
		m->stopped = 1;
		rt_exec_result_free(r);
		return -1;
	}
	if (!r->ctl.diverged && !strcmp(r->signature, m->want_sig))
		return 1;
	rt_exec_result_free(r);
	return 0;
}

/* The budget, or the current step's share of it, is spent. */
int mz_spent(const struct mz *m)
{
	return m->stopped || (m->step_end && m->executions >= m->step_end);
}

void mz_take(struct best *b, const struct rt_config *c, const struct rt_ctl_params *p,
	     struct rt_exec_result *r)
{
	if (!b->borrowed)
		rt_exec_result_free(&b->r);
	b->borrowed = 0;
	b->cfg = *c;
	b->p = *p;
	b->p.replay = NULL;
	b->p.nreplay = 0;
	b->p.steer = NULL;
	b->p.nsteer = 0;
	b->p.lenient = 0;
	b->r = *r;
	memset(r, 0, sizeof *r);
}

/* Never more threads nor preemptions; more choices only for fewer threads
 * or preemptions: what a reader follows is the threads and the points where
 * one is cut off, not how often two could have run (a one-preemption
 * schedule of real Rich has 50 choices, a 10-preemption one 41). */
int mz_not_larger(const struct rt_exec_result *r, const struct rt_exec_result *than)
{
	if (r->ctl.nthreads > than->ctl.nthreads || r->ctl.preemptions > than->ctl.preemptions)
		return 0;
	return r->ctl.nchoices <= than->ctl.nchoices || r->ctl.nthreads < than->ctl.nthreads ||
	       r->ctl.preemptions < than->ctl.preemptions;
}

/* The lock classes of the deadlock just reported (before the next
 * execution resets the report): steering for smaller configurations. */
static void keep_cycle(struct mz *m)
{
	int code;
	const char *kind, *sig, *text;
	for (int i = 0; rt_report_get(i, &code, &kind, &sig, &text) == 0; i++) {
		const char *const *cls;
		int n = rt_report_get_cycle(i, &cls);
		if (code != RT_EXIT_DEADLOCK || n <= 0)
			continue;
		m->classes = rt_xcalloc((size_t)n + 1, sizeof *m->classes);
		for (int k = 0; k < n; k++)
			m->classes[k] = rt_xstrdup(cls[k]);
		m->nclasses = n;
		return;
	}
}
/* The best schedule again on configuration c, the running thread going on
 * where it says nothing: a deadlock that happens before the last operation
 * needs no more operations, whatever the search would draw; 1 if taken. */
static int replay_best_on(struct mz *m, struct best *b, const struct rt_config *c)
{
	struct rt_ctl_params p;
	rt_ctl_params_from_config(c, &p);
	p.strategy = RT_STRAT_REPLAY;
	p.replay = b->r.ctl.choices;   /* lenient: no check bytes compared */
	p.nreplay = b->r.ctl.nchoices;
	p.lenient = 1;
	p.vstep_ns = m->vstep;
	p.max_steps = b->p.max_steps;
	struct rt_exec_result r;
	if (mz_run_one(m, c, &p, &r) != 1)
		return 0;
	if (!mz_not_larger(&r, &b->r)) {
		rt_exec_result_free(&r);
		return 0;
	}
	mz_take(b, c, &p, &r);
	return 1;
}

/* 1. A smaller configuration: the best schedule on it, then a few
 * executions steered toward the cycle (every other one, when there is one)
 * and PCT ones (few context switches).  The first that reproduces and is
 * no larger than the best so far is taken. */
static int try_config(struct mz *m, struct best *b, const struct rt_config *c)
{
	for (int k = 0; k < m->nfailed; k++)
		if (m->failed[k].pw == c->print_workers && m->failed[k].lw == c->log_workers &&
		    m->failed[k].rows == c->live_rows && m->failed[k].ops == c->max_ops &&
		    m->failed[k].vstep == m->vstep)
			return 0;
	uint64_t i, before = m->executions;
	if (replay_best_on(m, b, c)) {
		m->in_config += m->executions - before;
		return 1;
	}
	for (i = 0; i < m->runs && !m->stopped; i++) {
		struct rt_ctl_params p;
		rt_ctl_params_from_config(c, &p);
		p.vstep_ns = m->vstep;
		p.max_steps = b->p.max_steps;
		if (m->classes && i % 2 == 0) {
			p.strategy = RT_STRAT_CONFIRM;
			p.seed = rt_mix64(c->seed ^ (0xc0f1ULL << 32) ^ i);
			p.confirm = (const char *const *)m->classes;
			p.nconfirm = m->nclasses;
		} else {
			p.strategy = RT_STRAT_PCT;
			p.depth = 2 + (int)(i / 2 % 2);
			p.seed = rt_mix64(0x3141 + i);
			p.k_estimate = b->r.ctl.nchoices ? b->r.ctl.nchoices : 1000;
		}
		struct rt_exec_result r;
		int got = mz_run_one(m, c, &p, &r);
		if (got == 1 && !mz_not_larger(&r, &b->r)) {
			rt_exec_result_free(&r);
			got = 0;
		}
		if (got == 1) {
			mz_take(b, c, &p, &r);
			m->in_config += m->executions - before;
			return 1;
		}
	}
	m->in_config += m->executions - before;
	if (i == m->runs && m->nfailed < 64)
		m->failed[m->nfailed++] = (struct cfg_key){ c->print_workers, c->log_workers,
							 c->live_rows, c->max_ops, m->vstep };
	return 0;
}

/* One step of shrinking print (k 0) or log (k 1) workers; 1 if it shrank.
 * The smallest count first, then a quarter, a half, one less (with 256
 * workers, one at a time would take hundreds of searches). */
static int fewer_workers(struct mz *m, struct best *b, int k)
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
		if (try_config(m, b, &c))
			return 1;
	}
	return 0;
}

/* 1. First a one-row live display: what it renders on every print is most
 * of an execution's cost on real Rich (20 rows: 4 executions/s, 1 row: 17,
 * explore of live_refresh with 8 printers), and one row reads better. */
static void fewer_rows(struct mz *m, struct best *b)
{
	struct rt_config c = b->cfg;
	if (c.live_rows <= 1)
		return;
	c.live_rows = 1;
	try_config(m, b, &c);
}

/* 1. Fewer workers: print, then log; 1 if any went. */
static int fewer_threads(struct mz *m, struct best *b)
{
	int shrank = 0;
	for (int k = 0; k < 2; k++)
		while (fewer_workers(m, b, k))
			shrank = 1;
	return shrank;
}

/* 1. Fewer workers on a faster virtual clock (10, then 100 times the
 * recorded time per step), after no more could go on the recorded one.  A
 * timed wait (a refresh period, a sleep) expires after so many steps of the
 * others' work: at 0.1 ms a step, Live's refresh thread first wakes 200
 * steps into the run, after 1 to 3 printers of 5 operations are done, so
 * fewer printers never meet it.  A clock is kept only with fewer threads
 * (the repro records it: vstep_ns); configurations searched in vain are
 * remembered per clock. */
static void faster_clock(struct mz *m, struct best *b)
{
	uint64_t was = b->p.vstep_ns;
	for (uint64_t f = 10; f <= 100 && !m->stopped && !m->keep_clock && was <= UINT64_MAX / f;
	     f *= 10) {
		m->vstep = was * f;
		fewer_threads(m, b);
	}
	m->vstep = b->p.vstep_ns;
}

static void fewer_ops(struct mz *m, struct best *b)
{
	if (b->cfg.max_ops == 0) {
		for (int64_t n = 1; n <= 64 && !m->stopped; n *= 2) {
			struct rt_config c = b->cfg;
			c.max_ops = n;
			if (try_config(m, b, &c))
				break;
		}
	}
	/* as for workers: the smallest count first, then a half, one less */
	for (int shrank = 1; shrank && !m->stopped;) {
		int64_t cur = b->cfg.max_ops, cand[3] = { 1, cur / 2, cur - 1 };
		shrank = 0;
		for (int j = 0; j < 3 && !shrank && !m->stopped; j++) {
			if (cand[j] < 1 || cand[j] >= cur || (j && cand[j] <= cand[j - 1]))
				continue;
			struct rt_config c = b->cfg;
			c.max_ops = cand[j];
			shrank = try_config(m, b, &c);
		}
	}
}

struct minimize_job {
	const char *path, *out_path;
	uint64_t runs, budget;
	struct rt_repro *rp;
	int py, keep_clock;
};

/* The smaller repro and what the search did; the command's exit code. */
static int finish(const struct minimize_job *job, struct mz *m, struct best *b,
		  const struct best *in, uint64_t started)
{
	char out[2100];
	if (job->out_path)
		snprintf(out, sizeof out, "%s", job->out_path);
	else {
		snprintf(out, sizeof out, "%s", job->path);
		char *dot = strstr(out, ".repro");
		if (dot)
			*dot = 0;
		strncat(out, ".min.repro", sizeof out - strlen(out) - 1);
	}
	struct rt_repro mr;
	rt_repro_from(&mr, &b->cfg, &b->p, &b->r);
	char cmd[2400];
	rt_replay_repro_cmd(cmd, sizeof cmd, b->cfg.target, out);
	mr.replay_cmd = cmd;
	int rc = rt_repro_write(out, &mr, b->r.ctl.thread_names);
	double el = (double)(rt_now_ns() - started) / 1e9;
	rt_fdprintf(rt_out_fd(),
		    "minimize: %s\n  signature   %s\n  threads     %d -> %d\n  max_ops     %" PRId64
		    " -> %" PRId64 "\n  choices     %zu -> %zu\n  preemptions %d -> %d\n"
		    "  executions  %" PRIu64 " of a budget of %" PRIu64 "%s, %.1f s (%.1f/s): "
		    "configurations %" PRIu64 ", ddmin %" PRIu64 ", one preemption %" PRIu64 "\n",
		    job->path, m->want_sig, in->r.ctl.nthreads, b->r.ctl.nthreads, in->cfg.max_ops,
		    b->cfg.max_ops, in->r.ctl.nchoices, b->r.ctl.nchoices, in->r.ctl.preemptions,
		    b->r.ctl.preemptions, m->executions, m->budget,
		    m->stopped ? " (search cut short)" : "", el, el > 0 ? m->executions / el : 0.0,
		    m->in_config, m->in_ddmin, m->in_one);
	if (rc)
		rt_fdprintf(rt_err_fd(), "redirtorture: repro %s not written: %s; an older file there "
			    "is unchanged (exit %d)\n", out, strerror(-rc), RT_EXIT_UNWRITTEN);
	else
		rt_fdprintf(rt_out_fd(), "  wrote %s\n", out);
	/* the report: the command's verdict; the finding the smaller repro keeps */
	int code = rc ? RT_EXIT_UNWRITTEN : 0;
	if (!rc) {
		const char *argv[6];
		rt_replay_repro_argv(argv, b->cfg.target, out);
		rt_report_set_replay_argv(argv);
	}
	rt_report_set_quiet(1);
	rt_report_reset();
	rt_exec_result_report(&b->r);
	rt_report_set_quiet(0);
	rt_report_write_json(code, el, rt_explore_stats(el, m->executions, b->r.ctl.nchoices));
	return rt_report_exit_code(code);
}

/* The input as a best: an exact replay of its schedule.  1 if it
 * reproduced its signature. */
static int replay_input(struct mz *m, const struct rt_repro *rp, struct best *b)
{
	b->cfg = rp->cfg;
	rt_ctl_params_from_config(&rp->cfg, &b->p);
	b->p.strategy = RT_STRAT_REPLAY;
	b->p.replay = rp->choices;
	b->p.nreplay = rp->nchoices;
	b->p.vstep_ns = rp->vstep_ns ? rp->vstep_ns : b->p.vstep_ns;
	b->p.max_steps = rp->max_steps ? rp->max_steps : b->p.max_steps;
	b->p.depth = rp->depth;
	m->executions++;
	rt_exec_controlled(rt_target_find(b->cfg.target), &b->cfg, &b->p, &b->r);
	b->p.replay = NULL;
	b->p.nreplay = 0;
	return !b->r.ctl.diverged && !strcmp(b->r.signature, m->want_sig);
}

/* In the supervised child: the search, then the smaller repro. */
static int minimize_work(void *arg)
{
	const struct minimize_job *job = arg;
	uint64_t started = rt_now_ns();
	rt_report_set_quiet(1);
	struct mz m = { .want_sig = job->rp->signature, .runs = job->runs, .budget = job->budget,
			.py = job->py, .keep_clock = job->keep_clock };
	struct best b = { 0 }, in = { 0 };
	if (!replay_input(&m, job->rp, &b)) {
		rt_report_set_quiet(0);
		rt_fdprintf(2, "redirtorture: %s does not reproduce its signature (%s); nothing to "
			    "minimize\n", job->path, b.r.ctl.diverged ? b.r.ctl.diverge_msg : "other outcome");
		double el = (double)(rt_now_ns() - started) / 1e9;
		rt_report_write_json(RT_EXIT_DIVERGED, el,
				     rt_explore_stats(el, m.executions, b.r.ctl.nchoices));
		rt_exec_result_free(&b.r);
		return rt_report_exit_code(RT_EXIT_DIVERGED);
	}
	keep_cycle(&m);
	/* the input, for the before/after lines */
	in = b;
	b.borrowed = 1;

	m.vstep = b.p.vstep_ns;
	fewer_rows(&m, &b);
	fewer_threads(&m, &b);        /* 1. fewer threads, then fewer operations */
	faster_clock(&m, &b);
	fewer_ops(&m, &b);
	mz_shrink_schedule(&m, &b);      /* 2. and 3. */
	rt_report_set_quiet(0);
	int code = finish(job, &m, &b, &in, started);
	if (!b.borrowed)
		rt_exec_result_free(&b.r);
	rt_exec_result_free(&in.r);
	for (int i = 0; i < m.nclasses; i++)
		free(m.classes[i]);
	free(m.classes);
	return code;
}

int rt_minimize(const char *path, const char *out_path, uint64_t search_runs, uint64_t budget,
		int keep_clock, const char *json_path)
{
	struct rt_repro rp;
	int bad = rt_repro_load(path, &rp);
	if (bad)
		return bad;
	rt_report_init(&rp.cfg, NULL, json_path);
	rt_report_set_command("minimize");
	const char *argv[] = { rt_report_program(), "minimize", path, NULL };
	rt_report_set_replay_argv(argv);
	const struct rt_target_ops *t = rt_target_find(rp.cfg.target);
	/* 0: the defaults, smaller for embedded Python (a few controlled
	 * executions per CPU second on real libraries, against thousands) */
	int py = t && (t->flags & RT_TARGET_EMBEDDED_PY);
	if (!search_runs)
		search_runs = py ? RT_MINIMIZE_PY_RUNS : RT_MINIMIZE_RUNS;
	if (!budget)
		budget = py ? RT_MINIMIZE_PY_BUDGET : RT_MINIMIZE_BUDGET;
	/* many executions: heartbeats and the watchdog's stall report, no
	 * overall deadline (like explore) */
	struct minimize_job job = { path, out_path, search_runs, budget, &rp, py, keep_clock };
	/* a target that blocks outside the scheduler: refused, documented */
	int code = rt_target_refuse_controlled(t);
	if (!code)
		code = rt_supervise_controlled(&rp.cfg, minimize_work, &job, 0, 1);
	rt_report_set_quiet(0);
	if (json_path && code != RT_EXIT_UNWRITTEN)
		rt_fdprintf(rt_out_fd(), "report: %s\n", json_path);
	rt_fdprintf(rt_out_fd(), "End of test: %s\n", rt_verdict_name(code));
	rt_repro_free(&rp);
	return code;
}
