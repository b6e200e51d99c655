/* SPDX-License-Identifier: Apache-2.0 */
/* session_driver.h - marimo run-mode sessions in a free-running run (session_driver.c):
 * the session and server driver threads. */
#ifndef RT_SESSION_DRIVER_H
#define RT_SESSION_DRIVER_H

#include "base/config.h"
#include "runtime/rt.h"

int rt_is_session_target(const struct rt_target_ops *t);
/* Before t->start: server console, oracle tables, session script.  0, or
 * an exit code (NOSTART, BADINPUT) after printing why. */
int rt_session_run_begin(const struct rt_config *c, const struct rt_target_ops *t);
/* After t->start: resource baseline, then the session and server threads. */
int rt_sessions_start(void);
int rt_sessions_done(void);              /* a session script ran to its end */
/* Stop every session, join the threads; then the restore and resource
 * oracles ("after all sessions stop"). */
void rt_sessions_stop_and_join(void);
/* After t->stop: fd 1/2 back, console drained, the exactly-once oracle. */
void rt_session_run_end(void);
/* NOSTART if no session could ever start for lack of resources, else code. */
int rt_sessions_exit_code(int code);


#endif
