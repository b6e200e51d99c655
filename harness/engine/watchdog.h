/* watchdog.h - a thread that never touches target locks: it watches the
 * progress counters, prints progress, sends heartbeats to the supervisor and
 * reports one DEADLOCK or HANG, then ends the process. */
#ifndef RT_WATCHDOG_H
#define RT_WATCHDOG_H

#include "base/config.h"

void rt_watchdog_start(const struct rt_config *c, int heartbeat_fd);
void rt_watchdog_stop(void);
/* What the run is doing now ("running", "joining drivers", "stopping target");
 * a phase other than "running" that lasts past the stall timeout is a HANG. */
void rt_watchdog_phase(const char *phase);
/* Report the current wait state now (DEADLOCK with the wait-for cycle, else
 * HANG); returns the exit code.  Used by the controlled scheduler, which
 * knows of a deadlock the moment no thread can run. */
int rt_hang_report_now(const char *why);
/* Optional section appended to a hang report after the threads (the
 * session oracles set it: fd 1/2, sys.stdout, recent session events). */
struct rt_buf;
extern void (*rt_hang_report_extra)(struct rt_buf *b);

#endif
