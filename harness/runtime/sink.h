/* SPDX-License-Identifier: Apache-2.0 */
/* sink.h - sinks (sink.c): in-memory terminals where output finally lands
 * (a terminal, a session's browser).  The integrity oracle reads them all at
 * the end of a run. */
#ifndef RT_SINK_H
#define RT_SINK_H

#include "site.h"

#include <stddef.h>

typedef struct rt_sink rt_sink;
rt_sink *rt_sink_new(const char *name);
void rt_sink_write(rt_sink *s, const char *buf, size_t len);

/* For the harness.  A sink with an owner (a session id, or a family's own
 * negative id): every write is also shown, in order and under the sink's
 * lock, to observe (the session oracles check each line as it lands). */
typedef void (*rt_sink_observer)(int owner, const char *buf, size_t len);
rt_sink *rt_sink_new_observed(const char *name, int owner, rt_sink_observer observe);
/* Read every sink: lock, view 0..count-1 (valid until unlock), unlock. */
void rt_sinks_lock(void);
int rt_sinks_count(void);
void rt_sink_view(int i, const char **name, const char **data, size_t *len);
void rt_sinks_unlock(void);
size_t rt_sink_total_bytes(void);
void rt_sinks_reset(void);      /* drop all sinks */

#endif
