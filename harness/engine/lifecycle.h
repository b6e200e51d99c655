/* SPDX-License-Identifier: Apache-2.0 */
/* lifecycle.h - what every way of running a target shares (lifecycle.c):
 * the environment a target starts with, starting it, and the one refusal of
 * free-running-only targets in controlled mode. */
#ifndef RT_LIFECYCLE_H
#define RT_LIFECYCLE_H

#include "base/config.h"
#include "runtime/target.h"

/* The environment t starts with under c (env->knobs: its family's settings). */
void rt_target_env_from_config(const struct rt_target_ops *t, const struct rt_config *c,
			       struct rt_target_env *env);
/* Start t for c: 0, or RT_EXIT_NOSTART after one line saying why. */
int rt_target_start(const struct rt_target_ops *t, const struct rt_config *c);
/* Controlled mode: 0, or RT_EXIT_NOSTART after one line if t runs only free. */
int rt_target_refuse_controlled(const struct rt_target_ops *t);

#endif
