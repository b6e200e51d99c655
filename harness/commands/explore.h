/* SPDX-License-Identifier: Apache-2.0 */
/* explore.h - the controlled-mode commands explore and replay (explore.c). */
#ifndef RT_EXPLORE_H
#define RT_EXPLORE_H

#include "base/config.h"

#include <stdint.h>

struct rt_explore_opts {
	int strategy;          /* enum rt_strategy */
	int depth;             /* PCT depth */
	uint64_t runs;         /* executions at most */
	uint64_t seed;         /* strategy seed base */
	uint64_t confirm_runs; /* steered executions to confirm a potential cycle */
	const char *repro_dir;
	const char *repro_path; /* exact output path, overrides repro_dir */
	int quiet_progress;
	int until_deadlock;    /* go on past other findings until a real deadlock */
	int save_clean;        /* write a repro of the last execution even if clean */
	int jobs;              /* worker processes (explore_jobs.c); 0 or 1: this one */
	/* Set for a worker of --jobs: it runs executions shard, shard + nshards,
	 * ... and reports through shared; the parent prints header and summary. */
	int shard, nshards;
	struct rt_explore_shared *shared;
};

int rt_explore(const struct rt_config *c, const struct rt_explore_opts *o);
/* Re-execute a repro; optionally its trace (Perfetto JSON), its SVG timeline
 * and its lock-order graph (DOT), each NULL for none. */
int rt_replay(const char *path, const char *trace_json, const char *svg, const char *dot,
	      const char *json_path, int quiet);
/* The "stats" of a controlled command's JSON report (explore, replay,
 * minimize): seconds, controlled executions, choice points per execution. */
struct json_t;
struct json_t *rt_explore_stats(double elapsed, uint64_t executions, uint64_t choice_points);

#endif
