/* SPDX-License-Identifier: Apache-2.0 */
/* test_instances.c - test helper: a lock-order cycle between two classes that
 * can never deadlock, because it runs through different instances of one
 * class.  Odd writes take Inst.A #1 then Inst.B; even writes take Inst.B
 * then Inst.A #2.  Lockdep-style classes see Inst.A -> Inst.B -> Inst.A; no
 * thread ever waits for the Inst.A another one holds.  Steering cannot
 * confirm it, and the report must say why (commands/explain.c). */
#include <stdatomic.h>

#include "linebuf.h"
#include "rt.h"

static rt_lock *a1, *a2, *b;
static rt_sink *terminal;
static _Atomic unsigned long calls;
static struct lb_set bufs = LB_SET_INIT;

static void emit_lines(const char *lines, size_t len) { rt_sink_write(terminal, lines, len); }

static void inst_write(enum rt_stream s, const char *buf, size_t len)
{
	int odd = (atomic_fetch_add(&calls, 1) + 1) & 1;
	rt_lock *first = odd ? a1 : b, *second = odd ? b : a2;
	rt_lock_acquire(first);
	rt_lock_acquire(second);
	lb_write(&bufs, s, 0, buf, len, emit_lines);
	rt_lock_release(second);
	rt_lock_release(first);
}

static void inst_flush(enum rt_stream s) { (void)s; }

static int inst_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	(void)why;
	a1 = rt_lock_new("Inst.A", RT_LOCK_PLAIN);
	a2 = rt_lock_new("Inst.A", RT_LOCK_PLAIN);
	b = rt_lock_new("Inst.B", RT_LOCK_PLAIN);
	terminal = rt_sink_new("terminal");
	atomic_store(&calls, 0);
	lb_reset(&bufs);
	return 0;
}

static void inst_stop(void)
{
	lb_drain(&bufs, emit_lines);
	rt_lock_free(a1);
	rt_lock_free(a2);
	rt_lock_free(b);
	a1 = a2 = b = NULL;
	terminal = NULL;
}

const struct rt_target_ops test_instances_ops = {
	.name = "test_instances",
	.summary = "test helper: Inst.A -> Inst.B -> Inst.A through two instances of Inst.A (no deadlock)",
	.flags = RT_TARGET_TEST,
	.start = inst_start,
	.stop = inst_stop,
	.write = inst_write,
	.flush = inst_flush,
};
