/* explore_jobs.h - `explore --jobs N` (explore_jobs.c): seed-sharded worker
 * processes; the first finding wins, the others stop; progress and summary
 * add up every worker. */
#ifndef RT_EXPLORE_JOBS_H
#define RT_EXPLORE_JOBS_H

#include "base/config.h"
#include "commands/explore.h"

#include <stdint.h>

/* What the workers share (a MAP_SHARED page). */
struct rt_explore_shared;

/* Stop before the next execution: another worker won. */
int rt_explore_shared_stopped(struct rt_explore_shared *s);
/* Count executions and choice points done by the calling worker. */
void rt_explore_shared_add(struct rt_explore_shared *s, uint64_t execs, uint64_t choices);
/* The calling worker found something: 1 if it is the first (it reports), 0
 * if another worker already won. */
int rt_explore_shared_claim(struct rt_explore_shared *s, int worker);
/* The winner's result, for the parent's summary: signature and repro path. */
void rt_explore_shared_result(struct rt_explore_shared *s, const char *sig, const char *path);

/* Explore c: in this process with its watchdog when o->jobs <= 1, else in
 * o->jobs forked workers, each with its own watchdog (started after the
 * fork).  hb: the supervisor's heartbeat fd, or -1. */
int rt_explore_run(const struct rt_config *c, const struct rt_explore_opts *o, int hb);
/* The default for --jobs: the CPUs this process may run on. */
int rt_explore_default_jobs(void);

#endif
