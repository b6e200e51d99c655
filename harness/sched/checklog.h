/* SPDX-License-Identifier: Apache-2.0 */
/* checklog.h - check bytes made on demand (checklog.c).  A recorded choice's
 * check byte hashes the enabled set and the chosen thread's pending event;
 * most executions' schedules are never written or compared (explore keeps
 * only a finding's), so a choice logs its enabled set's words and its event,
 * and the bytes are hashed when a repro is made from the execution.  A
 * replay compares as it goes (sched_ctl_strategy.c's check_of). */
#ifndef RT_CHECKLOG_H
#define RT_CHECKLOG_H

#include "sched/sched_ctl.h"

#include <stddef.h>
#include <stdint.h>

struct rt_checklog;

/* The check byte of a choice: the enabled set's hash (checkhash.h) with
 * the chosen thread's event and, at an acquire, its lock's class. */
uint8_t rt_check_byte(uint64_t set_hash, int ev, const char *cls);
/* Log one choice (*log made on first use);
 * cls borrowed for the process's life (lock classes are never freed). */
void rt_checklog_add(struct rt_checklog **log, const uint64_t *w, int nw, int ev,
		     const char *cls);
/* choices[0..n) get their check bytes, once (later calls do nothing). */
void rt_checklog_fill(struct rt_checklog *log, struct rt_choice *choices, size_t n);
/* Done with it. */
void rt_checklog_free(struct rt_checklog *log);

#endif
