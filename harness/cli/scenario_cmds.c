/* SPDX-License-Identifier: Apache-2.0 */
/* scenario_cmds.c - see scenario_cmds.h */
#include "cli/scenario_cmds.h"

#include "base/config.h"
#include "base/paths.h"
#include "base/report.h"
#include "base/util.h"
#include "commands/explore.h"
#include "commands/explore_jobs.h"
#include "commands/run.h"
#include "commands/supervisor.h"
#include "runtime/rt.h"
#include "target_plugins.h"
#include "sched/exec.h"
#include "sched/sched_ctl.h"
#include "targets.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct scenario_args {
	const char *scenario, *target, *dir, *report;
	uint64_t seed;
	int seed_given, no_supervisor;
	struct rt_opt_list sets;
	/* explore */
	const char *strategy, *repro, *repro_dir;
	int depth, save_clean, until_deadlock, jobs;
	uint64_t runs, confirm_runs;
};

#define AT(field) RT_OPT_TO(struct scenario_args, field)

static const struct rt_opt common_opts[] = {
	{ .name = "scenario", .kind = RT_OPT_STR, .metavar = "NAME|FILE", .required = 1,
	  AT(scenario), .help = "the scenario: NAME.scn in the scenario directory, or a file" },
	{ .name = "target", .kind = RT_OPT_STR, .metavar = "T", AT(target),
	  .help = "the target under test instead of the scenario's (see `redirtorture list`)" },
	{ .name = "seed", .kind = RT_OPT_U64, .metavar = "N", .max = UINT64_MAX, AT(seed),
	  RT_OPT_GIVEN(struct scenario_args, seed_given),
	  .help = "seed for noise and choices instead of the scenario's; 0 picks one from the clock" },
	{ .name = "set", .kind = RT_OPT_LIST, .metavar = "KEY=VALUE", AT(sets),
	  .help = "set a knob, after the scenario and the options above; see `redirtorture knobs`" },
	{ .name = "scenario-dir", .kind = RT_OPT_STR, .metavar = "DIR", AT(dir),
	  .help = "where scenario names are looked up (default: ./scenarios if it has a CFLIST, "
		  "else the source tree's)" },
	{ .name = "no-supervisor", .kind = RT_OPT_FLAG, AT(no_supervisor),
	  .help = "run in this process: no child process, no deadline if the target wedges" },
	{ .name = "report", .kind = RT_OPT_STR, .metavar = "FILE|none", AT(report),
	  .def = "redirtorture-report.json", .help = "where the JSON report goes; none: no report" },
	{ 0 }
};

static const char *const strategies[] = { "random", "pct", "pos", NULL };

static const struct rt_opt explore_opts[] = {
	{ .name = "strategy", .kind = RT_OPT_CHOICE, .metavar = "S", .choices = strategies,
	  .def = "pct", AT(strategy), .help = "how the scheduler picks the next thread" },
	{ .name = "depth", .kind = RT_OPT_INT, .metavar = "D", .min = 1, .max = 8, .def = "2",
	  AT(depth), .help = "PCT depth: priority change points per execution" },
	{ .name = "runs", .kind = RT_OPT_U64, .metavar = "N", .min = 1, .max = 1000000000,
	  .def = "100000", AT(runs), .help = "controlled executions at most" },
	{ .name = "confirm-runs", .kind = RT_OPT_U64, .metavar = "N", .max = 1000000,
	  .def = "2000", AT(confirm_runs),
	  .help = "steered executions that try to confirm a potential deadlock; 0: none" },
	{ .name = "repro", .kind = RT_OPT_STR, .metavar = "FILE", AT(repro),
	  .help = "write the repro file here instead of into --repro-dir" },
	{ .name = "repro-dir", .kind = RT_OPT_STR, .metavar = "DIR", .def = "repros",
	  AT(repro_dir), .help = "directory for repro files" },
	{ .name = "save-clean", .kind = RT_OPT_FLAG, AT(save_clean),
	  .help = "write a repro of the last execution even if it was clean (a regression test)" },
	{ .name = "until-deadlock", .kind = RT_OPT_FLAG, AT(until_deadlock),
	  .help = "go on past potential-deadlock and integrity findings until a real deadlock" },
	{ .name = "jobs", .short_name = 'j', .kind = RT_OPT_INT, .metavar = "N", .min = 0, .max = 256,
	  .def = "0", AT(jobs),
	  .help = "worker processes exploring disjoint executions; 0: one per CPU" },
	{ 0 }
};

