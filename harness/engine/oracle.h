/* SPDX-License-Identifier: Apache-2.0 */
/* oracle.h - the output-integrity oracle: every tagged line a driver
 * completed reaches the sinks exactly once, unsplit, in per-thread order. */
#ifndef RT_ORACLE_H
#define RT_ORACLE_H

#include <stddef.h>
#include <stdint.h>

/* Tagged line for writer `id`, sequence `seq`, tag kind 'T' (driver op) or
 * 'F' (finalizer): "@T3:17@ " + deterministic filler, len bytes, no newline.
 * out must hold len + 1 bytes. */
void rt_make_line(char *out, int len, char kind, int id, uint64_t seq);

/* Check sinks against what the registry says each thread completed;
 * tag_anywhere: text may precede the tag on its line (`redirtorture py`:
 * the program's log format), from the tag on it must be the whole line.
 * Reports a finding and returns 1 on a violation. */
int rt_oracle_check(int line_len, int tag_anywhere);

#endif
