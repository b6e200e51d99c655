/* targets.c - the one registration list of targets, and lookup by name. */
#include <string.h>

#include "rt.h"

extern const struct rt_target_ops rich_live_ops;
extern const struct rt_target_ops rich_live_fixed_ops;
extern const struct rt_target_ops busted_ops;
extern const struct rt_target_ops test_deadlock_ops;
extern const struct rt_target_ops test_stuck_ops;
extern const struct rt_target_ops test_wedge_ops;
extern const struct rt_target_ops test_crash_ops;
extern const struct rt_target_ops test_clean_ops;
extern const struct rt_target_ops test_nondet_ops;
extern const struct rt_target_ops fd_redirect_ops;
extern const struct rt_target_ops thread_local_proxy_ops;
extern const struct rt_target_ops global_swap_ops;
extern const struct rt_target_ops proxy_with_global_redirect_ops;
/* py_plugin.c: forwarders to the embedded-Python plugin (py_rich.c) */
extern const struct rt_target_ops py_rich_ops;
extern const struct rt_target_ops py_rich_noredirect_ops;
const struct rt_target_ops *rt_py_module_target(const char *module);

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
	NULL,
};

const struct rt_target_ops *rt_target_find(const char *name)
{
	if (!name)
		return NULL;
	if (!strncmp(name, "py:", 3))   /* py:MODULE, docs/py-targets.md */
		return rt_py_module_target(name + 3);
	for (size_t i = 0; rt_targets[i]; i++)
		if (strcmp(rt_targets[i]->name, name) == 0)
			return rt_targets[i];
	return NULL;
}
