/* SPDX-License-Identifier: Apache-2.0 */
/* targets.c - the one registration list of targets, and lookup by name. */
#include "targets.h"
#include "target_plugins.h"

#include "base/config.h"
#include "base/util.h"
#include "py_plugin.h"
#include "session/session_knobs.h"

#include <string.h>

extern const struct rt_target_ops rich_live_ops;
extern const struct rt_target_ops rich_live_fixed_ops;
extern const struct rt_target_ops busted_ops;
extern const struct rt_target_ops test_deadlock_ops;
extern const struct rt_target_ops test_stuck_ops;
extern const struct rt_target_ops test_wedge_ops;
extern const struct rt_target_ops test_crash_ops;
extern const struct rt_target_ops test_segv_ops;
extern const struct rt_target_ops test_instances_ops;
extern const struct rt_target_ops test_timed_ops;
extern const struct rt_target_ops test_logorder_ops;
extern const struct rt_target_ops test_clean_ops;
extern const struct rt_target_ops test_nondet_ops;
extern const struct rt_target_ops test_planted_ops;
extern const struct rt_target_ops fd_redirect_ops;
extern const struct rt_target_ops thread_local_proxy_ops;
extern const struct rt_target_ops global_swap_ops;
extern const struct rt_target_ops proxy_with_global_redirect_ops;
/* py_plugin.c: forwarders to the embedded-Python plugin (py_rich.c) */
extern const struct rt_target_ops py_rich_ops;
extern const struct rt_target_ops py_rich_noredirect_ops;
extern struct rt_target_ops py_marimo_ops;   /* flags set at start */
const struct rt_target_ops *rt_py_module_target(const char *module);
extern const struct rt_target_ops py_program_ops;   /* `redirtorture py` */

/* Append new targets at the end: fuzz_schedule numbers the RT_TARGET_FUZZ
 * ones in this order, and committed fuzz inputs name them by that number. */
const struct rt_target_ops *const rt_targets[] = {
	&rich_live_ops,
	&rich_live_fixed_ops,
	&busted_ops,
	&test_deadlock_ops,
	&test_stuck_ops,
	&test_wedge_ops,
	&test_crash_ops,
	&test_clean_ops,
	&test_nondet_ops,
	&fd_redirect_ops,
	&thread_local_proxy_ops,
	&global_swap_ops,
	&proxy_with_global_redirect_ops,
	&py_rich_ops,
	&py_rich_noredirect_ops,
	&test_planted_ops,
	&py_marimo_ops,
	&test_segv_ops,
	&test_instances_ops,
	&test_timed_ops,
	&test_logorder_ops,
	NULL,
};

const struct rt_target_ops *rt_target_find(const char *name)
{
	if (!name)
		return NULL;
	if (!strncmp(name, "py:", 3))   /* py:MODULE, docs/py-targets.md */
		return rt_py_module_target(name + 3);
	if (!strcmp(name, "py"))        /* the program of `redirtorture py` */
		return &py_program_ops;
	for (size_t i = 0; rt_targets[i]; i++)
		if (strcmp(rt_targets[i]->name, name) == 0)
			return rt_targets[i];
	return rt_target_plugin_find(name);   /* --target-plugin FILE */
}

const struct rt_target_ops *rt_target_at(int i)
{
	static int nbuiltin = -1;
	if (nbuiltin < 0)
		for (nbuiltin = 0; rt_targets[nbuiltin]; nbuiltin++)
			;
	return i < nbuiltin ? rt_targets[i] : rt_target_plugin_at(i - nbuiltin);
}

static int catalog_find(const char *name, struct rt_target_info *info)
{
	const struct rt_target_ops *t = rt_target_find(name);
	if (t && info)
		*info = (struct rt_target_info){ .sessions = t->session_start != NULL,
						 .family = t->knobs };
	return t != NULL;
}

static void catalog_names(struct rt_buf *out)
{
	for (int i = 0; rt_target_at(i); i++)
		rt_buf_printf(out, "%s%s", i ? ", " : "", rt_target_at(i)->name);
}

/* The knob families targets read (each declared in its family's file). */
static const struct rt_knob_family *const families[] = {
	&rt_session_knobs,
	&rt_py_knobs,
	NULL,
};

const struct rt_target_catalog rt_target_catalog = {
	.find = catalog_find,
	.names = catalog_names,
	.families = families,
};
