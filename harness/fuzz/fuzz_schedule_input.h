/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_schedule_input.h - what a fuzz_schedule input means
 * (fuzz_schedule_input.c): the 15-byte header that picks a small scenario,
 * then one byte per scheduling choice (docs/fuzzing.md). */
#ifndef RT_FUZZ_SCHEDULE_INPUT_H
#define RT_FUZZ_SCHEDULE_INPUT_H

#include "base/config.h"
#include "base/util.h"
#include "sched/sched_ctl.h"

#include <stddef.h>
#include <stdint.h>

#define FS_HEADER 15

/* The targets an input can choose: the registry's RT_TARGET_FUZZ targets
 * (runtime/target.h), in rt_targets[] order, so byte 0 = 3 means the fourth
 * of them in every build; fs_find_targets fills this. */
#define FS_MAX_TARGETS 256
extern const char *fs_targets[FS_MAX_TARGETS];
extern int fs_ntargets;

/* Inputs of other targets are rejected (REDIRTORTURE_FUZZ_TARGETS: a comma
 * list, NULL or "" for all); test_clean's inputs run fs_plant instead
 * (REDIRTORTURE_FUZZ_PLANT, tests only). */
extern const char *fs_only_targets, *fs_plant;

/* One input: the scenario and the choice bytes (pointing into the input). */
struct fs_case {
	struct rt_config cfg;
	const uint8_t *sched;
	size_t nsched;
};

/* 1 if name is in the comma list (an empty or NULL list holds every name). */
int fs_in_list(const char *list, const char *name);
/* The registry's fuzzable targets into fs_targets, once. */
void fs_find_targets(void);
/* Input d (n bytes, zero-padded if short) as a case: 0, or -1 if rejected. */
int fs_decode(const uint8_t *d, size_t n, struct fs_case *k);
/* The controlled execution's parameters of a case (strategy RT_STRAT_BYTES). */
void fs_params(const struct fs_case *k, struct rt_ctl_params *p);
/* The header that decodes to scenario c: 0, or -1 with why (no such input). */
int fs_header_of(const struct rt_config *c, uint8_t h[FS_HEADER], char *why, size_t n);
/* One line: the case's knobs and how many choices it has. */
void fs_describe(const struct fs_case *k, struct rt_buf *b);

#endif
