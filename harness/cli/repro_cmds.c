/* SPDX-License-Identifier: Apache-2.0 */
/* repro_cmds.c - see repro_cmds.h */
#include "cli/repro_cmds.h"

#include "commands/explore.h"
#include "commands/minimize.h"

#include <stdint.h>
#include <string.h>

struct replay_args {
	const char *file, *trace, *svg, *dot, *report;
};

/* The same option as run's (cli/scenario_cmds.c). */
#define REPORT_OPT(type)                                                                       \
	{ .name = "report", .kind = RT_OPT_STR, .metavar = "FILE|none", RT_OPT_TO(type, report),  \
	  .def = "redirtorture-report.json", .help = "where the JSON report goes; none: no report" }

static const char *report_path(const char *given)
{
	return strcmp(given, "none") ? given : NULL;
}

static const struct rt_opt replay_opts[] = {
	{ .name = "trace", .kind = RT_OPT_STR, .metavar = "OUT.json",
	  RT_OPT_TO(struct replay_args, trace),
	  .help = "the schedule as a trace (Perfetto, chrome://tracing)" },
	{ .name = "svg", .kind = RT_OPT_STR, .metavar = "OUT.svg",
	  RT_OPT_TO(struct replay_args, svg), .help = "the schedule as a picture" },
	{ .name = "dot", .kind = RT_OPT_STR, .metavar = "OUT.dot",
	  RT_OPT_TO(struct replay_args, dot),
	  .help = "the lock-order graph (Graphviz), the finding's cycle in red" },
	REPORT_OPT(struct replay_args),
	{ 0 }
};

static int replay_main(const char *prog, const void *args)
{
	const struct replay_args *a = args;
	(void)prog;
	return rt_replay(a->file, a->trace, a->svg, a->dot, report_path(a->report), 0);
}

const struct rt_cmd_spec rt_cmd_replay = {
	.name = "replay",
	.purpose = "re-execute a repro file exactly and print the same report",
	.operand = "FILE",
	.min_operands = 1,
	.max_operands = 1,
	.operand_off = offsetof(struct replay_args, file),
	.args_size = sizeof(struct replay_args),
	.opts = { replay_opts },
	.notes = "A replay that leaves its recorded schedule says DIVERGED and exits 5.\n",
	.main = replay_main,
};

struct minimize_args {
	const char *file, *out, *report;
	uint64_t search_runs, budget;
	int keep_clock;
};

static const struct rt_opt minimize_opts[] = {
	{ .name = "out", .short_name = 'o', .kind = RT_OPT_STR, .metavar = "OUT",
	  RT_OPT_TO(struct minimize_args, out),
	  .help = "where the smaller repro goes (default: X.repro becomes X.min.repro)" },
	{ .name = "search-runs", .kind = RT_OPT_U64, .metavar = "N", .min = 0, .max = 1000000,
	  .def = "0", RT_OPT_TO(struct minimize_args, search_runs),
	  .help = "controlled executions per smaller configuration tried (0: 300, 20 for "
		  "embedded-Python targets)" },
	{ .name = "budget", .kind = RT_OPT_U64, .metavar = "N", .min = 0, .max = 100000000,
	  .def = "0", RT_OPT_TO(struct minimize_args, budget),
	  .help = "controlled executions in all; the best found so far is written when it is "
		  "spent (0: 10000, 1000 for embedded-Python targets)" },
	{ .name = "keep-clock", .kind = RT_OPT_FLAG, RT_OPT_TO(struct minimize_args, keep_clock),
	  .help = "keep the recorded virtual time per step (by default fewer threads are also "
		  "tried on a clock 10 and 100 times faster; fuzz_schedule inputs have no clock)" },
	REPORT_OPT(struct minimize_args),
	{ 0 }
};

static int minimize_main(const char *prog, const void *args)
{
	const struct minimize_args *a = args;
	(void)prog;
	return rt_minimize(a->file, a->out, a->search_runs, a->budget, a->keep_clock,
			   report_path(a->report));
}

const struct rt_cmd_spec rt_cmd_minimize = {
	.name = "minimize",
	.purpose = "shrink a failing repro (threads, operations, preemptions)",
	.operand = "FILE",
	.min_operands = 1,
	.max_operands = 1,
	.operand_off = offsetof(struct minimize_args, file),
	.args_size = sizeof(struct minimize_args),
	.opts = { minimize_opts },
	.main = minimize_main,
};
