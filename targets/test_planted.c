/* SPDX-License-Identifier: Apache-2.0 */
/* test_planted.c - test helper: a bug no known-signatures list names, planted
 * for the tests that prove fuzzing CI turns red on a new bug (docs/fuzzing.md,
 * tests/nightly_planted.sh, tests/fuzz_cflite_build.sh).  Write number n takes
 * Planted.(n % 3) and then Planted.((n + 1) % 3): after three writes, by any
 * threads, the lock-order graph has the cycle A -> B -> C -> A.  It runs under
 * the controlled scheduler (no waits outside instrumented locks); fuzz_schedule
 * gives it a slot only when REDIRTORTURE_FUZZ_PLANT names it.
 */
#include <stdatomic.h>

#include "linebuf.h"
#include "rt.h"

static rt_lock *locks[3];
static rt_sink *terminal;
static struct lb_set bufs = LB_SET_INIT;
static atomic_uint nwrites;

static void emit_lines(const char *lines, size_t len)
{
	unsigned n = atomic_fetch_add(&nwrites, 1);
	rt_lock *first = locks[n % 3], *second = locks[(n + 1) % 3];
	rt_lock_acquire(first);
	rt_lock_acquire(second);
	rt_sink_write(terminal, lines, len);
	rt_lock_release(second);
	rt_lock_release(first);
}

static void planted_write(enum rt_stream s, const char *buf, size_t len)
{
	lb_write(&bufs, s, 0, buf, len, emit_lines);
}

static void planted_flush(enum rt_stream s)
{
	(void)s;
}

static int planted_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	(void)why;
	locks[0] = rt_lock_new("Planted.A", RT_LOCK_PLAIN);
	locks[1] = rt_lock_new("Planted.B", RT_LOCK_PLAIN);
	locks[2] = rt_lock_new("Planted.C", RT_LOCK_PLAIN);
	terminal = rt_sink_new("terminal");
	atomic_store(&nwrites, 0);
	lb_reset(&bufs);
	return 0;
}

static void planted_stop(void)
{
	lb_drain(&bufs, emit_lines);
	for (int i = 0; i < 3; i++) {
		rt_lock_free(locks[i]);
		locks[i] = NULL;
	}
	terminal = NULL;
}

const struct rt_target_ops test_planted_ops = {
	.name = "test_planted",
	.summary = "test helper: a new bug for CI tests (3-lock cycle; fuzzed only with REDIRTORTURE_FUZZ_PLANT)",
	.flags = RT_TARGET_TEST,
	.start = planted_start,
	.stop = planted_stop,
	.write = planted_write,
	.flush = planted_flush,
	.refresh = NULL,
};
