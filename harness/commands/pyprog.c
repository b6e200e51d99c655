/* SPDX-License-Identifier: Apache-2.0 */
/* pyprog.c - `redirtorture py [options] -- SCRIPT|-m MODULE|-c CODE ARGS...`:
 * a user's Python program or test suite, unchanged, under the harness (the
 * target "py", targets/py_plugin.c), supervised like `run`, N times with
 * fresh seeds if asked, and a table of the runs' verdicts at the end. */
#include "commands/pyprog.h"

#include "commands/run.h"
#include "commands/supervisor.h"
#include "base/config.h"
#include "base/report.h"
#include "base/util.h"
#include "py_plugin.h"

#include <stdarg.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct py_run {
	uint64_t seed;
	int code;
	double seconds;
};

/* One line on stderr, as the command line's errors; RT_EXIT_USAGE. */
static int py_usage_error(const char *fmt, ...)
{
	char msg[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rt_fdprintf(2, "redirtorture: %s\n", msg);
	return RT_EXIT_USAGE;
}

/* Knob defaults of a program run, then --seed and --set over them. */
static int configure(struct rt_config *c, const struct rt_py_opts *o)
{
	static const char *const defaults[][2] = {
		{ "target", "py" },          { "print_workers", "0" }, { "log_workers", "0" },
		{ "refresh_hz", "0" },       { "duration_ms", "3600000" },
		{ "stall_timeout_ms", "5000" }, { "progress_ms", "0" },
	};
	char err[RT_CONFIG_ERRLEN];
	rt_config_defaults(c);
	snprintf(c->scenario, sizeof c->scenario, "py");
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
		if (rt_config_set(c, defaults[i][0], defaults[i][1], "py", 0, err))
			goto bad;
	c->seed = o->seed;
	for (int i = 0; i < o->nsets; i++) {
		char kv[2048];
		snprintf(kv, sizeof kv, "%s", o->sets[i]);
		char *eq = strchr(kv, '=');
		if (!eq)
			return py_usage_error("--set needs KEY=VALUE, not '%s'", o->sets[i]);
		*eq = 0;
		if (rt_config_set(c, kv, eq + 1, "--set", 0, err))
			goto bad;
	}
	if (strcmp(c->target, "py"))
		return py_usage_error("py: the target is the program; --set target=%s is not "
					 "allowed", c->target);
	/* the program is its own driver: zero driver threads are fine here */
	int pw = c->print_workers;
	if (!pw && !c->log_workers)
		c->print_workers = 1;
	int bad = rt_config_validate(c, err);
	c->print_workers = pw;
	if (!bad)
		return 0;
bad:
	return py_usage_error("%s", err);
}

static uint64_t fresh_seed(uint64_t prev, uint64_t run)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t s = rt_mix64(prev ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
			      ((uint64_t)getpid() << 40) ^ run) >> 1;
	return s ? s : 1;
}

/* The command that reruns one run: same options and knobs, its seed; as
 * the report's replay argument list (and, shell-quoted, its replay line). */
static void set_replay(const char *argv0, const struct rt_py_opts *o, uint64_t seed)
{
	int n = 0, cap = 12 + 2 * o->nsets + o->prog.argc;   /* all of the below, and NULL */
	const char **v = rt_xcalloc((size_t)cap, sizeof *v);
	char seedstr[24];
	snprintf(seedstr, sizeof seedstr, "%" PRIu64, seed);
	v[n++] = argv0;
	v[n++] = "py";
	v[n++] = "--seed";
	v[n++] = seedstr;
	for (int i = 0; i < o->nsets; i++) {
		v[n++] = "--set";
		v[n++] = o->sets[i];
	}
	if (o->venv) {
		v[n++] = "--venv";
		v[n++] = o->venv;
	}
	v[n++] = "--";
	if (o->prog.kind != RT_PY_SCRIPT)
		v[n++] = o->prog.kind == RT_PY_MODULE ? "-m" : "-c";
	v[n++] = o->prog.what;
	for (int i = 0; i < o->prog.argc; i++)
		v[n++] = o->prog.argv[i];
	v[n] = NULL;
	rt_report_set_replay_argv(v);
	free(v);
}

