/* SPDX-License-Identifier: Apache-2.0 */
/* paths.c - where redirtorture's own files are (see paths.h). */
#include "base/paths.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Compiled in by CMakeLists.txt (set_source_files_properties on this file). */
#ifndef RT_SOURCE_DIR
#define RT_SOURCE_DIR "."                      /* the source tree */
#endif
#ifndef RT_BUILD_BIN_DIR
#define RT_BUILD_BIN_DIR ""                    /* where the build puts the binary */
#endif
#ifndef RT_BUILD_PY_PLUGIN
#define RT_BUILD_PY_PLUGIN ""                  /* the build's plugin; "" = no Python */
#endif
#ifndef RT_REL_DATADIR
#define RT_REL_DATADIR "../share/redirtorture"    /* from bin/ */
#endif
#ifndef RT_REL_PKGLIBDIR
#define RT_REL_PKGLIBDIR "../lib/redirtorture"    /* from bin/ */
#endif

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int in_build_tree;
static char scenarios[PATH_MAX], py_dir[PATH_MAX], py_plugin[PATH_MAX];

/* The directory of the running executable, or "" if /proc is not there. */
static void self_dir(char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	out[0] = 0;
	if (len <= 0)
		return;
	exe[len] = 0;
	char *slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = 0;
	snprintf(out, n, "%s", exe[0] ? exe : "/");
}

static int same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];
	return a[0] && b[0] && realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

/* PREFIX/bin/../share/... -> PREFIX/share/... where it exists (messages read
 * better); a path that does not exist is kept as it is, for the error. */
static void canonical(char path[PATH_MAX])
{
	char real[PATH_MAX];
	if (path[0] && realpath(path, real))
		memcpy(path, real, strlen(real) + 1);
}

static void init(void)
{
	char bin[PATH_MAX];
	self_dir(bin, sizeof bin);
	in_build_tree = same_dir(bin, RT_BUILD_BIN_DIR);
	if (in_build_tree || !bin[0]) {   /* no /proc: the compiled-in trees are all we know */
		snprintf(scenarios, sizeof scenarios, "%s/scenarios", RT_SOURCE_DIR);
		snprintf(py_dir, sizeof py_dir, "%s/targets/py", RT_SOURCE_DIR);
		snprintf(py_plugin, sizeof py_plugin, "%s", RT_BUILD_PY_PLUGIN);
		return;
	}
	snprintf(scenarios, sizeof scenarios, "%s/" RT_REL_DATADIR "/scenarios", bin);
	snprintf(py_dir, sizeof py_dir, "%s/" RT_REL_DATADIR "/py", bin);
	canonical(scenarios);
	canonical(py_dir);
	if (RT_BUILD_PY_PLUGIN[0]) {
		char lib[PATH_MAX];
		snprintf(lib, sizeof lib, "%s/" RT_REL_PKGLIBDIR, bin);
		canonical(lib);
		snprintf(py_plugin, sizeof py_plugin, "%s/redirtorture_py.so", lib);
	}
}

const char *rt_path_scenarios(void)
{
	pthread_once(&once, init);
	return scenarios;
}

const char *rt_path_py_dir(void)
{
	pthread_once(&once, init);
	return py_dir;
}

const char *rt_path_py_plugin(void)
{
	pthread_once(&once, init);
	return py_plugin;
}

int rt_path_in_build_tree(void)
{
	pthread_once(&once, init);
	return in_build_tree;
}
