/* SPDX-License-Identifier: Apache-2.0 */
/* drivers.c - scenario driver threads and the runtime models behind them.
 *
 * logging: like CPython's Handler.handle: the handler's RLock is held around
 *   emit(), and StreamHandler.emit writes msg + "\n" to the *current* stderr,
 *   then flush() takes the lock again (re-entrant) and flushes.
 * finalizers: like the cyclic GC: drivers make garbage with finalizers; when
 *   enough is pending, the next allocation point (which targets call inside
 *   their own code, maybe under their locks) runs the finalizers there,
 *   synchronously, on that thread.  One collection at a time, as in CPython.
 */
#include "engine/drivers.h"

#include "engine/oracle.h"
#include "engine/pool.h"
#include "runtime/hooks.h"
#include "runtime/registry.h"
#include "runtime/schedpoint.h"
#include "base/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const rt_role_names[RT_NROLES] = { "print", "log", "finalizer", "refresh", "session",
						"server" };
struct rt_stats rt_stats;

static const struct rt_config *cfg;
static const struct rt_target_ops *target;
static rt_lock *handler_lock;          /* logging.Handler.lock (an RLock) */
static int *pts;                   /* pool (or spawn) handles of the driver threads */
static const struct rt_sched_ops *spawner;   /* who ran them: its spawn, else the pool */
static int npts;
static _Atomic int stop_flag;
static _Atomic int workers_left;   /* print/log drivers still in their op loop */

/* Atomics, no mutex: an allocation point, most of which find nothing to
 * collect, only reads them (a mutex pair per point was three per controlled
 * step), and a collector claims its turn by swapping gc_collecting 0 -> 1. */
static _Atomic int gc_pending;
static _Atomic int gc_collecting;
static _Atomic int gc_enabled;

enum { RT_GC_BATCH = 16 };

struct driver_arg {
	enum rt_role role;
	struct rt_thread *t;
};

/* ---- logging model ---------------------------------------------------- */

static void log_emit(struct rt_thread *t, const char *msg, size_t len)
{
	if (target->log) {
		target->log(msg, len);
		return;
	}
	/* logging/__init__.py Handler.handle: with self.lock: self.emit(record) */
	rt_lock_acquire(handler_lock);
	/* StreamHandler.emit: stream.write(msg + self.terminator) */
	target->write(RT_STDERR, msg, len);
	/* StreamHandler.flush: with self.lock: self.stream.flush() */
	rt_lock_acquire(handler_lock);
	if (target->flush)
		target->flush(RT_STDERR);
	rt_lock_release(handler_lock);
	rt_lock_release(handler_lock);
	(void)t;
}

/* ---- finalizers (GC model) --------------------------------------------- */

static void run_finalizer(struct rt_thread *t, int n)
{
	/* A finalizer's own line; its buffer is separate from the line the
	 * thread may be in the middle of. */
	char *line = rt_xmalloc((size_t)cfg->line_len + 2);
	rt_make_line(line, cfg->line_len, 'F', t->id, t->fin_seq++);
	line[cfg->line_len] = '\n';
	int action = cfg->finalizer_action;
	if (action == RT_FIN_MIXED)
		action = (n & 1) ? RT_FIN_PRINT : RT_FIN_LOG;
	if (action == RT_FIN_LOG) {
		log_emit(t, line, (size_t)cfg->line_len + 1);
	} else {
		target->write(RT_STDOUT, line, (size_t)cfg->line_len + 1);
	}
	free(line);
	atomic_fetch_add(&rt_stats.ops[RT_ROLE_FINALIZER], 1);
	rt_thread_progress(t);
}

