/* SPDX-License-Identifier: Apache-2.0 */
/* thread_local_proxy.c - marimo run mode after PR #8353 (the fix): one
 * ThreadLocalStreamProxy per stream is installed as sys.stdout/sys.stderr
 * once, before any session thread runs, and never replaced.  Its write goes
 * to the calling thread's registered stream, or to the original when the
 * thread has none.
 *  - cell enter/exit: register / clear the calling thread's own streams
 *    (threading.local); no global object changes, no pipes, no dup2;
 *  - capture (mo.capture_stdout): swaps only the calling thread's stdout
 *    for a StringIO and puts the previous one back (the version fixed in
 *    review, not the one that patched the shared original's write);
 *  - fd-level writes (C extensions) go to the original fd 1/2, not to the
 *    browser: the accepted trade-off, declared with RT_TARGET_FD_NOT_FORWARDED.
 * Nothing is shared between sessions, so there is nothing to interleave. */
#include "pystreams.h"
#include "rt.h"
#include "session/session_knobs.h"

static int tl_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	(void)why;
	pys_reset();
	/* install_thread_local_proxies(): once, from the server thread */
	pys_install_proxies();
	return 0;
}

static void tl_cell_enter(int sid)
{
	struct pys_session *s = pys_cell_begin(sid);
	if (!s)
		return;
	rt_point("set_thread_local_streams");
	pys_tl_set(RT_STDOUT, &s->out);
	pys_tl_set(RT_STDERR, &s->err);
}

static void tl_cell_exit(int sid)
{
	struct pys_session *s = pys_current(sid);
	if (!s)
		return;
	rt_point("clear_thread_local_streams");
	pys_tl_set(RT_STDOUT, NULL);
	pys_tl_set(RT_STDERR, NULL);
	atomic_store(&s->cell_id, 0);
}

static void tl_capture_begin(int sid)
{
	struct pys_session *s = pys_current(sid);
	if (!s)
		return;
	pys_buffer_reset(&s->cap);
	rt_point("capture_stdout: swap this thread's stream");
	s->cap_saved = pys_tl_get(RT_STDOUT);
	pys_tl_set(RT_STDOUT, &s->cap);
}

static char *tl_capture_end(int sid, size_t *len)
{
	struct pys_session *s = pys_current(sid);
	*len = 0;
	if (!s)
		return NULL;
	rt_point("capture_stdout: restore this thread's stream");
	pys_tl_set(RT_STDOUT, s->cap_saved);
	return pys_buffer_take(&s->cap, len);
}

const struct rt_target_ops thread_local_proxy_ops = {
	.name = "thread_local_proxy",
	.summary = "marimo run mode after PR #8353: one thread-local proxy, per-thread streams",
	.flags = RT_TARGET_FREE_ONLY | RT_TARGET_FD_NOT_FORWARDED,
	.knobs = &rt_session_knobs,
	.start = tl_start,
	.stop = pys_teardown,
	.write = pys_print,
	.session_start = pys_session_open,
	.session_stop = pys_session_close,
	.cell_enter = tl_cell_enter,
	.cell_exit = tl_cell_exit,
	.c_write = pys_c_write,
	.capture_begin = tl_capture_begin,
	.capture_end = tl_capture_end,
	.server_log = pys_server_log,
	.idle_check = pys_idle_check_proxies,
};
