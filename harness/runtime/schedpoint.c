/* SPDX-License-Identifier: Apache-2.0 */
/* sched_noise.c - free-running mode: real threads, seeded random yields and
 * short sleeps at instrumented points so runs explore more interleavings. */
#include "runtime/schedpoint.h"

#include "base/util.h"

#include <sched.h>
#include <stdlib.h>

static struct rt_noise_cfg noise;

static struct rt_rng *rng_of(struct rt_thread *t)
{
	if (!t->sched) {
		struct rt_rng *r = rt_xmalloc(sizeof *r);
		r->s = rt_mix64(noise.seed ^ rt_mix64((uint64_t)t->id + 1));
		t->sched = r;
	}
	return t->sched;
}

static void noise_point(struct rt_thread *t, enum rt_ev ev, const void *obj)
{
	(void)ev;
	(void)obj;
	if (!noise.enabled)
		return;
	struct rt_rng *r = rng_of(t);
	uint32_t dice = rt_rng_below(r, 100);
	if (dice < (uint32_t)noise.delay_pct && noise.max_delay_us > 0) {
		int prev = atomic_load(&t->state);
		rt_thread_set_state(t, RT_TS_SLEEPING);
		rt_sleep_ns(1000ULL * (1 + rt_rng_below(r, (uint32_t)noise.max_delay_us)));
		rt_thread_set_state(t, prev);
	} else if (dice < (uint32_t)(noise.delay_pct + noise.yield_pct)) {
		sched_yield();
	}
}

static int noise_acquire(struct rt_thread *t, rt_lock *l, struct rt_site site, uint64_t timeout_ns)
{
	(void)site;
	(void)timeout_ns;   /* the real lock times out by itself */
	noise_point(t, RT_EV_ACQUIRE, l);
	return RT_ACQ_TAKE;
}

static void real_sleep(struct rt_thread *t, uint64_t ns)
{
	rt_thread_set_state(t, RT_TS_SLEEPING);
	rt_sleep_ns(ns);
	rt_thread_set_state(t, RT_TS_RUNNING);
}

static void nop_thread(struct rt_thread *t) { (void)t; }
static int no_control(struct rt_thread *t)
{
	(void)t;
	return 0;
}
static int real_wait(struct rt_thread *t, int (*ready)(const void *), const void *obj, uint64_t ns)
{
	(void)t, (void)ready, (void)obj, (void)ns;
	return -1;
}
static void no_hold(struct rt_thread *t, int on)
{
	(void)t, (void)on;
}

/* Free-running: real sleeps and waits; noise at points, or nothing. */
#define FREE_OPS_COMMON                                                          \
	.name = "free-running", .point = noise_point, .acquire = noise_acquire,  \
	.thread_created = nop_thread, .sleep = real_sleep, .thread_start = nop_thread, \
	.thread_exit = nop_thread, .controls = no_control, .wait = real_wait,    \
	.await_start = nop_thread, .hold = no_hold

static const struct rt_sched_ops noise_ops = { FREE_OPS_COMMON };
/* The same without noise: nothing happens at a point. */
static const struct rt_sched_ops quiet_ops = { FREE_OPS_COMMON, .quiet = 1 };

struct rt_park_hooks rt_park_hooks;

const struct rt_sched_ops *rt_sched = &quiet_ops;   /* noise starts off */

void rt_sched_use_noise(const struct rt_noise_cfg *cfg)
{
	noise = *cfg;
	rt_sched = cfg->enabled ? &noise_ops : &quiet_ops;
}
