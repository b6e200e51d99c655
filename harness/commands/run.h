/* SPDX-License-Identifier: Apache-2.0 */
/* run.h - one free-running scenario execution inside the current process
 * (run.c); supervisor.h runs it in a child with a hard deadline. */
#ifndef RT_RUN_H
#define RT_RUN_H

#include "base/config.h"

#include <stdint.h>

/* Time budgets of a run's phases besides the stall timeout (README, "Time
 * budgets"); the supervisor's hard deadline includes them. */
#define RT_START_BUDGET_MS 20000   /* starting the target (in the hard deadline) */
#define RT_STOP_EXTRA_MS 3000      /* stopping it: stall timeout + this */

uint64_t rt_run_start_ns(void);
/* Run the scenario here; heartbeat_fd < 0 when unsupervised.  Returns the
 * exit code (enum rt_exit). */
int rt_run_scenario(const struct rt_config *c, int heartbeat_fd, int supervised);
/* From the watchdog: the report is out; save the JSON and end the process
 * now (wedged threads cannot be joined). */
void rt_run_emergency_exit(int code) __attribute__((noreturn));

/* Closing block: the effective configuration again, replay command, report
 * path, and "End of test: VERDICT". */
void rt_epilogue(const struct rt_config *c, int code, const char *json_path);

#endif
