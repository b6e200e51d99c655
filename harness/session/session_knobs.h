/* SPDX-License-Identifier: Apache-2.0 */
/* session_knobs.h - the knobs of the session (run-mode) family of targets:
 * their values, declared and registered in session_knobs.c. */
#ifndef RT_SESSION_KNOBS_H
#define RT_SESSION_KNOBS_H

#include "base/config.h"

struct rt_session_settings {
	int sessions;             /* concurrent sessions, one thread each */
	int cells_per_session;
	int cell_prints;          /* tagged writes per cell */
	int c_write_pct;          /* of those, write(2) on fd 1/2 */
	int capture_pct;          /* cells that capture stdout */
	int session_idle_ms;      /* a loaded page stays open ~this long */
	int server_log_us;        /* server log period; 0 = no server thread */
	int pipe_kib;             /* capacity of a session's pipes; 0 = the kernel's */
	char session_script[512]; /* "": the reload loop */
};

/* The family's table (session targets point to it in .knobs; the catalog
 * registers it). */
extern const struct rt_knob_family rt_session_knobs;

/* c's session settings (dies if the program registered no session family). */
const struct rt_session_settings *rt_session_settings(const struct rt_config *c);

#endif
