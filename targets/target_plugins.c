/* SPDX-License-Identifier: Apache-2.0 */
/* target_plugins.c - targets from shared objects built out of tree
 * (runtime/target_plugin.h): load, check, look up.
 *
 * Nothing in a plugin is called before its struct rt_target_plugin has
 * passed every check, and the checks only read that struct: a plugin for
 * another API version, or a file that is no plugin at all, is a message and
 * exit 69, never a call through a pointer of the wrong layout.  A plugin
 * that calls an rt_* function this binary does not have fails in dlopen
 * (RTLD_NOW resolves every symbol), with the loader's message. */
#include "target_plugins.h"

#include "base/report.h"
#include "base/util.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PLUGIN_TARGETS 64

const struct rt_target_ops *rt_target_find(const char *name);   /* targets.h */

static const struct rt_target_ops *loaded[MAX_PLUGIN_TARGETS];
static char *loaded_from[MAX_PLUGIN_TARGETS];   /* the plugin file, absolute */
static int nloaded;

void rt_replay_repro_cmd(char *out, size_t n, const char *target, const char *path)
{
	struct rt_buf b = { 0 };
	rt_buf_shell_quote(&b, rt_report_program());
	rt_buf_lit(&b, " replay");
	rt_target_plugin_arg(&b, target);
	rt_buf_lit(&b, " ");
	rt_buf_shell_quote(&b, path);
	snprintf(out, n, "%s", b.p);
	rt_buf_free(&b);
}

const char *rt_target_plugin_file(const char *target)
{
	for (int i = 0; i < nloaded; i++)
		if (!strcmp(loaded[i]->name, target))
			return loaded_from[i];
	return NULL;
}

void rt_replay_repro_argv(const char *argv[6], const char *target, const char *path)
{
	int n = 0;
	const char *file = rt_target_plugin_file(target);
	argv[n++] = rt_report_program();
	argv[n++] = "replay";
	if (file) {
		argv[n++] = "--target-plugin";
		argv[n++] = file;
	}
	argv[n++] = path;
	argv[n] = NULL;
}

void rt_target_plugin_arg(struct rt_buf *b, const char *target)
{
	for (int i = 0; i < nloaded; i++)
		if (!strcmp(loaded[i]->name, target)) {
			rt_buf_lit(b, " --target-plugin ");
			rt_buf_shell_quote(b, loaded_from[i]);
			return;
		}
}

const struct rt_target_ops *rt_target_plugin_find(const char *name)
{
	for (int i = 0; i < nloaded; i++)
		if (!strcmp(loaded[i]->name, name))
			return loaded[i];
	return NULL;
}

const struct rt_target_ops *rt_target_plugin_at(int i)
{
	return i >= 0 && i < nloaded ? loaded[i] : NULL;
}

/* Why the plugin's header cannot be used, or NULL. */
static const char *check_header(const struct rt_target_plugin *p, char *buf, size_t n)
{
	if (p->magic != RT_TARGET_PLUGIN_MAGIC)
		return "its " RT_TARGET_PLUGIN_SYMBOL " is not a struct rt_target_plugin";
	if (p->api_version != RT_TARGET_API_VERSION) {
		snprintf(buf, n, "it was built for target API version %u, this redirtorture has "
			 "version %u: rebuild it against this version's headers (pkg-config "
			 "--cflags redirtorture)", p->api_version, RT_TARGET_API_VERSION);
		return buf;
	}
	if (p->ops_size != sizeof(struct rt_target_ops) ||
	    p->env_size != sizeof(struct rt_target_env)) {
		snprintf(buf, n, "its struct sizes (ops %u, env %u bytes) differ from this "
			 "redirtorture's (%zu, %zu) at the same API version %u: rebuild it against "
			 "this version's headers", p->ops_size, p->env_size,
			 sizeof(struct rt_target_ops), sizeof(struct rt_target_env),
			 RT_TARGET_API_VERSION);
		return buf;
	}
	if (!p->targets || !p->targets[0])
		return "it lists no targets";
	return NULL;
}

/* Why target t of a plugin cannot be added, or NULL. */
static const char *check_target(const struct rt_target_ops *t, char *buf, size_t n)
{
	const char *ok = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	if (!t->name || !*t->name || strlen(t->name) > 63 || t->name[strspn(t->name, ok)])
		return "a target's name is missing or not 1-63 characters of [A-Za-z0-9_.-]";
	if (!t->start || !t->stop || !t->write || !t->flush) {
		snprintf(buf, n, "target %s lacks start, stop, write or flush", t->name);
		return buf;
	}
	if (rt_target_find(t->name)) {
		snprintf(buf, n, "target %s is already defined (built in or by an earlier plugin)",
			 t->name);
		return buf;
	}
	if (nloaded == MAX_PLUGIN_TARGETS)
		return "too many plugin targets (at most 64)";
	return NULL;
}

int rt_target_plugin_load(const char *path, char *err, size_t n)
{
	char why_buf[400], rel[4096];
	const char *why = NULL;
	const int before = nloaded;
	/* a bare file name would make dlopen search the library path */
	if (!strchr(path, '/') && snprintf(rel, sizeof rel, "./%s", path) < (int)sizeof rel)
		path = rel;
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		why = dlerror();
		goto out;
	}
	const struct rt_target_plugin *p = dlsym(h, RT_TARGET_PLUGIN_SYMBOL);
	if (!p) {
		why = "not a redirtorture target plugin (no symbol " RT_TARGET_PLUGIN_SYMBOL ")";
		goto out;
	}
	why = check_header(p, why_buf, sizeof why_buf);
	char *abs = realpath(path, NULL);
	for (int i = 0; !why && p->targets[i]; i++) {
		why = check_target(p->targets[i], why_buf, sizeof why_buf);
		if (!why) {
			loaded_from[nloaded] = rt_xstrdup(abs ? abs : path);
			/* a copy: a plugin's controlled executions run on real
			 * threads, since it may keep per-thread state in
			 * _Thread_local (fibers would share it; target.h) */
			struct rt_target_ops *copy = rt_xmalloc(sizeof *copy);
			*copy = *p->targets[i];
			copy->flags |= RT_TARGET_OS_THREADS;
			loaded[nloaded++] = copy;
		}
	}
	free(abs);
out:
	if (!why)
		return 0;
	snprintf(err, n, "cannot load target plugin %s: %s", path, why);
	while (nloaded > before) {   /* none of its targets stays listed */
		free(loaded_from[--nloaded]);
		free((void *)loaded[nloaded]);
	}
	if (h)
		dlclose(h);
	return -1;
}

int rt_target_plugins_from_args(int *argc, char **argv)
{
	static const char opt[] = "--target-plugin";
	int out = 0;
	for (int i = 0; i < *argc; i++) {
		const char *a = argv[i], *file = NULL;
		if (!strcmp(a, opt)) {
			if (i + 1 >= *argc) {
				rt_fdprintf(2, "redirtorture: option '%s' needs a value (a target "
					    "plugin .so file)\n", opt);
				return RT_EXIT_USAGE;
			}
			file = argv[++i];
		} else if (!strncmp(a, opt, sizeof opt - 1) && a[sizeof opt - 1] == '=') {
			file = a + sizeof opt;
		} else {
			argv[out++] = argv[i];
			continue;
		}
		char err[4600];
		if (!*file || rt_target_plugin_load(file, err, sizeof err)) {
			rt_fdprintf(2, "redirtorture: %s\n",
				    *file ? err : "--target-plugin needs a file name");
			return *file ? RT_EXIT_NOSTART : RT_EXIT_USAGE;
		}
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}