static void gc_alloc_point(struct rt_site site)
{
	(void)site;
	if (!atomic_load(&gc_enabled))
		return;
	/* An allocation with nothing to collect has no visible effect, so it is
	 * no scheduling point: that keeps controlled runs short (k small). */
	if (atomic_load(&gc_collecting) || atomic_load(&gc_pending) < cfg->gc_threshold)
		return;
	struct rt_thread *t = rt_self();
	rt_sched_point(t, RT_EV_ALLOC, NULL);
	int idle = 0;
	if (!atomic_compare_exchange_strong(&gc_collecting, &idle, 1))
		return;   /* another thread collects */
	/* A collection runs a bounded batch: with real threads garbage can be
	 * made faster than one thread finalizes it (no GIL here).  Only the
	 * collector takes from gc_pending; others only add to it. */
	int pending = atomic_load(&gc_pending);
	if (pending < cfg->gc_threshold) {   /* collected since the look above */
		atomic_store(&gc_collecting, 0);
		return;
	}
	int n = pending < RT_GC_BATCH ? pending : RT_GC_BATCH;
	atomic_fetch_sub(&gc_pending, n);

	const char *prev = t->op;
	rt_thread_set_op(t, "finalizer");
	atomic_fetch_add(&rt_stats.collections, 1);
	t->in_finalizer++;   /* lock-order edges taken now are a finalizer's */
	for (int i = 0; i < n; i++)
		run_finalizer(t, i);
	t->in_finalizer--;
	rt_thread_set_op(t, prev);

	atomic_store(&gc_collecting, 0);
}

static void make_garbage(void)
{
	if (target->make_garbage) {
		if (target->make_garbage(cfg->finalizer_action))
			atomic_fetch_add(&rt_stats.garbage_made, 1);
		return;
	}
	atomic_fetch_add(&gc_pending, 1);
	atomic_fetch_add(&rt_stats.garbage_made, 1);
}

/* ---- operations --------------------------------------------------------- */

static void op_print(struct rt_thread *t, struct rt_rng *r, char *line)
{
	enum rt_stream s = (int)rt_rng_below(r, 100) < cfg->stderr_pct ? RT_STDERR : RT_STDOUT;
	int len = cfg->line_len;
	rt_make_line(line, len, 'T', t->id, t->line_seq++);
	line[len] = '\n';
	rt_thread_set_op(t, s == RT_STDOUT ? "print(stdout)" : "print(stderr)");
	if ((int)rt_rng_below(r, 100) < cfg->partial_pct) {
		/* print(x) is write(x) then write("\n"); split x further so other
		 * threads can interleave with a partial line. */
		int cut = 1 + (int)rt_rng_below(r, (uint32_t)len - 1);
		target->write(s, line, (size_t)cut);
		rt_sched_point(t, RT_EV_WRITE, NULL);
		target->write(s, line + cut, (size_t)(len - cut));
		rt_sched_point(t, RT_EV_WRITE, NULL);
		target->write(s, "\n", 1);
	} else {
		target->write(s, line, (size_t)len + 1);
	}
	if (rt_rng_below(r, 8) == 0 && target->flush)
		target->flush(s);
	atomic_fetch_add(&rt_stats.ops[RT_ROLE_PRINT], 1);
}

static void op_log(struct rt_thread *t, char *line)
{
	int len = cfg->line_len;
	rt_make_line(line, len, 'T', t->id, t->line_seq++);
	line[len] = '\n';
	rt_thread_set_op(t, "log");
	log_emit(t, line, (size_t)len + 1);
	atomic_fetch_add(&rt_stats.ops[RT_ROLE_LOG], 1);
}

