/* SPDX-License-Identifier: Apache-2.0 */
/* global_swap.c - the naive run-mode design: each cell swaps only the
 * process-global sys.stdout/sys.stderr objects (save, install the session's
 * own, restore on exit), with no file descriptors involved.  Sessions run
 * on different threads, so the save/restore pairs interleave out of LIFO
 * order: A.enter, B.enter, A.print sends A's line to B's browser, and
 * A.enter, B.enter, A.exit, B.exit leaves A's stream installed for good.
 * fd-level writes are not forwarded at all (declared).  Captures are
 * contextlib.redirect_stdout, another global swap. */
#include "pystreams.h"
#include "rt.h"
#include "session/session_knobs.h"

static int gs_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	(void)why;
	pys_reset();
	return 0;
}

static void gs_cell_enter(int sid)
{
	struct pys_session *s = pys_cell_begin(sid);
	if (!s)
		return;
	rt_point("cell enter: save sys.stdout");
	s->saved_out = atomic_load(&pys_stdout);
	s->saved_err = atomic_load(&pys_stderr);
	rt_point("cell enter: install the session's streams");
	atomic_store(&pys_stdout, &s->out);
	atomic_store(&pys_stderr, &s->err);
}

static void gs_cell_exit(int sid)
{
	struct pys_session *s = pys_current(sid);
	if (!s)
		return;
	rt_point("cell exit: restore sys.stdout");
	atomic_store(&pys_stdout, s->saved_out);
	atomic_store(&pys_stderr, s->saved_err);
	atomic_store(&s->cell_id, 0);
}

static void gs_capture_begin(int sid)
{
	struct pys_session *s = pys_current(sid);
	if (s)
		pys_redirect_begin(s);
}

static char *gs_capture_end(int sid, size_t *len)
{
	struct pys_session *s = pys_current(sid);
	*len = 0;
	return s ? pys_redirect_end(s, len) : NULL;
}

const struct rt_target_ops global_swap_ops = {
	.name = "global_swap",
	.summary = "naive run mode: each cell swaps the global sys.stdout object, no fds",
	.flags = RT_TARGET_BUGGY | RT_TARGET_FREE_ONLY | RT_TARGET_FD_NOT_FORWARDED,
	.knobs = &rt_session_knobs,
	.start = gs_start,
	.stop = pys_teardown,
	.write = pys_print,
	.session_start = pys_session_open,
	.session_stop = pys_session_close,
	.cell_enter = gs_cell_enter,
	.cell_exit = gs_cell_exit,
	.c_write = pys_c_write,
	.capture_begin = gs_capture_begin,
	.capture_end = gs_capture_end,
	.server_log = pys_server_log,
	.idle_check = pys_idle_check_originals,
};
