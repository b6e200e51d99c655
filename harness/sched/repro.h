/* SPDX-License-Identifier: Apache-2.0 */
/* repro.h - repro files: a versioned text file holding everything needed to
 * re-execute one controlled run exactly (configuration, strategy, seed, the
 * schedule) and the signature of the finding it produced. */
#ifndef RT_REPRO_H
#define RT_REPRO_H

#include "base/config.h"
#include "sched/sched_ctl.h"

#define RT_REPRO_FORMAT "redirtorture-repro 1"

struct rt_repro {
	struct rt_config cfg;
	char verdict[16];
	char signature[1024];
	int strategy, depth;
	uint64_t seed, k, vstep_ns, max_steps;
	int nthreads;
	struct rt_choice *choices;
	size_t nchoices;
	int preemptions;
	const char *replay_cmd;   /* borrowed: the header's command (rt_replay_repro_cmd); required */
};

/* Write atomically.  0 or -errno. */
int rt_repro_write(const char *path, const struct rt_repro *r, const char (*names)[32]);
/* Parse; on error returns -1 with "FILE:LINE: what (expected ...)" in err. */
int rt_repro_read(const char *path, struct rt_repro *r, char err[RT_CONFIG_ERRLEN]);
int rt_repro_parse(const char *text, size_t len, const char *origin, struct rt_repro *r,
		   char err[RT_CONFIG_ERRLEN]);
void rt_repro_free(struct rt_repro *r);
/* Read and validate for replay/minimize: prints the one-line error and
 * returns RT_EXIT_BADINPUT, or 0. */
int rt_repro_load(const char *path, struct rt_repro *r);

/* A repro of one execution: configuration c, its params p and result r.
 * The schedule is borrowed from r (do not rt_repro_free it). */
struct rt_exec_result;
void rt_repro_from(struct rt_repro *rp, const struct rt_config *c, const struct rt_ctl_params *p,
		   const struct rt_exec_result *r);
/* rt_repro_from + rt_repro_write, with one line on failure; replay_cmd as
 * in struct rt_repro.  0 or -errno. */
int rt_repro_save(const char *path, const char *replay_cmd, const struct rt_config *c,
		  const struct rt_ctl_params *p, const struct rt_exec_result *r);

#endif
