/* SPDX-License-Identifier: Apache-2.0 */
/* watchdog.h - a thread that never touches target locks: it watches the
 * progress counters, prints progress, sends heartbeats to the supervisor and
 * reports one DEADLOCK or HANG (hangreport.h), then ends the process. */
#ifndef RT_WATCHDOG_H
#define RT_WATCHDOG_H

#include "base/config.h"

#include <stdint.h>

struct rt_watchdog_params {
	const struct rt_config *cfg;
	int heartbeat_fd;            /* -1 when unsupervised */
	uint64_t start_ns;           /* when the run started */
	/* After a DEADLOCK/HANG report: save what can be saved and end the
	 * process now (wedged threads cannot be joined).  Does not return. */
	void (*fatal)(int code);
	/* A program target: no progress is not a stall (a program may compute
	 * or sleep); only waits are.  deadline_ns (0 = none): past it the run
	 * is a HANG (the program's time limit). */
	int idle_ok;
	uint64_t deadline_ns;
	/* Free-running: also report when all threads are asleep for good (at
	 * once) and cycles through notify waits (inferred edges).  Not under
	 * the controlled scheduler, whose parked threads look asleep and which
	 * finds its deadlocks exactly. */
	int infer_waits;
	/* No progress line: the command prints its own (explore). */
	int no_progress;
};

void rt_watchdog_start(const struct rt_watchdog_params *p);
void rt_watchdog_stop(void);
/* What the run is doing now ("running", "joining drivers", "stopping target");
 * a phase other than "running" that lasts past the stall timeout is a HANG. */
void rt_watchdog_phase(const char *phase);
/* The same with its own budget (0: no limit; heartbeats go on, and the
 * supervisor's hard deadline still applies). */
void rt_watchdog_phase_budget(const char *phase, uint64_t budget_ms);
/* When the run's drivers are due to stop (rt_now_ns clock), for the time
 * left on the progress line; until called: start + duration_ms. */
void rt_watchdog_run_ends(uint64_t end_ns);

#endif
