/* SPDX-License-Identifier: Apache-2.0 */
/* test_crash.c - test helpers: targets that die.  The 100th write() call
 * (counted across all threads) abort()s (test_crash) or writes through a
 * null pointer (test_segv); the others go to the sink.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "linebuf.h"
#include "rt.h"

static rt_sink *terminal;
static _Atomic unsigned long calls;
static struct lb_set bufs = LB_SET_INIT;

static void emit_lines(const char *lines, size_t len)
{
	rt_sink_write(terminal, lines, len);
}

static void crash_write(enum rt_stream s, const char *buf, size_t len)
{
	if (atomic_fetch_add(&calls, 1) + 1 == 100)
		abort();
	lb_write(&bufs, s, 0, buf, len, emit_lines);
}

static int *volatile nowhere;   /* volatile: the store is not optimized away */

static void segv_write(enum rt_stream s, const char *buf, size_t len)
{
	if (atomic_fetch_add(&calls, 1) + 1 == 100)
		*nowhere = 1;
	lb_write(&bufs, s, 0, buf, len, emit_lines);
}

static void crash_flush(enum rt_stream s)
{
	(void)s;
}

static int crash_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	(void)why;
	atomic_store(&calls, 0);
	terminal = rt_sink_new("terminal");
	lb_reset(&bufs);
	return 0;
}

static void crash_stop(void)
{
	lb_drain(&bufs, emit_lines);
	terminal = NULL;
}

const struct rt_target_ops test_crash_ops = {
	.name = "test_crash",
	.summary = "test helper: abort()s on the 100th write",
	.flags = RT_TARGET_TEST,
	.start = crash_start,
	.stop = crash_stop,
	.write = crash_write,
	.flush = crash_flush,
	.refresh = NULL,
};

const struct rt_target_ops test_segv_ops = {
	.name = "test_segv",
	.summary = "test helper: SIGSEGV (a null pointer store) on the 100th write",
	.flags = RT_TARGET_TEST,
	.start = crash_start,
	.stop = crash_stop,
	.write = segv_write,
	.flush = crash_flush,
	.refresh = NULL,
};
