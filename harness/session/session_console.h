/* SPDX-License-Identifier: Apache-2.0 */
/* session_console.h - the server console that stands in for the process's original
 * stdout/stderr during a session run (session_console.c). */
#ifndef RT_SESSION_CONSOLE_H
#define RT_SESSION_CONSOLE_H

#include <stddef.h>

/* The console sink's owner id for rt_session_sink_observe. */
#define RT_SINK_CONSOLE (-2)
int rt_console_begin(char *err, size_t n);   /* 0 or -errno */
void rt_console_end(void);                   /* restores fd 1/2, drains */


#endif
