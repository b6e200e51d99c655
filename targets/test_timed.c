/* SPDX-License-Identifier: Apache-2.0 */
/* test_timed.c - test helper: a lock-order cycle that cannot deadlock
 * forever, because one side only takes its second lock with a timeout.  Odd
 * writes take Timed.A then Timed.B; even writes take Timed.B, then try
 * Timed.A for 1 ms and, if it stays busy, drop Timed.B and take both in
 * the order A, B.  The
 * cycle Timed.A -> Timed.B -> Timed.A is reported; steering cannot confirm
 * it, and the report must say why (commands/explain.c). */
#include <stdatomic.h>

#include "linebuf.h"
#include "rt.h"

static rt_lock *lock_a, *lock_b;
static rt_sink *terminal;
static _Atomic unsigned long calls;
static struct lb_set bufs = LB_SET_INIT;

static void emit_lines(const char *lines, size_t len) { rt_sink_write(terminal, lines, len); }

static void timed_write(enum rt_stream s, const char *buf, size_t len)
{
	if ((atomic_fetch_add(&calls, 1) + 1) & 1) {
		rt_lock_acquire(lock_a);
		rt_lock_acquire(lock_b);
	} else {
		rt_lock_acquire(lock_b);
		if (!rt_lock_timed_acquire_at(lock_a, 1000000, RT_SITE)) {
			/* gave up: let the other side finish, then the safe order */
			rt_lock_release(lock_b);
			rt_lock_acquire(lock_a);
			rt_lock_acquire(lock_b);
		}
	}
	lb_write(&bufs, s, 0, buf, len, emit_lines);
	rt_lock_release(lock_b);
	rt_lock_release(lock_a);
}

static void timed_flush(enum rt_stream s) { (void)s; }

static int timed_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	(void)why;
	lock_a = rt_lock_new("Timed.A", RT_LOCK_PLAIN);
	lock_b = rt_lock_new("Timed.B", RT_LOCK_PLAIN);
	terminal = rt_sink_new("terminal");
	atomic_store(&calls, 0);
	lb_reset(&bufs);
	return 0;
}

static void timed_stop(void)
{
	lb_drain(&bufs, emit_lines);
	rt_lock_free(lock_a);
	rt_lock_free(lock_b);
	lock_a = lock_b = NULL;
	terminal = NULL;
}

const struct rt_target_ops test_timed_ops = {
	.name = "test_timed",
	.summary = "test helper: Timed.A -> Timed.B -> Timed.A, one side with a 1 ms timeout (no deadlock)",
	.flags = RT_TARGET_TEST,
	.start = timed_start,
	.stop = timed_stop,
	.write = timed_write,
	.flush = timed_flush,
};
