/* py_none.c - the Python targets in a build without embedded Python
 * (REDIRTORTURE_PYTHON=OFF, sanitizer presets, or no
 * /usr/bin/python3.11-config): they exist, so `--target py_rich` is not an
 * "unknown target", but cannot start (exit 69, which tests count as
 * skipped).  The real ones are in py_rich.c. */
#include <errno.h>
#include <stddef.h>

#include "rt.h"

static int no_python(const struct rt_target_env *env, const char **why)
{
	(void)env;
	*why = "this redirtorture was built without embedded Python (REDIRTORTURE_PYTHON=OFF "
	       "or no /usr/bin/python3.11-config at configure time); py_rich needs python3-rich "
	       "(apt-get install python3-rich) and libpython3.11-dev, then a default build";
	return -ENOSYS;
}

static void nop(void) {}
static void nop_write(enum rt_stream s, const char *buf, size_t len)
{
	(void)s;
	(void)buf;
	(void)len;
}

const struct rt_target_ops py_rich_ops = {
	.name = "py_rich",
	.summary = "real Rich Live with redirection in embedded CPython (not in this build)",
	.flags = RT_TARGET_BUGGY | RT_TARGET_FREE_ONLY,
	.start = no_python,
	.stop = nop,
	.write = nop_write,
};

const struct rt_target_ops py_rich_noredirect_ops = {
	.name = "py_rich_noredirect",
	.summary = "real Rich Live, redirection off, embedded CPython (not in this build)",
	.flags = RT_TARGET_FREE_ONLY,
	.start = no_python,
	.stop = nop,
	.write = nop_write,
};

static struct rt_target_ops py_module_ops = {
	.name = "py:MODULE",
	.summary = "a Python module implementing docs/py-targets.md (not in this build)",
	.flags = RT_TARGET_FREE_ONLY,
	.start = no_python,
	.stop = nop,
	.write = nop_write,
};

const struct rt_target_ops *rt_py_module_target(const char *name)
{
	return name && *name ? &py_module_ops : NULL;
}
