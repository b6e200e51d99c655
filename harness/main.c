/* main.c - the redirtorture command line. */
#include "config.h"
#include "report.h"
#include "rt.h"
#include "run.h"
#include "util.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef REDIRTORTURE_SOURCE_DIR
#define REDIRTORTURE_SOURCE_DIR "."
#endif

static const char usage[] =
	"usage: redirtorture COMMAND [options]\n"
	"commands:\n"
	"  run --scenario NAME|FILE [--target T] [--seed N] [--set KEY=VALUE]...\n"
	"      [--report FILE|none] [--no-supervisor] [--scenario-dir DIR]\n"
	"                 run a scenario (free-running stress)\n"
	"  list           targets and scenarios, one line each\n"
	"  knobs          every scenario knob: type, range, default, help\n"
	"  help           this text\n"
	"exit codes: 0 success, 1 finding, 2 deadlock, 3 hang, 4 crash/wedged child,\n"
	"  64 bad command line, 65 bad scenario file, 66 sanitizer error,\n"
	"  69 target cannot start, 70 internal error\n";

static const char *scenario_dir(const char *given)
{
	if (given)
		return given;
	if (access("scenarios/CFLIST", R_OK) == 0)
		return "scenarios";
	return REDIRTORTURE_SOURCE_DIR "/scenarios";
}

static int usage_error(const char *fmt, const char *arg)
{
	rt_fdprintf(2, "redirtorture: ");
	rt_fdprintf(2, fmt, arg);
	rt_fdprintf(2, " (see `redirtorture help`)\n");
	return RT_EXIT_USAGE;
}

static int cmd_list(const char *dir)
{
	struct rt_buf b = { 0 };
	rt_buf_printf(&b, "targets:\n");
	for (int i = 0; rt_targets[i]; i++) {
		const struct rt_target_ops *t = rt_targets[i];
		rt_buf_printf(&b, "  %-28s %-6s %s\n", t->name,
			      t->flags & RT_TARGET_TEST ? "test" : t->flags & RT_TARGET_BUGGY ? "buggy" : "",
			      t->summary);
	}
	rt_buf_printf(&b, "scenarios (%s):\n", dir);
	DIR *d = opendir(dir);
	struct dirent **names = NULL;
	int n = d ? scandir(dir, &names, NULL, alphasort) : 0;
	if (d)
		closedir(d);
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		size_t l = strlen(nm);
		if (l > 4 && !strcmp(nm + l - 4, ".scn")) {
			struct rt_config c;
			char err[RT_CONFIG_ERRLEN], path[2048];
			snprintf(path, sizeof path, "%s/%s", dir, nm);
			rt_config_defaults(&c);
			if (rt_config_load(&c, path, dir, err))
				rt_buf_printf(&b, "  %-28s (invalid: %s)\n", c.scenario, err);
			else
				rt_buf_printf(&b, "  %-28s target %-18s %s\n", c.scenario, c.target,
					      c.description);
		}
		free(names[i]);
	}
	free(names);
	rt_write_all(1, b.p, b.len);
	rt_buf_free(&b);
	return 0;
}

static void shell_quote(struct rt_buf *b, const char *s)
{
	if (s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+")]) {
		rt_buf_add(b, "'", 1);
		for (; *s; s++)
			if (*s == '\'')
				rt_buf_add(b, "'\\''", 4);
			else
				rt_buf_add(b, s, 1);
		rt_buf_add(b, "'", 1);
	} else {
		rt_buf_add(b, s, strlen(s));
	}
}

