/* SPDX-License-Identifier: Apache-2.0 */
/* rich_live_fixed.c - Rich Live with redirection, redesigned so that no lock
 * cycle and no lost or merged text is possible.  Same interface and same
 * output as rich_live.c (sink "terminal", the printed lines followed by one
 * "~live frame N rows R" line per print or refresh).
 *
 * Design:
 *  - FileProxy buffers are per thread (and per nesting depth, so a finalizer
 *    that runs inside this thread's print cannot glue its line onto the
 *    thread's own partial line).  No buffer is shared, so concurrent partial
 *    writes cannot merge or drop text.  Buffers are heap objects registered
 *    in a set so stop() can flush and free all of them (linebuf.c).
 *  - Live._lock (L) is a leaf: process_renderables and refresh take it only
 *    to read (and on refresh advance) the live state, then drop it.
 *    Nothing is acquired and no allocation point is hit while holding L.
 *  - Rendering happens into a local buffer with no lock held, so the
 *    allocation points, and any finalizer the GC runs there, see no locks.
 *  - Console._lock (C) is a leaf too: held only around the sink write, with
 *    no allocation point and no callback inside it.
 * Hence L and C are never nested, in either order, and finalizers never run
 * under either, so their writes cannot close a cycle.
 *
 * FileProxy.flush does not print a partial line here (real Rich does, which
 * splits a line that is flushed mid-way); partial lines come out when
 * completed, or at stop().
 */
#include <stdio.h>

#include "linebuf.h"
#include "rt.h"

static rt_lock *con_lock;     /* C: Console._lock, leaf around the file write */
static rt_lock *live_lock;    /* L: Live._lock, leaf around the live state */
static rt_sink *terminal;
static int live_rows;
static unsigned long live_frame;   /* guarded by L */
static struct lb_set proxies = LB_SET_INIT;

/* How many renders are active on this thread: finalizers run inside them and
 * write at depth >= 1, into buffers separate from the thread's own.
 * Always balanced.  Per thread of the harness, not _Thread_local: controlled
 * drivers may be fibers sharing one kernel thread. */
static struct rt_thread_key depth_key = { .size = sizeof(int) };

/* Snapshot the live state under L; advance it first on a refresh tick. */
static unsigned long live_snapshot(int advance)
{
	rt_lock_acquire(live_lock);
	if (advance)
		live_frame++;
	unsigned long frame = live_frame;
	rt_lock_release(live_lock);
	return frame;
}

/* Render the live display with no lock held: allocation points are safe. */
static size_t render_live(unsigned long frame, char *out, size_t cap)
{
	int *render_depth = rt_thread_data(&depth_key);
	(*render_depth)++;
	for (int row = 0; row < live_rows; row++)
		rt_alloc_point();
	(*render_depth)--;
	int n = snprintf(out, cap, "~live frame %lu rows %d\n", frame, live_rows);
	return n < 0 ? 0 : (size_t)n >= cap ? cap - 1 : (size_t)n;
}

/* text: printed lines ending in '\n', or NULL for a bare refresh. */
static void console_print(const char *text, size_t len, unsigned long frame)
{
	char live[64];
	size_t n = render_live(frame, live, sizeof live);
	struct lb_str out = { 0 };
	lb_str_add(&out, text, len);
	lb_str_add(&out, live, n);
	rt_lock_acquire(con_lock);     /* leaf: only the write */
	rt_sink_write(terminal, out.p, out.len);
	rt_lock_release(con_lock);
	lb_str_free(&out);
}

static void emit_lines(const char *lines, size_t len)
{
	console_print(lines, len, live_snapshot(0));
}

static void fixed_write(enum rt_stream s, const char *buf, size_t len)
{
	lb_write(&proxies, s, *(int *)rt_thread_data(&depth_key), buf, len, emit_lines);
}

static void fixed_flush(enum rt_stream s)
{
	(void)s;   /* complete lines are already out; partial ones wait */
}

static void fixed_refresh(void)
{
	console_print(NULL, 0, live_snapshot(1));
}

static int fixed_start(const struct rt_target_env *env, const char **why)
{
	(void)why;
	live_rows = env && env->live_rows > 0 ? env->live_rows : 0;
	live_frame = 0;
	con_lock = rt_lock_new("Console._lock", RT_LOCK_RECURSIVE);
	live_lock = rt_lock_new("Live._lock", RT_LOCK_RECURSIVE);
	terminal = rt_sink_new("terminal");
	lb_reset(&proxies);
	return 0;
}

static void fixed_stop(void)
{
	fixed_refresh();                    /* Live.stop's final refresh */
	lb_drain(&proxies, emit_lines);     /* partial lines, then free all */
	rt_lock_free(live_lock);
	rt_lock_free(con_lock);
	live_lock = con_lock = NULL;
	terminal = NULL;
}

const struct rt_target_ops rich_live_fixed_ops = {
	.name = "rich_live_fixed",
	.summary = "Rich Live with redirection, redesigned: per-thread line buffers, "
		   "Live._lock and Console._lock as unnested leaves",
	.flags = RT_TARGET_FUZZ,
	.start = fixed_start,
	.stop = fixed_stop,
	.write = fixed_write,
	.flush = fixed_flush,
	.refresh = fixed_refresh,
};
