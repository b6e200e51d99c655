/* SPDX-License-Identifier: Apache-2.0 */
/* rich_live.c - model of Rich 13.3.1 .. 14.3.3 Live(redirect_stdout=True,
 * redirect_stderr=True, auto_refresh=True) on an interactive terminal
 * (Rich issue #4158).  Deliberately faithful, bugs included:
 *
 *  - lock order L -> C on the refresh thread (_RefreshThread.run holds
 *    Live._lock, refresh renders the LiveRender under Console._lock), and
 *    C -> L on any thread that writes a complete line to the redirected
 *    stream while holding C (a finalizer run by the GC at an allocation in
 *    render_lines logs to sys.stderr -> FileProxy -> console.print ->
 *    Live.process_renderables -> L);
 *  - FileProxy's unlocked line buffer, one per stream and shared by all
 *    threads: each list operation is atomic under the GIL, the sequence is
 *    not, so concurrent partial writes can merge or drop text.
 *
 * Line numbers are "13.3.1 / 14.2.0"; the lock code is unchanged through
 * 14.3.3 (shared/reports/rich-4158.md).  Numbers marked ~ were not checked
 * against that exact release (see the notes at each site).
 *
 * Not modelled: Live.start's set_live (L then C, before any driver runs);
 * the thread-local console buffer that defers a nested print's write to the
 * outermost `with console:` exit (it takes the same C, already held).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "linebuf.h"
#include "rt.h"

static rt_lock *con_lock;     /* C: Console._lock */
static rt_lock *live_lock;    /* L: Live._lock */
static rt_sink *terminal;     /* the console's real file */
static int live_rows;
static unsigned long live_frame;   /* LiveRender's renderable; guarded by L */

/* FileProxy.__buffer, a list of str shared by every thread; modelled as the
 * concatenation of its items.  [0] = stdout proxy, [1] = stderr proxy. */
static struct lb_str proxy_buf[2];

/* Stands in for the GIL: held around ONE list operation that is atomic in
 * Python, never across a harness call, so the C code has no data race but
 * the Python-level race between operations remains. */
static pthread_mutex_t gil = PTHREAD_MUTEX_INITIALIZER;

/* Live.process_renderables, the render hook every console.print runs while
 * a Live is active (console.is_interactive). */
static unsigned long process_renderables(void)
{
	/* live.py:254 / :281 `with self._lock:` (13.3.1 per the report; in
	 * 13.4.2 and 13.7.1 the with is at :256, :254 is the is_interactive
	 * test) around position_cursor(). */
	rt_lock_acquire(live_lock);
	unsigned long frame = live_frame;
	rt_lock_release(live_lock);
	return frame;
}

/* LiveRender.__rich_console__ -> console.render_lines: C is held for the
 * whole render of the live renderable, and rendering allocates, which is
 * where the cyclic GC runs finalizers, on this thread, with C held. */
