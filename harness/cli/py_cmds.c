/* SPDX-License-Identifier: Apache-2.0 */
/* py_cmds.c - see py_cmds.h */
#include "cli/py_cmds.h"

#include "base/report.h"
#include "commands/pyprog.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct py_args {
	uint64_t runs, seed;
	int seed_given, keep_going, no_supervisor;
	const char *venv, *report;
	struct rt_opt_list sets;
	struct rt_opt_rest program;
};

#define AT(field) RT_OPT_TO(struct py_args, field)

static const struct rt_opt py_opts[] = {
	{ .name = "runs", .kind = RT_OPT_U64, .metavar = "N", .min = 1, .max = 1000000, .def = "1",
	  AT(runs), .help = "supervised runs, each with a fresh seed; a table of their verdicts at "
			    "the end" },
	{ .name = "keep-going", .kind = RT_OPT_FLAG, AT(keep_going),
	  .help = "with --runs: go on after a run with a finding (default: stop there)" },
	{ .name = "seed", .kind = RT_OPT_U64, .metavar = "N", .max = UINT64_MAX, AT(seed),
	  RT_OPT_GIVEN(struct py_args, seed_given),
	  .help = "seed of the first run (noise, collection points); 0 picks one from the clock" },
	{ .name = "set", .kind = RT_OPT_LIST, .metavar = "KEY=VALUE", AT(sets),
	  .help = "set a knob, e.g. print_workers=4 (driver threads writing alongside the "
		  "program); see `redirtorture knobs`" },
	{ .name = "venv", .kind = RT_OPT_STR, .metavar = "DIR", AT(venv),
	  .help = "a virtual environment made with /usr/bin/python3 -m venv (default: "
		  "$VIRTUAL_ENV if set)" },
	{ .name = "report", .kind = RT_OPT_STR, .metavar = "FILE|none", AT(report),
	  .def = "redirtorture-report.json",
	  .help = "where the JSON report goes (that of the first run with a finding); none: no "
		  "report" },
	{ .name = "no-supervisor", .kind = RT_OPT_FLAG, AT(no_supervisor),
	  .help = "run in this process (one run only): no child process, no deadline" },
	{ 0 }
};

/* The words after the options: SCRIPT ARGS, -m MODULE ARGS or -c CODE ARGS. */
static int program_of(const struct rt_opt_rest *r, struct rt_py_program *p)
{
	if (r->argc < 1)
		return rt_cli_error("py needs a program: py [options] -- SCRIPT [ARGS...], -- -m MODULE "
				    "[ARGS...] or -- -c CODE [ARGS...]");
	const char *w = r->argv[0];
	int opt = !strcmp(w, "-m") || !strcmp(w, "-c");
	if (opt && r->argc < 2)
		return rt_cli_error("py: %s needs a value (-m MODULE, -c CODE)", w);
	if (!opt && w[0] == '-' && w[1])
		return rt_cli_error("py: python3 option '%s' is not supported (only -m MODULE and -c "
				    "CODE)", w);
	*p = (struct rt_py_program){
		.kind = !opt ? RT_PY_SCRIPT : w[1] == 'm' ? RT_PY_MODULE : RT_PY_CODE,
		.what = r->argv[opt],
		.argc = r->argc - 1 - opt,
		.argv = r->argv + 1 + opt,
	};
	return 0;
}

static int py_main(const char *prog, const void *args)
{
	const struct py_args *a = args;
	struct rt_py_opts o = {
		.runs = a->runs,
		.keep_going = a->keep_going,
		.supervised = !a->no_supervisor,
		.seed = a->seed_given ? a->seed : 0,
		.venv = a->venv ? a->venv : getenv("VIRTUAL_ENV") && *getenv("VIRTUAL_ENV")
						       ? getenv("VIRTUAL_ENV") : NULL,
		.report = strcmp(a->report, "none") ? a->report : NULL,
		.sets = a->sets.v,
		.nsets = a->sets.n,
	};
	if (program_of(&a->program, &o.prog))
		return RT_EXIT_USAGE;
	if (o.runs > 1 && !o.supervised)
		return rt_cli_error("py: --runs above 1 needs the supervisor (each run is a fresh "
				    "process)");
	o.prog.venv = o.venv;
	return rt_py_command(&o, prog);
}

const struct rt_cmd_spec rt_cmd_py = {
	.name = "py",
	.purpose = "a Python program or test suite, unchanged, under the harness",
	.operand = "SCRIPT|-m MODULE|-c CODE [ARGS...]",
	.args_size = sizeof(struct py_args),
	.opts = { py_opts, NULL },
	.rest_off = offsetof(struct py_args, program) + 1,
	.notes = "The program runs in the embedded Python 3.11 (Debian's) as python3 would run it,\n"
		 "with harness locks, the lock-order graph, collection points and the watchdog;\n"
		 "its exit status is part of the verdict (non-zero: FAILED, exit 6).  Knobs that\n"
		 "matter: print_workers, log_workers (driver threads), stall_timeout_ms (default\n"
		 "5000), duration_ms (the program's time limit, default 3600000).  See\n"
		 "docs/py-programs.md.\n",
	.main = py_main,
};
