/* SPDX-License-Identifier: Apache-2.0 */
/* proxy_with_global_redirect.c - the residual hazard of PR #8353: the
 * thread-local proxy (thread_local_proxy.c) while user code in one session
 * replaces the global sys.stdout: session 0's notebook captures with
 * contextlib.redirect_stdout(io.StringIO()) instead of mo.capture_stdout.
 *
 * While session 0's StringIO is sys.stdout:
 *  - every other thread's print() lands in it (the proxy is bypassed);
 *  - redirect_streams() of a cell that starts then sees a non-proxy
 *    sys.stdout (its isinstance check fails) and falls back to the legacy
 *    path: save, install the session's own streams, restore on exit; the
 *    captures of such cells are contextlib.redirect_stdout too.
 * Those save/restore pairs interleave out of LIFO order across sessions, as
 * in global_swap.c, and can leave a stale object installed for good. */
#include "pystreams.h"
#include "rt.h"
#include "session/session_knobs.h"

static int is_proxy(void) { return atomic_load(&pys_stdout) == &pys_proxy_out; }

static int pg_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	(void)why;
	pys_reset();
	pys_install_proxies();
	return 0;
}

static void pg_cell_enter(int sid)
{
	struct pys_session *s = pys_cell_begin(sid);
	if (!s)
		return;
	rt_point("redirect_streams: isinstance(sys.stdout, proxy)?");
	s->legacy = !is_proxy();
	if (!s->legacy) {
		pys_tl_set(RT_STDOUT, &s->out);
		pys_tl_set(RT_STDERR, &s->err);
		return;
	}
	s->saved_out = atomic_load(&pys_stdout);
	s->saved_err = atomic_load(&pys_stderr);
	rt_point("redirect_streams (legacy): install the session's streams");
	atomic_store(&pys_stdout, &s->out);
	atomic_store(&pys_stderr, &s->err);
}

static void pg_cell_exit(int sid)
{
	struct pys_session *s = pys_current(sid);
	if (!s)
		return;
	if (s->legacy) {
		rt_point("redirect_streams (legacy): restore sys.stdout");
		atomic_store(&pys_stdout, s->saved_out);
		atomic_store(&pys_stderr, s->saved_err);
	} else {
		pys_tl_set(RT_STDOUT, NULL);
		pys_tl_set(RT_STDERR, NULL);
	}
	atomic_store(&s->cell_id, 0);
}

static void pg_capture_begin(int sid)
{
	struct pys_session *s = pys_current(sid);
	if (!s)
		return;
	s->cap_global = sid == 0 || !is_proxy();
	if (s->cap_global) {
		pys_redirect_begin(s);   /* contextlib.redirect_stdout */
		return;
	}
	pys_buffer_reset(&s->cap);
	s->cap_saved = pys_tl_get(RT_STDOUT);
	pys_tl_set(RT_STDOUT, &s->cap);
}

static char *pg_capture_end(int sid, size_t *len)
{
	struct pys_session *s = pys_current(sid);
	*len = 0;
	if (!s)
		return NULL;
	if (s->cap_global)
		return pys_redirect_end(s, len);
	pys_tl_set(RT_STDOUT, s->cap_saved);
	return pys_buffer_take(&s->cap, len);
}

const struct rt_target_ops proxy_with_global_redirect_ops = {
	.name = "proxy_with_global_redirect",
	.summary = "PR #8353's proxy while session 0 uses contextlib.redirect_stdout: "
		   "the residual leak",
	.flags = RT_TARGET_BUGGY | RT_TARGET_FREE_ONLY | RT_TARGET_FD_NOT_FORWARDED,
	.knobs = &rt_session_knobs,
	.start = pg_start,
	.stop = pys_teardown,
	.write = pys_print,
	.session_start = pys_session_open,
	.session_stop = pys_session_close,
	.cell_enter = pg_cell_enter,
	.cell_exit = pg_cell_exit,
	.c_write = pys_c_write,
	.capture_begin = pg_capture_begin,
	.capture_end = pg_capture_end,
	.server_log = pys_server_log,
	.idle_check = pys_idle_check_proxies,
};
