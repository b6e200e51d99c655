/* SPDX-License-Identifier: Apache-2.0 */
/* session_knobs.c - the session family's knobs, declared here only: a knob
 * that only session drivers read touches this file and its reader. */
#include "session/session_knobs.h"

#include "base/util.h"

#include <stdio.h>

#define F(field) RT_KNOB_FIELD(struct rt_session_settings, field)

_Static_assert(sizeof(struct rt_session_settings) <= RT_KNOB_BLOCK, "settings over RT_KNOB_BLOCK");

static const struct rt_knob knobs[] = {
	{ "sessions", RT_KNOB_INT, F(sessions), 1, 64, "16", NULL,
	  "concurrent sessions (page loads), one thread each, reloading in a loop" },
	{ "cells_per_session", RT_KNOB_INT, F(cells_per_session), 1, 10000, "6", NULL,
	  "cells each page load runs (enter, writes, exit)" },
	{ "cell_prints", RT_KNOB_INT, F(cell_prints), 1, 10000, "4", NULL,
	  "tagged writes per cell" },
	{ "c_write_pct", RT_KNOB_INT, F(c_write_pct), 0, 100, "10", NULL,
	  "percent of a cell's writes made with write(2) on fd 1/2, as C code would" },
	{ "capture_pct", RT_KNOB_INT, F(capture_pct), 0, 100, "10", NULL,
	  "percent of cells that capture stdout around a few prints" },
	{ "session_idle_ms", RT_KNOB_INT, F(session_idle_ms), 0, 60000, "5", NULL,
	  "a loaded page stays open this long on average before it reloads" },
	{ "server_log_us", RT_KNOB_INT, F(server_log_us), 0, 10000000, "2000", NULL,
	  "the server logs a line to its stderr this often; 0 = no server thread" },
	{ "session_pipe_kib", RT_KNOB_INT, F(pipe_kib), 0, 1024, "0", NULL,
	  "capacity of each session's stdout/stderr pipe in KiB (F_SETPIPE_SZ; 0 = the kernel's "
	  "64): a small pipe fills, and an undrained one blocks its writer, sooner" },
	{ "session_script", RT_KNOB_STR, F(session_script), 0, 0, "", NULL,
	  "run this script of 'ACTOR op' lines in order instead of the reload loop" },
};

static int validate(const void *settings, const char *target, int applies, const char *where,
		    char err[RT_CONFIG_ERRLEN])
{
	const struct rt_session_settings *s = settings;
	if (s->session_script[0] && !applies) {
		snprintf(err, RT_CONFIG_ERRLEN,
			 "%s: session_script needs a session target (expected a target with sessions, "
			 "e.g. fd_redirect or thread_local_proxy; got '%.60s')", where, target);
		return -1;
	}
	return 0;
}

const struct rt_knob_family rt_session_knobs = {
	.name = "session",
	.applies = "targets with sessions: marimo run mode",
	.knobs = knobs,
	.nknobs = sizeof knobs / sizeof knobs[0],
	.size = sizeof(struct rt_session_settings),
	.validate = validate,
};

const struct rt_session_settings *rt_session_settings(const struct rt_config *c)
{
	const struct rt_session_settings *s = rt_config_family(c, &rt_session_knobs);
	if (!s)
		rt_die("the session knobs are not registered (rt_config_use_catalog)");
	return s;
}
