/* SPDX-License-Identifier: Apache-2.0 */
/* schedpoint.h - what happens at an instrumented point.  Free-running mode adds
 * seeded noise (yields, short sleeps); a controlled scheduler can replace
 * these ops to own the interleaving. */
#ifndef RT_SCHEDPOINT_H
#define RT_SCHEDPOINT_H

#include "runtime/registry.h"

#include <stdint.h>

enum rt_ev {
	RT_EV_ACQUIRE,      /* about to acquire obj (an rt_lock) */
	RT_EV_RELEASE,      /* just released obj */
	RT_EV_WRITE,        /* sink write / redirected write */
	RT_EV_ALLOC,        /* allocation point */
	RT_EV_POINT,        /* any other target point */
	RT_EV_OP,           /* a driver starts an operation */
};

#define RT_NO_TIMEOUT UINT64_MAX
enum { RT_ACQ_TAKE = 0, RT_ACQ_GRANTED = 1, RT_ACQ_TIMEDOUT = -1 };

struct rt_sched_ops {
	const char *name;
	void (*point)(struct rt_thread *t, enum rt_ev ev, const void *obj);
	/* Before a (non re-entrant) acquire of l that gives up after timeout_ns
	 * (RT_NO_TIMEOUT: never).  Returns RT_ACQ_TAKE: go and take it;
	 * RT_ACQ_GRANTED: the lock is granted without being taken (only while
	 * draining a deadlocked controlled run, when threads run one at a time
	 * and must finish); RT_ACQ_TIMEDOUT: the timeout expired (in the
	 * controlled scheduler's time) while l stayed busy. */
	int (*acquire)(struct rt_thread *t, rt_lock *l, struct rt_site site, uint64_t timeout_ns);
	/* The creator made t's record; the thread itself starts later. */
	void (*thread_created)(struct rt_thread *t);
	/* Sleep for ns of (possibly virtual) time. */
	void (*sleep)(struct rt_thread *t, uint64_t ns);
	void (*thread_start)(struct rt_thread *t);
	void (*thread_exit)(struct rt_thread *t);
	/* ---- for threads the target starts itself (embedded Python) -------
	 * 1 while a controlled scheduler is installed. */
	int controlled;
	/* 1 if t runs under the scheduler now (arrived, not held, not freed). */
	int (*controls)(struct rt_thread *t);
	/* Park t until ready(obj) holds or timeout_ns of (virtual) time passed
	 * (RT_NO_TIMEOUT: none).  1 if ready, 0 if not (timed out, or the run
	 * is being drained), -1 if t is not controlled: the caller waits for
	 * real.  ready() is called without t's locks and must only read. */
	int (*wait)(struct rt_thread *t, int (*ready)(const void *obj), const void *obj,
		    uint64_t timeout_ns);
	/* The creator of t (made with thread_created) waits, keeping its turn,
	 * until t reached its first point (thread_start). */
	void (*await_start)(struct rt_thread *t);
	/* on = 1: t keeps its turn and its points are no scheduling points
	 * (while it starts a thread); 0: back under the scheduler. */
	void (*hold)(struct rt_thread *t, int on);
	/* Run fn(arg) as the thread of control of t (made with thread_created):
	 * NULL for a real thread (engine/pool.c).  The controlled scheduler's
	 * fiber backend runs drivers as fibers; it returns a handle >= 0 for
	 * join, -1 if it cannot. */
	int (*spawn)(struct rt_thread *t, void *(*fn)(void *), void *arg);
	void (*join)(int handle);
	/* 1: point() does nothing and acquire() always says RT_ACQ_TAKE (free
	 * running without noise), so the lock fast path skips both calls. */
	int quiet;
};
#define RT_NO_TIMEOUT UINT64_MAX

/* What a controlled scheduler calls around parking a thread and after it
 * gets its turn back: save() releases what the parked thread must not keep
 * (an embedded interpreter's GIL) and returns a token, NULL if nothing;
 * restore(token) takes it back.  Installed by the embedded-Python plugin. */
struct rt_park_hooks {
	void *(*save)(void);
	void (*restore)(void *token);
};
extern struct rt_park_hooks rt_park_hooks;

struct rt_noise_cfg {
	int enabled, yield_pct, delay_pct, max_delay_us;
	uint64_t seed;
};
void rt_sched_use_noise(const struct rt_noise_cfg *cfg);
extern const struct rt_sched_ops *rt_sched;

static inline void rt_sched_point(struct rt_thread *t, enum rt_ev ev, const void *obj)
{
	rt_sched->point(t, ev, obj);
}

#endif
