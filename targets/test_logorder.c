/* SPDX-License-Identifier: Apache-2.0 */
/* test_logorder.c - test helper: an ABBA inversion only on the target's own
 * logging path (ops.log): odd log calls take Log.A then Log.B, even ones
 * Log.B then Log.A; prints take no lock.  Whether it can deadlock depends on
 * who logs: two log workers deadlock like busted; one log worker alone
 * cannot (a thread does not wait for itself); with no log worker, only
 * finalizers log (finalizer_action = log), and the GC model runs one
 * collection at a time, so it cannot either.  Steering confirms the first
 * and not the others, whose reports must say why (commands/explain.c). */
#include <stdatomic.h>

#include "linebuf.h"
#include "rt.h"

static rt_lock *lock_a, *lock_b;
static rt_sink *terminal;
static _Atomic unsigned long calls;
static struct lb_set bufs = LB_SET_INIT;

static void emit_lines(const char *lines, size_t len) { rt_sink_write(terminal, lines, len); }

static void logorder_write(enum rt_stream s, const char *buf, size_t len)
{
	lb_write(&bufs, s, 0, buf, len, emit_lines);
}

static void logorder_log(const char *buf, size_t len)
{
	int odd = (atomic_fetch_add(&calls, 1) + 1) & 1;
	rt_lock *first = odd ? lock_a : lock_b, *second = odd ? lock_b : lock_a;
	rt_lock_acquire(first);
	rt_lock_acquire(second);
	lb_write(&bufs, RT_STDERR, 1, buf, len, emit_lines);
	rt_lock_release(second);
	rt_lock_release(first);
}

static void logorder_flush(enum rt_stream s) { (void)s; }

static int logorder_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	(void)why;
	lock_a = rt_lock_new("Log.A", RT_LOCK_PLAIN);
	lock_b = rt_lock_new("Log.B", RT_LOCK_PLAIN);
	terminal = rt_sink_new("terminal");
	atomic_store(&calls, 0);
	lb_reset(&bufs);
	return 0;
}

static void logorder_stop(void)
{
	lb_drain(&bufs, emit_lines);
	rt_lock_free(lock_a);
	rt_lock_free(lock_b);
	lock_a = lock_b = NULL;
	terminal = NULL;
}

const struct rt_target_ops test_logorder_ops = {
	.name = "test_logorder",
	.summary = "test helper: Log.A / Log.B in alternating order on the target's own log path only",
	.flags = RT_TARGET_TEST,
	.start = logorder_start,
	.stop = logorder_stop,
	.write = logorder_write,
	.log = logorder_log,
	.flush = logorder_flush,
};
