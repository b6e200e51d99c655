/* SPDX-License-Identifier: Apache-2.0 */
/* targets.h - the registry of targets (targets.c): one list, lookup by name
 * (py:MODULE included), and the catalog the scenario parser checks names
 * against. */
#ifndef RT_TARGETS_H
#define RT_TARGETS_H

#include "rt.h"

extern const struct rt_target_ops *const rt_targets[];   /* NULL-terminated */
const struct rt_target_ops *rt_target_find(const char *name);
/* The i-th target: built in, then loaded by --target-plugin; NULL past the last. */
const struct rt_target_ops *rt_target_at(int i);

struct rt_target_catalog;
extern const struct rt_target_catalog rt_target_catalog;   /* for rt_config_use_catalog */

#endif
