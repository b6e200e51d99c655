/* SPDX-License-Identifier: Apache-2.0 */
/* test_nondet.c - test helper with hidden nondeterminism: which of two locks
 * a write takes depends on the wall clock, which the controlled scheduler
 * does not control.  Replaying a recorded schedule of this target must be
 * reported as a divergence, not silently accepted. */
#include "linebuf.h"
#include "rt.h"

#include <stdint.h>
#include <time.h>

static rt_lock *lock_a, *lock_b;
static rt_sink *terminal;
static struct lb_set bufs = LB_SET_INIT;

static void emit_lines(const char *lines, size_t len)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* uncontrolled choice: one bit of a hash of the nanoseconds, so that
	 * reads a few nanoseconds apart (fibers switch that fast) are as
	 * independent as reads microseconds apart */
	uint64_t h = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL;
	rt_lock *l = h >> 63 ? lock_a : lock_b;
	rt_lock_acquire(l);
	rt_sink_write(terminal, lines, len);
	rt_lock_release(l);
}

static void nondet_write(enum rt_stream s, const char *buf, size_t len)
{
	lb_write(&bufs, s, 0, buf, len, emit_lines);
}

static void nondet_flush(enum rt_stream s) { (void)s; }

static int nondet_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	(void)why;
	lock_a = rt_lock_new("Nondet.A", RT_LOCK_PLAIN);
	lock_b = rt_lock_new("Nondet.B", RT_LOCK_PLAIN);
	terminal = rt_sink_new("terminal");
	lb_reset(&bufs);
	return 0;
}

static void nondet_stop(void)
{
	lb_drain(&bufs, emit_lines);
	rt_lock_free(lock_a);
	rt_lock_free(lock_b);
	lock_a = lock_b = NULL;
	terminal = NULL;
}

const struct rt_target_ops test_nondet_ops = {
	.name = "test_nondet",
	.summary = "test helper: picks a lock by the wall clock (replays must diverge)",
	.flags = RT_TARGET_TEST,
	.start = nondet_start,
	.stop = nondet_stop,
	.write = nondet_write,
	.flush = nondet_flush,
};