const char *rt_cli_scenario_dir(const char *given)
{
	if (given)
		return given;
	if (access("scenarios/CFLIST", R_OK) == 0)
		return "scenarios";
	return rt_path_scenarios();   /* installed, or the source tree's (base/paths.h) */
}

static int set_knobs(struct rt_config *c, const struct rt_opt_list *sets)
{
	char err[RT_CONFIG_ERRLEN];
	for (int i = 0; i < sets->n; i++) {
		const char *eq = strchr(sets->v[i], '=');
		if (!eq)
			return rt_cli_error("--set '%s' is not KEY=VALUE", sets->v[i]);
		char *key = rt_xstrdup(sets->v[i]);
		key[eq - sets->v[i]] = 0;
		int bad = rt_config_set(c, key, eq + 1, "--set", 0, err);
		free(key);
		if (bad)
			return rt_cli_error("%s", err);
	}
	return 0;
}

/* The scenario, then --target, --seed, the controlled-mode defaults and
 * --set, in this order; 0 or the exit code (the error line is printed). */
static int build_config(const struct scenario_args *a, int explore, struct rt_config *c)
{
	char err[RT_CONFIG_ERRLEN];
	rt_config_defaults(c);
	if (rt_config_load(c, a->scenario, rt_cli_scenario_dir(a->dir), err)) {
		rt_input_error(err);
		return RT_EXIT_BADINPUT;
	}
	if (a->target && rt_config_set(c, "target", a->target, "--target", 0, err))
		return rt_cli_error("%s", err);
	if (a->seed_given)
		c->seed = a->seed;
	if (explore)
		rt_ctl_config_defaults(c);   /* --set max_ops=N overrides it */
	int code = set_knobs(c, &a->sets);
	if (code)
		return code;
	/* what the scenario file, --target and --set make together: the line
	 * names the file, and it is bad input (65) whichever option is given */
	if (rt_config_validate(c, err)) {
		rt_input_error(err);
		return RT_EXIT_BADINPUT;
	}
	if (explore && (rt_target_find(c->target)->flags & RT_TARGET_FREE_ONLY))
		return rt_cli_error("target %s runs only free (its own threads or real blocking "
				    "syscalls are outside the controlled scheduler); use `redirtorture "
				    "run`", c->target);
	return 0;
}

