/* SPDX-License-Identifier: Apache-2.0 */
/* busted.c - a deliberately broken target, like Linux locktorture's
 * lock_busted: write() takes two plain locks in alternating order (A then B
 * on odd calls, B then A on even calls), an ABBA inversion the lock-order
 * oracle must report and that really deadlocks under contention.  Output
 * itself is correct: per-thread line buffers, complete lines to the sink.
 */
#include <stdatomic.h>

#include "linebuf.h"
#include "rt.h"

static rt_lock *lock_a, *lock_b;
static rt_sink *terminal;
static _Atomic unsigned long calls;   /* global, so the order flips between threads */
static struct lb_set bufs = LB_SET_INIT;

static void emit_lines(const char *lines, size_t len)
{
	rt_sink_write(terminal, lines, len);
}

static void busted_write(enum rt_stream s, const char *buf, size_t len)
{
	unsigned long n = atomic_fetch_add(&calls, 1) + 1;
	rt_lock *first = (n & 1) ? lock_a : lock_b;
	rt_lock *second = (n & 1) ? lock_b : lock_a;

	rt_lock_acquire(first);
	rt_lock_acquire(second);
	lb_write(&bufs, s, 0, buf, len, emit_lines);
	rt_lock_release(second);
	rt_lock_release(first);
}

static void busted_flush(enum rt_stream s)
{
	(void)s;   /* complete lines are already out; partial ones wait */
}

static int busted_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	(void)why;
	lock_a = rt_lock_new("Busted.A", RT_LOCK_PLAIN);
	lock_b = rt_lock_new("Busted.B", RT_LOCK_PLAIN);
	terminal = rt_sink_new("terminal");
	atomic_store(&calls, 0);
	lb_reset(&bufs);
	return 0;
}

static void busted_stop(void)
{
	lb_drain(&bufs, emit_lines);
	rt_lock_free(lock_a);
	rt_lock_free(lock_b);
	lock_a = lock_b = NULL;
	terminal = NULL;
}

const struct rt_target_ops busted_ops = {
	.name = "busted",
	.summary = "deliberately broken: two plain locks taken in alternating order (ABBA)",
	.flags = RT_TARGET_BUGGY | RT_TARGET_FUZZ,
	.start = busted_start,
	.stop = busted_stop,
	.write = busted_write,
	.flush = busted_flush,
	.refresh = NULL,
};
