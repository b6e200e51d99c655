/* SPDX-License-Identifier: Apache-2.0 */
/* minimize.h - `redirtorture minimize` (minimize.c): shrink a failing repro
 * (threads, operations, preemptions) while it keeps its signature. */
#ifndef RT_MINIMIZE_H
#define RT_MINIMIZE_H

#include <stdint.h>

/* Executions per smaller configuration tried, and in all, when the caller
 * gives 0: embedded-Python targets run a few controlled executions per CPU
 * second on real libraries (docs/controlled.md), the C models thousands. */
#define RT_MINIMIZE_RUNS 300
#define RT_MINIMIZE_BUDGET 10000
#define RT_MINIMIZE_PY_RUNS 20
#define RT_MINIMIZE_PY_BUDGET 1000

/* search_runs: executions per smaller configuration; budget: executions in
 * all (0: the defaults above).  keep_clock: never change the virtual time
 * per step (a repro fuzz_schedule can encode: its inputs have none).  json_path: the JSON report (NULL: none);
 * its verdict is the command's, its finding the one the smaller repro
 * keeps. */
int rt_minimize(const char *path, const char *out_path, uint64_t search_runs, uint64_t budget,
		int keep_clock, const char *json_path);

#endif
