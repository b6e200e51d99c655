/* SPDX-License-Identifier: Apache-2.0 */
/* minimize.h - `redirtorture minimize` (minimize.c): shrink a failing repro
 * (threads, operations, preemptions) while it keeps its signature. */
#ifndef RT_MINIMIZE_H
#define RT_MINIMIZE_H

#include <stdint.h>

/* json_path: the JSON report (NULL: none); its verdict is the command's, its
 * finding the one the smaller repro keeps. */
int rt_minimize(const char *path, const char *out_path, uint64_t search_runs,
		const char *json_path);

#endif