static size_t render_live(unsigned long frame, char *out, size_t cap)
{
	/* console.py:~1366 / :1375 `with self._lock:` in render_lines
	 * (13.3.1 not verified: 13.4.2 has it at :1361, 13.7.1 at :1362). */
	rt_lock_acquire(con_lock);
	for (int row = 0; row < live_rows; row++)
		rt_alloc_point();
	rt_lock_release(con_lock);
	int n = snprintf(out, cap, "~live frame %lu rows %d\n", frame, live_rows);
	return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

/* console.print(text) from FileProxy or Live.refresh.  text is the printed
 * lines already ending in '\n' (print's end), or NULL for print(Control()). */
static void console_print(const char *text, size_t len)
{
	unsigned long frame = process_renderables();
	char live[64];
	size_t n = render_live(frame, live, sizeof live);

	struct lb_str out = { 0 };
	lb_str_add(&out, text, len);
	lb_str_add(&out, live, n);
	/* _check_buffer console.py:1993 / _write_buffer :2045 (the def lines;
	 * the `with self._lock:` follows a few lines below): the real file
	 * write happens under C. */
	rt_lock_acquire(con_lock);
	rt_sink_write(terminal, out.p, out.len);
	rt_lock_release(con_lock);
	lb_str_free(&out);
}

/* FileProxy.write (file_proxy.py): no lock at all. */
static void rich_live_write(enum rt_stream s, const char *buf, size_t len)
{
	struct lb_str *pb = &proxy_buf[s == RT_STDERR];
	struct lb_str lines = { 0 };   /* the local `lines` list, '\n'-joined */

	while (len) {   /* while text: line, new_line, text = text.partition("\n") */
		const char *nl = memchr(buf, '\n', len);
		if (!nl) {
			pthread_mutex_lock(&gil);   /* buffer.append(line) */
			lb_str_add(pb, buf, len);
			pthread_mutex_unlock(&gil);
			break;
		}
		size_t n = (size_t)(nl - buf);
		pthread_mutex_lock(&gil);   /* lines.append("".join(buffer) + line) */
		lb_str_add(&lines, pb->p, pb->len);
		pthread_mutex_unlock(&gil);
		lb_str_add(&lines, buf, n);
		lb_str_add(&lines, "\n", 1);
		/* The window: another thread's append here is lost by clear(). */
		rt_point("FileProxy.write: between join and clear");
		pthread_mutex_lock(&gil);   /* buffer.clear() */
		pb->len = 0;
		pthread_mutex_unlock(&gil);
		buf = nl + 1;
		len -= n + 1;
	}
	/* file_proxy.py:47 console.print(Text("\n").join(lines)), on the
	 * writer's own thread: lines joined by '\n' plus print's end '\n'. */
	if (lines.len)
		console_print(lines.p, lines.len);
	lb_str_free(&lines);
}

/* FileProxy.flush: prints the partial line (print appends '\n'), then
 * clears; a write that lands during the print is dropped by the clear. */
static void rich_live_flush(enum rt_stream s)
{
	struct lb_str *pb = &proxy_buf[s == RT_STDERR];
	struct lb_str out = { 0 };

	pthread_mutex_lock(&gil);   /* output = "".join(self.__buffer) */
	lb_str_add(&out, pb->p, pb->len);
	pthread_mutex_unlock(&gil);
	if (out.len) {
		lb_str_add(&out, "\n", 1);
		console_print(out.p, out.len);
	}
	pthread_mutex_lock(&gil);   /* del self.__buffer[:] */
	pb->len = 0;
	pthread_mutex_unlock(&gil);
	lb_str_free(&out);
}

/* One tick of _RefreshThread.run: live.py:28-32 / :34-38. */
static void rich_live_refresh(void)
{
	/* live.py:30 / ~:36 `with self.live._lock:` in _RefreshThread.run. */
	rt_lock_acquire(live_lock);
	/* live.py:222 (13.4.2; same file layout as 13.3.1 up to here, 14.2.0
	 * not checked) `with self._lock:` in Live.refresh, re-entrant. */
	rt_lock_acquire(live_lock);
	live_frame++;                  /* _live_render.set_renderable(...) */
	console_print(NULL, 0);        /* with console: console.print(Control()) */
	rt_lock_release(live_lock);
	rt_lock_release(live_lock);
}

static int rich_live_start(const struct rt_target_env *env, const char **why)
{
	(void)why;
	live_rows = env && env->live_rows > 0 ? env->live_rows : 0;
	live_frame = 0;
	/* console.py:731 / :720 self._lock = threading.RLock() */
	con_lock = rt_lock_new("Console._lock", RT_LOCK_RECURSIVE);
	/* live.py:76 / :82 self._lock = RLock() */
	live_lock = rt_lock_new("Live._lock", RT_LOCK_RECURSIVE);
	terminal = rt_sink_new("terminal");
	/* Live._enable_redirect_io: fresh FileProxy objects, empty buffers. */
	for (int i = 0; i < 2; i++)
		lb_str_free(&proxy_buf[i]);
	return 0;
}

static void rich_live_stop(void)
{
	/* Live.stop refreshes once more (L, then C).  Real Rich then just
	 * swaps sys.stdout/sys.stderr back and drops any partial line left in
	 * a proxy; the harness wants partial lines flushed, so flush them. */
	rich_live_refresh();
	rich_live_flush(RT_STDOUT);
	rich_live_flush(RT_STDERR);
	for (int i = 0; i < 2; i++)
		lb_str_free(&proxy_buf[i]);
	rt_lock_free(live_lock);
	rt_lock_free(con_lock);
	live_lock = con_lock = NULL;
	terminal = NULL;
}

const struct rt_target_ops rich_live_ops = {
	.name = "rich_live",
	.summary = "Rich 13.3.1-14.3.3 Live with stdout/stderr redirection "
		   "(issue #4158: Live._lock/Console._lock ABBA, shared FileProxy buffer)",
	.flags = RT_TARGET_BUGGY | RT_TARGET_FUZZ,
	.start = rich_live_start,
	.stop = rich_live_stop,
	.write = rich_live_write,
	.flush = rich_live_flush,
	.refresh = rich_live_refresh,
};