static int cmd_run(int argc, char **argv)
{
	const char *scen = NULL, *target = NULL, *seed = NULL, *report = NULL, *dir = NULL;
	int supervised = 1;
	struct rt_config c;
	char err[RT_CONFIG_ERRLEN];
	const char **sets = calloc((size_t)argc + 1, sizeof *sets);
	int nsets = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = !strcmp(a, "--scenario")       ? &scen
				   : !strcmp(a, "--target")       ? &target
				   : !strcmp(a, "--seed")         ? &seed
				   : !strcmp(a, "--report")       ? &report
				   : !strcmp(a, "--scenario-dir") ? &dir
				   : !strcmp(a, "--set")          ? &sets[nsets]
								  : NULL;
		if (!strcmp(a, "--no-supervisor")) {
			supervised = 0;
			continue;
		}
		if (!dst) {
			free(sets);
			return usage_error("unknown option '%s' for run (expected --scenario, --target, "
					   "--seed, --set, --report, --no-supervisor, --scenario-dir)",
					   a);
		}
		if (i + 1 >= argc) {
			free(sets);
			return usage_error("option '%s' needs a value", a);
		}
		*dst = argv[++i];
		if (dst == &sets[nsets])
			nsets++;
	}
	if (!scen) {
		free(sets);
		return usage_error("%s", "run needs --scenario NAME|FILE");
	}
	rt_config_defaults(&c);
	if (rt_config_load(&c, scen, scenario_dir(dir), err)) {
		rt_fdprintf(2, "redirtorture: %s\n", err);
		free(sets);
		return RT_EXIT_BADINPUT;
	}
	if (target && rt_config_set(&c, "target", target, "--target", 0, err)) {
		rt_fdprintf(2, "redirtorture: %s\n", err);
		free(sets);
		return RT_EXIT_USAGE;
	}
	if (seed && rt_config_set(&c, "seed", seed, "--seed", 0, err)) {
		rt_fdprintf(2, "redirtorture: %s\n", err);
		free(sets);
		return RT_EXIT_USAGE;
	}
	for (int i = 0; i < nsets; i++) {
		char kv[2048];
		snprintf(kv, sizeof kv, "%s", sets[i]);
		char *eq = strchr(kv, '=');
		if (!eq) {
			free(sets);
			return usage_error("--set '%s' is not KEY=VALUE", sets[i]);
		}
		*eq = 0;
		if (rt_config_set(&c, kv, eq + 1, "--set", 0, err)) {
			rt_fdprintf(2, "redirtorture: %s\n", err);
			free(sets);
			return RT_EXIT_USAGE;
		}
	}
	if (rt_config_validate(&c, err)) {
		rt_fdprintf(2, "redirtorture: %s\n", err);
		free(sets);
		return target ? RT_EXIT_USAGE : RT_EXIT_BADINPUT;
	}
	if (!c.seed) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		c.seed = rt_mix64((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
				  (uint64_t)getpid()) >> 1;
		if (!c.seed)
			c.seed = 1;
	}
	/* The exact command that reruns this configuration with the same seed. */
	struct rt_buf replay = { 0 };
	shell_quote(&replay, argv[-2]);
	rt_buf_printf(&replay, " run --scenario ");
	shell_quote(&replay, c.scenario_path);
	rt_buf_printf(&replay, " --target %s --seed %" PRIu64, c.target, c.seed);
	for (int i = 0; i < nsets; i++) {
		rt_buf_printf(&replay, " --set ");
		shell_quote(&replay, sets[i]);
	}
	free(sets);
	const char *json = report && !strcmp(report, "none") ? NULL
			   : report                         ? report
							    : "redirtorture-report.json";
	rt_report_init(&c, replay.p, json);

	struct rt_buf head = { 0 };
	rt_buf_printf(&head, "redirtorture: %s\n--- effective configuration (start) ---\n",
		      rt_report_context());
	rt_config_dump(&c, &head, "  ");
	rt_buf_printf(&head, "replay: %s\n", replay.p);
	rt_write_all(rt_out_fd(), head.p, head.len);
	rt_buf_free(&head);

	int code = supervised ? rt_supervise(&c, json) : rt_run_scenario(&c, -1, 0);
	rt_epilogue(&c, code, json);
	rt_buf_free(&replay);
	return code;
}

int main(int argc, char **argv)
{
	rt_out_init();
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		rt_write_all(argc < 2 ? 2 : 1, usage, strlen(usage));
		return argc < 2 ? RT_EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "list")) {
		const char *dir = argc > 3 && !strcmp(argv[2], "--scenario-dir") ? argv[3] : NULL;
		return cmd_list(scenario_dir(dir));
	}
	if (!strcmp(argv[1], "knobs")) {
		struct rt_buf b = { 0 };
		rt_config_help(&b);
		rt_write_all(1, b.p, b.len);
		rt_buf_free(&b);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	return usage_error("unknown command '%s' (expected run, list, knobs or help)", argv[1]);
}
