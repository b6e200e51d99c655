/* SPDX-License-Identifier: Apache-2.0 */
/* lifecycle.c - starting a target the same way in every mode. */
#include "engine/lifecycle.h"

#include "base/report.h"
#include "base/util.h"

#include <string.h>

void rt_target_env_from_config(const struct rt_target_ops *t, const struct rt_config *c,
			       struct rt_target_env *env)
{
	*env = (struct rt_target_env){ .live_rows = c->live_rows, .seed = c->seed,
				       .refresh_hz = c->refresh_hz, .line_len = c->line_len,
				       .knobs = t->knobs ? rt_config_family(c, t->knobs) : NULL };
}

int rt_target_start(const struct rt_target_ops *t, const struct rt_config *c)
{
	struct rt_target_env env;
	rt_target_env_from_config(t, c, &env);
	const char *why = NULL;
	int rc = t->start(&env, &why);
	if (!rc)
		return 0;
	rt_fdprintf(rt_err_fd(), "redirtorture: target %s cannot start: %s (%s)\n", t->name,
		    why ? why : "no reason given", strerror(rc < 0 ? -rc : rc));
	return RT_EXIT_NOSTART;
}

int rt_target_refuse_controlled(const struct rt_target_ops *t)
{
	if (!(t->flags & RT_TARGET_FREE_ONLY))
		return 0;
	rt_fdprintf(rt_err_fd(), "redirtorture: target %s runs only free (its own threads or "
		    "real blocking syscalls are outside the controlled scheduler); use `run`\n",
		    t->name);
	return RT_EXIT_NOSTART;
}
