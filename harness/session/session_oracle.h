/* SPDX-License-Identifier: Apache-2.0 */
/* session_oracle.h - the per-session oracles (session_oracle.c): each line reaches its own
 * session's sink exactly once; captures hold what their cell printed. */
#ifndef RT_SESSION_ORACLE_H
#define RT_SESSION_ORACLE_H

#include "base/config.h"
#include "runtime/rt.h"

#include <stddef.h>
#include <stdint.h>

/* Session sid's browser: one sink per session id for the whole run (every
 * reload of that page); the session oracles check each line's owner as it
 * lands.  Created on first use.  For session targets. */
rt_sink *rt_session_sink(int sid);
/* Every write into an owned sink (rt_sink_new_observed). */
void rt_session_sink_observe(int owner, const char *buf, size_t len);

void so_init(const struct rt_config *c, const struct rt_target_ops *t);
/* Next sequence number of kind for session sid (sid ignored for SO_L). */
uint64_t so_next_seq(int sid, int kind);
uint64_t so_written(int sid, int kind);
void so_capture_check(int sid, const char *text, size_t len, uint64_t k_from, uint64_t k_to);
void so_final(void);
/* The run's configuration and target, for the other session files. */
const struct rt_config *so_cfg(void);
const struct rt_target_ops *so_tgt(void);

#endif