static uint64_t clock_seed(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t s = rt_mix64((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
			      (uint64_t)getpid()) >> 1;
	return s ? s : 1;
}

/* A growable NULL-terminated argument list of owned strings. */
struct argv_b { char **v; int n; };

static void arg_add(struct argv_b *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg_add(struct argv_b *a, const char *fmt, ...)
{
	struct rt_buf b = { 0 };
	va_list ap;
	va_start(ap, fmt);
	rt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	a->v = rt_xrealloc(a->v, (size_t)(a->n + 2) * sizeof *a->v);
	a->v[a->n++] = b.p ? b.p : rt_xstrdup("");
	a->v[a->n] = NULL;
}

/* The exact command that reruns this configuration with the same seed, as
 * an argument list (the report's replay_argv; shell-quoted its replay line). */
static void replay_command(struct argv_b *v, const char *prog, const struct scenario_args *a,
			   const struct rt_config *c, const struct rt_explore_opts *o)
{
	arg_add(v, "%s", prog);
	arg_add(v, "%s", o ? "explore" : "run");
	arg_add(v, "--scenario");
	arg_add(v, "%s", c->scenario_path);
	if (rt_target_plugin_file(c->target)) {   /* reruns as printed (target_plugins.h) */
		arg_add(v, "--target-plugin");
		arg_add(v, "%s", rt_target_plugin_file(c->target));
	}
	arg_add(v, "--target");
	arg_add(v, "%s", c->target);
	arg_add(v, "--seed");
	arg_add(v, "%" PRIu64, c->seed);
	if (o) {
		arg_add(v, "--strategy");
		arg_add(v, "%s", a->strategy);
		arg_add(v, "--depth");
		arg_add(v, "%d", o->depth);
		arg_add(v, "--runs");
		arg_add(v, "%" PRIu64, o->runs);
	}
	for (int i = 0; i < a->sets.n; i++) {
		arg_add(v, "--set");
		arg_add(v, "%s", a->sets.v[i]);
	}
}

static int explore_body(const struct rt_config *c, int hb, void *arg)
{
	return rt_explore_run(c, arg, hb);   /* each worker starts its own watchdog */
}

static struct rt_explore_opts explore_opts_of(const struct scenario_args *a, uint64_t seed)
{
	return (struct rt_explore_opts){
		.strategy = rt_strategy_parse(a->strategy),   /* one of strategies[] */
		.depth = a->depth,
		.runs = a->runs,
		.confirm_runs = a->confirm_runs,
		.repro_dir = a->repro_dir,
		.repro_path = a->repro,
		.until_deadlock = a->until_deadlock,
		.save_clean = a->save_clean,
		.jobs = a->jobs ? a->jobs : rt_explore_default_jobs(),
		.seed = seed,
	};
}

static int scenario_main(const char *prog, const struct scenario_args *a, int explore)
{
	struct rt_config c;
	struct rt_explore_opts o = { 0 };
	struct rt_buf head = { 0 };
	struct argv_b replay = { 0 };
	const char *json = !strcmp(a->report, "none") ? NULL : a->report;
	int code = build_config(a, explore, &c);
	if (code)
		goto out;
	if (!c.seed)
		c.seed = clock_seed();
	if (explore)
		o = explore_opts_of(a, c.seed);
	replay_command(&replay, prog, a, &c, explore ? &o : NULL);
	rt_report_init(&c, NULL, json);
	rt_report_set_command(explore ? "explore" : "run");
	rt_report_set_replay_argv((const char *const *)replay.v);

	rt_buf_printf(&head, "redirtorture: %s%s\n--- effective configuration (start) ---\n",
		      explore ? "explore, " : "", rt_report_context());
	rt_config_dump(&c, &head, "  ");
	rt_buf_printf(&head, "replay: %s\n", rt_report_replay());
	rt_write_all(rt_out_fd(), head.p, head.len);

	if (explore)
		code = a->no_supervisor ? explore_body(&c, -1, &o)
					: rt_supervise_fn(&c, json, explore_body, &o, 0);
	else
		code = a->no_supervisor ? rt_run_scenario(&c, -1, 0) : rt_supervise(&c, json);
	rt_epilogue(&c, code, json);
out:
	rt_report_argv_free(replay.v);
	rt_buf_free(&head);
	return code;
}

static int run_main(const char *prog, const void *args)
{
	return scenario_main(prog, args, 0);
}

static int explore_main(const char *prog, const void *args)
{
	return scenario_main(prog, args, 1);
}

const struct rt_cmd_spec rt_cmd_run = {
	.name = "run",
	.purpose = "run a scenario (free-running stress)",
	.args_size = sizeof(struct scenario_args),
	.opts = { common_opts },
	.main = run_main,
};

const struct rt_cmd_spec rt_cmd_explore = {
	.name = "explore",
	.purpose = "controlled executions until the first finding; writes a repro file",
	.args_size = sizeof(struct scenario_args),
	.opts = { common_opts, explore_opts },
	.notes = "The harness owns the interleaving: one thread runs at a time, each scheduling\n"
		 "point is chosen by the seeded strategy, and time is virtual.  The repro file\n"
		 "replays with `redirtorture replay FILE`.\n",
	.main = explore_main,
};
