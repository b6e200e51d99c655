/* SPDX-License-Identifier: Apache-2.0 */
/* target_plugin.h - a target built outside this tree, as a shared object:
 *
 *   redirtorture run --target-plugin ./libmine.so --target mine ...
 *
 * The plugin is compiled against the installed headers
 * (`pkg-config --cflags redirtorture`, then #include <redirtorture/rt.h>) and
 * linked with -shared -fPIC and nothing else: the rt_* functions it calls are
 * resolved in the redirtorture binary that loads it.  It lists its targets
 * once, with designated initializers as in this tree's targets/:
 *
 *   static const struct rt_target_ops mine_ops = { .name = "mine", ... };
 *   RT_TARGET_PLUGIN(&mine_ops);
 *
 * The binary loads it with dlopen() and checks, before it calls anything,
 * that the plugin was built for the same target API: RT_TARGET_API_VERSION
 * and the sizes of the structs it shares.  A mismatch, a missing symbol or a
 * file that is not a plugin is one line and exit 69 (target cannot start).
 * RT_TARGET_API_VERSION is raised whenever struct rt_target_ops, struct
 * rt_target_env or any function declared by rt.h changes incompatibly. */
#ifndef RT_TARGET_PLUGIN_H
#define RT_TARGET_PLUGIN_H

#include "target.h"

#include <stdint.h>

#define RT_TARGET_API_VERSION 1u
#define RT_TARGET_PLUGIN_MAGIC 0x72747470u      /* "rttp" */
#define RT_TARGET_PLUGIN_SYMBOL "rt_target_plugin"

struct rt_target_plugin {
	uint32_t magic;          /* RT_TARGET_PLUGIN_MAGIC */
	uint32_t api_version;    /* RT_TARGET_API_VERSION the plugin was built with */
	uint32_t ops_size;       /* sizeof(struct rt_target_ops) it was built with */
	uint32_t env_size;       /* sizeof(struct rt_target_env) it was built with */
	const struct rt_target_ops *const *targets;   /* NULL-terminated */
};

/* Define the plugin's one exported symbol; arguments: pointers to its
 * struct rt_target_ops, one per target. */
#define RT_TARGET_PLUGIN(...)                                                   \
	static const struct rt_target_ops *const rt_plugin_targets_[] = {      \
		__VA_ARGS__, NULL                                               \
	};                                                                      \
	__attribute__((visibility("default")))                                 \
	const struct rt_target_plugin rt_target_plugin = {                      \
		.magic = RT_TARGET_PLUGIN_MAGIC,                                \
		.api_version = RT_TARGET_API_VERSION,                           \
		.ops_size = sizeof(struct rt_target_ops),                       \
		.env_size = sizeof(struct rt_target_env),                       \
		.targets = rt_plugin_targets_,                                  \
	}

#endif
