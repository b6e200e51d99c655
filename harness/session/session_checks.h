/* SPDX-License-Identifier: Apache-2.0 */
/* session_checks.h - restore, resource and start checks of run-mode sessions
 * (session_checks.c): fd 1/2 and sys.stdout between cells, fds and threads
 * back to baseline, sessions that cannot start. */
#ifndef RT_SESSION_CHECKS_H
#define RT_SESSION_CHECKS_H

#include <stddef.h>

struct rt_buf;

/* Around cell_enter ... cell_exit; the end of the last active cell checks
 * the idle restore invariant. */
void so_cell_begin(void);
void so_cell_end(void);
void so_session_started(int sid);
/* A session start failed: a finding, or NOSTART if no session ever started
 * and the reason is a lack of resources (does not return then). */
void so_start_failed(int sid, int rc, const char *why);
int so_nostart(void);
/* Session scripts: the target's own threads are settled (wait in a syscall). */
void so_settle(int actors_alive);
void so_baseline(void);
void so_after_sessions(void);
void so_hang_extra(struct rt_buf *b);   /* rt_hang_report_extra */
void so_checks_reset(void);

#endif
