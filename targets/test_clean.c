/* SPDX-License-Identifier: Apache-2.0 */
/* test_clean.c - the simplest correct target (test suite helper): per-thread
 * line buffers, one plain lock around each write of complete lines to the
 * sink.  No nesting, no allocation points: nothing to find.
 */
#include "linebuf.h"
#include "rt.h"

static rt_lock *lock;
static rt_sink *terminal;
static struct lb_set bufs = LB_SET_INIT;

static void emit_lines(const char *lines, size_t len)
{
	rt_lock_acquire(lock);
	rt_sink_write(terminal, lines, len);
	rt_lock_release(lock);
}

static void clean_write(enum rt_stream s, const char *buf, size_t len)
{
	lb_write(&bufs, s, 0, buf, len, emit_lines);
}

static void clean_flush(enum rt_stream s)
{
	(void)s;   /* complete lines are already out; partial ones wait */
}

static int clean_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	(void)why;
	lock = rt_lock_new("Clean.lock", RT_LOCK_PLAIN);
	terminal = rt_sink_new("terminal");
	lb_reset(&bufs);
	return 0;
}

static void clean_stop(void)
{
	lb_drain(&bufs, emit_lines);
	rt_lock_free(lock);
	lock = NULL;
	terminal = NULL;
}

const struct rt_target_ops test_clean_ops = {
	.name = "test_clean",
	.summary = "test helper: simplest correct target (one plain lock, per-thread lines)",
	.flags = RT_TARGET_TEST | RT_TARGET_FUZZ,
	.start = clean_start,
	.stop = clean_stop,
	.write = clean_write,
	.flush = clean_flush,
	.refresh = NULL,
};
