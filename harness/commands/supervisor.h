/* SPDX-License-Identifier: Apache-2.0 */
/* supervisor.h - run a body in a forked child (supervisor.c): watch its
 * heartbeats and a hard deadline; report a child that dies or wedges. */
#ifndef RT_SUPERVISOR_H
#define RT_SUPERVISOR_H

#include "base/config.h"

#include <stdint.h>

/* The hard deadline of one run: duration + 3 stall timeouts + 10 s + the
 * start budget (20 s). */
uint64_t rt_run_deadline_ms(const struct rt_config *c);
/* The scenario (rt_run_scenario) in a child, with that deadline. */
int rt_supervise(const struct rt_config *c, const char *json_path);
/* The same for any child body; deadline_ms 0 = heartbeats only. */
int rt_supervise_fn(const struct rt_config *c, const char *json_path,
		    int (*body)(const struct rt_config *c, int heartbeat_fd, void *arg), void *arg,
		    uint64_t deadline_ms);

/* Controlled executions (explore, replay, minimize): work(arg) in a child
 * with the watchdog's heartbeats and stall report, under the supervisor's
 * heartbeat timeout and deadline (0 = heartbeats only); supervised 0 runs
 * it here.  The child's exit code, or CRASH when the supervisor reported
 * it dead or wedged. */
int rt_supervise_controlled(const struct rt_config *c, int (*work)(void *arg), void *arg,
			    uint64_t deadline_ms, int supervised);

#endif
