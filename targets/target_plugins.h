/* SPDX-License-Identifier: Apache-2.0 */
/* target_plugins.h - targets loaded from shared objects built outside this
 * tree (runtime/target_plugin.h is what such a plugin compiles against). */
#ifndef RT_TARGET_PLUGINS_H
#define RT_TARGET_PLUGINS_H

#include "rt.h"
#include "base/util.h"

#include <stddef.h>

/* dlopen the plugin at path, check its API version and struct sizes, and
 * add its targets.  0, or -1 with one line (the reason) in err. */
int rt_target_plugin_load(const char *path, char *err, size_t n);
/* A loaded plugin's target by name, or NULL. */
const struct rt_target_ops *rt_target_plugin_find(const char *name);
/* The i-th loaded plugin target, or NULL past the last. */
const struct rt_target_ops *rt_target_plugin_at(int i);
/* For a target loaded from a plugin, " --target-plugin FILE" (the plugin's
 * absolute path, shell-quoted) appended to a replay command; else nothing. */
void rt_target_plugin_arg(struct rt_buf *b, const char *target);
/* "redirtorture replay [--target-plugin FILE] PATH" into out (n bytes): the
 * command that replays the repro at path of target. */
void rt_replay_repro_cmd(char *out, size_t n, const char *target, const char *path);
/* The plugin file (absolute) target was loaded from, or NULL. */
const char *rt_target_plugin_file(const char *target);
/* The same command as an argument list (NULL-terminated; the strings are
 * target's plugin path and path, borrowed): the report's replay_argv. */
void rt_replay_repro_argv(const char *argv[6], const char *target, const char *path);
/* Take every `--target-plugin FILE` / `--target-plugin=FILE` out of argv
 * (any command) and load each.  0, or the exit code after one line on
 * stderr: RT_EXIT_USAGE (no FILE) or RT_EXIT_NOSTART (cannot load). */
int rt_target_plugins_from_args(int *argc, char **argv);

#endif