static void print_table(const struct py_run *r, uint64_t n, uint64_t want, int stopped)
{
	struct rt_buf b = { 0 };
	rt_buf_printf(&b, "\n--- runs: %" PRIu64 " of %" PRIu64 "%s ---\n  %4s  %-20s  %-9s %4s  %8s\n",
		      n, want, stopped ? ", stopped at the first run that was not SUCCESS" : "",
		      "run", "seed", "verdict", "exit", "seconds");
	for (uint64_t i = 0; i < n; i++)
		rt_buf_printf(&b, "  %4" PRIu64 "  %-20" PRIu64 "  %-9s %4d  %8.2f\n", i + 1, r[i].seed,
			      rt_verdict_name(r[i].code), r[i].code, r[i].seconds);
	rt_write_all(rt_out_fd(), b.p, b.len);
	rt_buf_free(&b);
}

static int run_all(struct rt_config *c, const struct rt_py_opts *o, const char *argv0)
{
	const char *json = o->report;
	struct py_run *runs = rt_xcalloc(o->runs, sizeof *runs);
	struct rt_buf head = { 0 };
	int worst = RT_EXIT_SUCCESS, stopped = 0;
	uint64_t n = 0, seed = c->seed, first_bad = UINT64_MAX;
	for (; n < o->runs && !stopped; n++) {
		c->seed = n == 0 && seed ? seed : fresh_seed(n ? runs[n - 1].seed : 0, n);
		rt_report_reset();
		/* the JSON report is that of the first run with a finding */
		rt_report_init(c, NULL, first_bad == UINT64_MAX ? json : NULL);
		rt_report_set_command("py");
		set_replay(argv0, o, c->seed);
		head.len = 0;
		if (o->runs > 1)
			rt_buf_printf(&head, "\n=== run %" PRIu64 " of %" PRIu64 " ===\n", n + 1, o->runs);
		rt_buf_printf(&head, "redirtorture: py, %s\n", rt_report_context());
		if (n == 0) {
			rt_buf_printf(&head, "--- effective configuration (start) ---\n");
			rt_config_dump(c, &head, "  ");
		}
		rt_buf_printf(&head, "replay: %s\n", rt_report_replay());
		rt_write_all(rt_out_fd(), head.p, head.len);
		rt_py_program_set(&o->prog);
		uint64_t t0 = rt_now_ns();
		int code = o->supervised ? rt_supervise(c, json && first_bad == UINT64_MAX ? json : NULL)
					 : rt_run_scenario(c, -1, 0);
		runs[n] = (struct py_run){ c->seed, code, (double)(rt_now_ns() - t0) / 1e9 };
		if (rt_verdict_severity(code) > rt_verdict_severity(worst))
			worst = code;
		if (code != RT_EXIT_SUCCESS && first_bad == UINT64_MAX)
			first_bad = n;
		/* bad input or a broken harness ends every run the same way */
		stopped = code >= RT_EXIT_USAGE || (code != RT_EXIT_SUCCESS && !o->keep_going);
	}
	if (o->runs > 1)
		print_table(runs, n, o->runs, stopped && n < o->runs);
	uint64_t shown = first_bad != UINT64_MAX ? first_bad : n - 1;
	c->seed = runs[shown].seed;
	set_replay(argv0, o, c->seed);
	rt_epilogue(c, worst, json);
	free(runs);
	rt_buf_free(&head);
	return worst;
}

int rt_py_command(const struct rt_py_opts *o, const char *argv0)
{
	struct rt_config c;
	int code = configure(&c, o);
	if (code)
		return code;
	if (o->prog.kind == RT_PY_SCRIPT && access(o->prog.what, R_OK)) {
		rt_fdprintf(2, "redirtorture: py: can't open file '%s': %s\n", o->prog.what,
			    strerror(errno));
		return RT_EXIT_NOSTART;
	}
	return run_all(&c, o, argv0);
}
