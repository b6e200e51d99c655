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
	NULL,
};

const struct rt_target_ops *rt_target_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; rt_targets[i]; i++)
		if (strcmp(rt_targets[i]->name, name) == 0)
			return rt_targets[i];
	return NULL;
}
