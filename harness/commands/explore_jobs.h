/* SPDX-License-Identifier: Apache-2.0 */
/* explore_jobs.h - `explore --jobs N` (explore_jobs.c): seed-sharded worker
 * processes; the first finding wins, the others stop; progress and summary
 * add up every worker; the finding is the one --jobs 1 would report. */
#ifndef RT_EXPLORE_JOBS_H
#define RT_EXPLORE_JOBS_H

#include "base/config.h"
#include "commands/explore.h"

#include <stdint.h>

/* What the workers share (a MAP_SHARED page). */
struct rt_explore_shared;

/* Worker `worker` is about to run execution i: 0, or 1 if it must stop
 * because a lower execution already found something. */
int rt_explore_shared_next(struct rt_explore_shared *s, int worker, uint64_t i);
/* Count executions, choice points and findings of the calling worker. */
void rt_explore_shared_add(struct rt_explore_shared *s, uint64_t execs, uint64_t choices,
			   uint64_t findings);
/* explore's status line on stderr: executions done of the budget (runs),
 * rate, choice points per execution, findings so far, then note.  On a
 * terminal (tty) it rewrites itself: \r, and ESC[K clears the rest. */
void rt_explore_progress(int tty, uint64_t t0, uint64_t done, uint64_t runs, uint64_t choices,
			 uint64_t findings, const char *note);
/* Execution i of worker `worker` found something.  Waits until every lower
 * execution has run; 1 if i is the lowest execution with a finding (this
 * worker reports it, so the result is the same as with one job), else 0. */
int rt_explore_shared_found(struct rt_explore_shared *s, int worker, uint64_t i);
/* The worker leaves its loop without a finding. */
void rt_explore_shared_done(struct rt_explore_shared *s, int worker);
/* The winner's result, for the parent's summary: the executions one job
 * would have needed to find it, signature and repro path. */
void rt_explore_shared_result(struct rt_explore_shared *s, uint64_t execs, const char *sig,
			      const char *path);

/* Explore c: in this process with its watchdog when o->jobs <= 1, else in
 * o->jobs forked workers, each with its own watchdog (started after the
 * fork).  hb: the supervisor's heartbeat fd, or -1. */
int rt_explore_run(const struct rt_config *c, const struct rt_explore_opts *o, int hb);
/* The default for --jobs: the CPUs this process may run on. */
int rt_explore_default_jobs(void);

#endif
