/* py_plugin.h - what the embedded-Python plugin (redirtorture_py.so:
 * py_rich.c, harness/pylocks.c, harness/pygc.c) gives the binary, which
 * loads it on the first start() of a py target (targets/py_plugin.c). */
#ifndef RT_PY_PLUGIN_H
#define RT_PY_PLUGIN_H

#include "rt.h"

#define RT_PY_PLUGIN_VERSION 1

struct rt_py_plugin {
	int version;                           /* RT_PY_PLUGIN_VERSION */
	const struct rt_target_ops *rich;
	const struct rt_target_ops *rich_noredirect;
	/* py:MODULE; NULL if NAME is not a dotted module name */
	const struct rt_target_ops *(*module)(const char *name);
};

/* The plugin's one entry point (dlsym "rt_py_plugin"). */
const struct rt_py_plugin *rt_py_plugin(void);

#endif
