/* SPDX-License-Identifier: Apache-2.0 */
/* main.c - the redirtorture command line: which command runs, `help` and
 * `version`.  The commands and their option tables are in cli/. */
#include "cli/info_cmds.h"
#include "cli/optable.h"
#include "cli/py_cmds.h"
#include "cli/repro_cmds.h"
#include "cli/scenario_cmds.h"
#include "base/config.h"
#include "base/report.h"
#include "base/util.h"
#include "targets.h"
#include "target_plugins.h"

#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef REDIRTORTURE_VERSION
#define REDIRTORTURE_VERSION "unknown"
#endif
#ifndef REDIRTORTURE_GIT_DESCRIBE   /* `git describe --always --dirty` at configure time */
#define REDIRTORTURE_GIT_DESCRIBE ""
#endif

static const struct rt_cmd_spec *const *commands(void);

static const char exit_codes[] =
	"exit codes: 0 success, 1 finding, 2 deadlock, 3 hang, 4 crash/wedged child,\n"
	"  5 replay diverged from its schedule, 6 the program under `py` failed,\n"
	"  64 bad command line, 65 bad scenario file, 66 sanitizer error,\n"
	"  69 target cannot start, 70 internal error, 73 report or repro not written,\n"
	"  130 interrupted (SIGINT, SIGTERM, SIGHUP), 141 stdout closed by its reader\n";

static void top_usage(struct rt_buf *b)
{
	rt_buf_printf(b, "usage: redirtorture COMMAND [options]\n"
			 "       redirtorture COMMAND --help     the options of COMMAND\n"
			 "       redirtorture --version\n"
			 "options of every command:\n"
			 "  --target-plugin FILE  load the targets of a plugin built out of tree\n"
			 "                        (docs/target-plugins.md); repeatable, anywhere\n"
			 "commands:\n");
	for (const struct rt_cmd_spec *const *c = commands(); *c; c++)
		rt_buf_printf(b, "  %-10s %s\n", (*c)->name, (*c)->purpose);
	rt_buf_printf(b, "%s", exit_codes);
}

static const struct rt_cmd_spec *find_command(const char *name)
{
	for (const struct rt_cmd_spec *const *c = commands(); *c; c++)
		if (!strcmp((*c)->name, name))
			return *c;
	return NULL;
}

static int unknown_command(const char *name)
{
	struct rt_buf names = { 0 };
	for (const struct rt_cmd_spec *const *c = commands(); *c; c++)
		rt_buf_printf(&names, "%s%s", c == commands() ? "" : c[1] ? ", " : " or ",
			      (*c)->name);
	rt_cli_error("unknown command '%s' (expected %s)", name, names.p);
	rt_buf_free(&names);
	return RT_EXIT_USAGE;
}

/* ---- help, version -------------------------------------------------------- */

struct help_args {
	const char *command;
};

static int help_main(const char *prog, const void *args)
{
	const char *name = ((const struct help_args *)args)->command;
	const struct rt_cmd_spec *cmd = name ? find_command(name) : NULL;
	struct rt_buf b = { 0 };
	(void)prog;
	if (name && !cmd)
		return unknown_command(name);
	if (cmd)
		rt_opt_usage(cmd, &b);
	else
		top_usage(&b);
	rt_write_all(1, b.p, b.len);
	rt_buf_free(&b);
	return 0;
}

static const struct rt_cmd_spec cmd_help = {
	.name = "help",
	.purpose = "the commands, or the options of one (`help COMMAND`)",
	.operand = "COMMAND",
	.max_operands = 1,
	.operand_off = offsetof(struct help_args, command),
	.args_size = sizeof(struct help_args),
	.main = help_main,
};

static int version_main(const char *prog, const void *args)
{
	const char *git = REDIRTORTURE_GIT_DESCRIBE;
	(void)prog;
	(void)args;
	if (git[0])
		rt_fdprintf(1, "redirtorture %s (git %s)\n", REDIRTORTURE_VERSION, git);
	else
		rt_fdprintf(1, "redirtorture %s\n", REDIRTORTURE_VERSION);
	return 0;
}

static const struct rt_cmd_spec cmd_version = {
	.name = "version",
	.purpose = "the version, and the git commit it was built from (also --version)",
	.main = version_main,
};

static const struct rt_cmd_spec *const *commands(void)
{
	static const struct rt_cmd_spec *const list[] = {
		&rt_cmd_run, &rt_cmd_explore, &rt_cmd_replay, &rt_cmd_minimize, &rt_cmd_py,
		&rt_cmd_list, &rt_cmd_knobs, &cmd_help, &cmd_version, NULL,
	};
	return list;
}

/* ---- dispatch ------------------------------------------------------------- */

/* argv[0] is the command's name; prog is how this program was invoked (it
 * starts the replay command a run prints). */
static int run_command(const struct rt_cmd_spec *cmd, const char *prog, int argc, char **argv)
{
	void *args = rt_xcalloc(1, cmd->args_size ? cmd->args_size : 1);
	int code = RT_EXIT_USAGE;
	switch (rt_opt_parse(cmd, argc, argv, args)) {
	case RT_OPT_PARSED:
		code = cmd->main(prog, args);
		break;
	case RT_OPT_HELP_SHOWN:
		code = 0;
		break;
	case RT_OPT_BAD:
		break;
	}
	rt_opt_free(cmd, args);
	free(args);
	return code;
}

static int dispatch(int argc, char **argv)
{
	rt_out_init();
	if (argc < 2) {
		struct rt_buf b = { 0 };
		top_usage(&b);
		rt_write_all(2, b.p, b.len);
		rt_buf_free(&b);
		return RT_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	else if (!strcmp(name, "--version") || !strcmp(name, "-V"))
		name = "version";
	const struct rt_cmd_spec *cmd = find_command(name);
	if (!cmd)
		return unknown_command(argv[1]);
	rt_report_set_program(argv[0]);
	return run_command(cmd, argv[0], argc - 1, argv + 1);
}

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RT_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define RT_TSAN 1
#endif

int main(int argc, char **argv)
{
	/* A reader that closes early (`| head -1`) is an EPIPE, not a death:
	 * the supervisor sees it and stops the run, its reports written. */
	signal(SIGPIPE, SIG_IGN);
	/* Executions follow each other in one process (explore, minimize):
	 * memory one frees, the next takes again.  glibc would hand large
	 * blocks back to the kernel (munmap, heap trimming) and the next
	 * execution fault every page in again (the schedule's check log at
	 * 64 print workers: 27 page faults per execution).  Keep them (a test
	 * tool's peak is its working set anyway). */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	rt_config_use_catalog(&rt_target_catalog);
	int code = rt_target_plugins_from_args(&argc, argv);   /* --target-plugin FILE */
	if (!code)
		code = dispatch(argc, argv);
#ifdef RT_TSAN
	/* TSan replaces the exit status with 66 when it reported anything, and
	 * a target's real lock-order inversion (the bug under test) is such a
	 * report.  The harness's verdict stays the exit status; TSan's reports
	 * stay on stderr, where the tests check that the harness has none.
	 * (TSan intercepts exit and _exit, so leave through the raw syscall.) */
	syscall(SYS_exit_group, code);
#endif
	return code;
}
