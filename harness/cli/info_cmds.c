/* SPDX-License-Identifier: Apache-2.0 */
/* info_cmds.c - see info_cmds.h */
#include "cli/info_cmds.h"

#include "cli/scenario_cmds.h"
#include "base/config.h"
#include "base/util.h"
#include "runtime/rt.h"
#include "targets.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct list_args {
	const char *dir;
};

static const struct rt_opt list_opts[] = {
	{ .name = "scenario-dir", .kind = RT_OPT_STR, .metavar = "DIR",
	  RT_OPT_TO(struct list_args, dir),
	  .help = "the scenarios of this directory (default: ./scenarios if it has a CFLIST, "
		  "else the source tree's)" },
	{ 0 }
};

static void list_targets(struct rt_buf *b)
{
	rt_buf_printf(b, "targets:\n");
	for (int i = 0; rt_target_at(i); i++) {
		const struct rt_target_ops *t = rt_target_at(i);
		const char *kind = t->flags & RT_TARGET_TEST ? "test"
				 : t->flags & RT_TARGET_BUGGY ? "buggy" : "";
		rt_buf_printf(b, "  %-28s %-6s %s\n", t->name, kind, t->summary);
	}
}

static void list_scenario(struct rt_buf *b, const char *dir, const char *name)
{
	struct rt_config c;
	char err[RT_CONFIG_ERRLEN], path[2048];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	rt_config_defaults(&c);
	if (rt_config_load(&c, path, dir, err)) {
		rt_buf_printf(b, "  %-28s (invalid: ", c.scenario);
		rt_buf_add_escaped(b, err, strlen(err));
		rt_buf_lit(b, ")\n");
	} else
		rt_buf_printf(b, "  %-28s target %-18s %s\n", c.scenario, c.target, c.description);
}

static int list_main(const char *prog, const void *args)
{
	const char *dir = rt_cli_scenario_dir(((const struct list_args *)args)->dir);
	struct rt_buf b = { 0 };
	struct dirent **names = NULL;
	(void)prog;
	list_targets(&b);
	rt_buf_printf(&b, "scenarios (%s):\n", dir);
	int n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(names[i]->d_name);
		if (l > 4 && !strcmp(names[i]->d_name + l - 4, ".scn"))
			list_scenario(&b, dir, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	rt_write_all(1, b.p, b.len);
	rt_buf_free(&b);
	return 0;
}

const struct rt_cmd_spec rt_cmd_list = {
	.name = "list",
	.purpose = "targets and scenarios, one line each",
	.args_size = sizeof(struct list_args),
	.opts = { list_opts },
	.main = list_main,
};

static int knobs_main(const char *prog, const void *args)
{
	struct rt_buf b = { 0 };
	(void)prog;
	(void)args;
	rt_config_help(&b);
	rt_write_all(1, b.p, b.len);
	rt_buf_free(&b);
	return 0;
}

const struct rt_cmd_spec rt_cmd_knobs = {
	.name = "knobs",
	.purpose = "every scenario knob: type, range, default, help",
	.notes = "Set a knob in a scenario file (`key = value`) or with `--set KEY=VALUE`.\n",
	.main = knobs_main,
};