static void *driver_main(void *p)
{
	struct driver_arg *a = p;
	struct rt_thread *t = a->t;
	rt_registry_adopt(t);
	struct rt_rng rng = { rt_mix64(cfg->seed * 31 + (uint64_t)t->id) };
	char *line = rt_xmalloc((size_t)cfg->line_len + 2);
	rt_sched->thread_start(t);
	if (a->role == RT_ROLE_REFRESH) {
		uint64_t period = 1000000000ULL / (uint64_t)cfg->refresh_hz;
		while (!atomic_load(&stop_flag)) {
			rt_thread_set_op(t, "sleep");
			rt_sched->sleep(t, period);
			if (atomic_load(&stop_flag))
				break;
			rt_thread_set_op(t, "refresh");
			target->refresh();
			atomic_fetch_add(&rt_stats.ops[RT_ROLE_REFRESH], 1);
			rt_thread_progress(t);
		}
	} else {
		for (int64_t ops = 0; !atomic_load(&stop_flag) && (!cfg->max_ops || ops < cfg->max_ops);
		     ops++) {
			rt_sched_point(t, RT_EV_OP, NULL);
			if (a->role == RT_ROLE_PRINT)
				op_print(t, &rng, line);
			else
				op_log(t, line);
			rt_thread_set_op(t, "alloc");
			rt_alloc_point();   /* the driver's own allocations: no locks held */
			/* Garbage is dropped last, so it is collected at the next
			 * allocation anywhere, most likely inside a target's render. */
			if (cfg->finalizer_every && ops % cfg->finalizer_every == 0)
				make_garbage();
			rt_thread_progress(t);
		}
		atomic_fetch_sub(&workers_left, 1);
	}
	rt_thread_set_op(t, "done");
	rt_thread_set_state(t, RT_TS_FINISHED);
	rt_sched->thread_exit(t);
	free(line);
	free(a);
	return NULL;
}

int rt_drivers_start(const struct rt_config *c, const struct rt_target_ops *t)
{
	cfg = c;
	target = t;
	atomic_store(&stop_flag, 0);
	handler_lock = rt_lock_new("logging.Handler.lock", RT_LOCK_RECURSIVE);
	atomic_store(&gc_pending, 0);
	atomic_store(&gc_collecting, 0);
	atomic_store(&gc_enabled, c->finalizer_every > 0);
	rt_hooks_set_alloc_handler(gc_alloc_point);
	atomic_store(&workers_left, c->print_workers + c->log_workers);
	int want = c->print_workers + c->log_workers + (c->refresh_hz > 0 && t->refresh ? 1 : 0);
	pts = rt_xcalloc((size_t)want, sizeof *pts);
	npts = 0;
	spawner = rt_sched;
	for (int i = 0; i < want; i++) {
		struct driver_arg *a = rt_xmalloc(sizeof *a);
		int idx = i;
		a->role = RT_ROLE_REFRESH;
		if (i < c->print_workers) {
			a->role = RT_ROLE_PRINT;
		} else if (i < c->print_workers + c->log_workers) {
			a->role = RT_ROLE_LOG;
			idx = i - c->print_workers;
		} else {
			idx = 0;
		}
		char name[32];
		snprintf(name, sizeof name, "%s-%d", rt_role_names[a->role], idx);
		a->t = rt_registry_new(name, rt_role_names[a->role]);
		rt_sched->thread_created(a->t);
		pts[npts] = spawner->spawn ? spawner->spawn(a->t, driver_main, a)
					   : rt_pool_run(driver_main, a);
		if (pts[npts] < 0) {
			free(a);
			rt_fdprintf(rt_err_fd(), "redirtorture: cannot start driver thread %d\n", i);
			atomic_store(&stop_flag, 1);
			return -1;
		}
		npts++;
	}
	return 0;
}

void rt_drivers_request_stop(void) { atomic_store(&stop_flag, 1); }
int rt_drivers_workers_done(void) { return atomic_load(&workers_left) <= 0; }

void rt_drivers_stop_and_join(void)
{
	atomic_store(&stop_flag, 1);
	for (int i = 0; i < npts; i++)
		if (spawner->spawn)
			spawner->join(pts[i]);
		else
			rt_pool_join(pts[i]);
	free(pts);
	pts = NULL;
	npts = 0;
}

void rt_drivers_reset(void)
{
	rt_lock_free(handler_lock);
	handler_lock = NULL;
	atomic_store(&gc_enabled, 0);
	/* atomic stores, not memset: the watchdog reads the counters
	 * concurrently (explore keeps it running between executions) */
	for (int r = 0; r < RT_NROLES; r++)
		atomic_store(&rt_stats.ops[r], 0);
	atomic_store(&rt_stats.garbage_made, 0);
	atomic_store(&rt_stats.collections, 0);
}
