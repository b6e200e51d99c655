/* SPDX-License-Identifier: Apache-2.0 */
/* sched_ctl_fiber.c - the fiber backend (sched_ctl_fiber.h).
 *
 * The thread that runs the execution (the host) starts every driver fiber
 * in creation order to its first point, then switches to the fiber that
 * has the turn.  A fiber at a point picks the next thread as on the thread
 * backend and switches to it directly; a fiber whose driver returned
 * switches back to the host, which goes on with the one that has the turn.
 * ctl_mu is dropped around every switch (a mutex is unlocked by the fiber
 * that locked it: ThreadSanitizer sees each fiber as a thread), and the
 * registry's idea of the current thread (rt_self) is switched with the
 * fiber.  Fibers are pooled: a fiber whose driver returned waits for the
 * next job, so an execution makes no fiber once the pool is warm.
 *
 * Deadlock reports: each parked fiber is switched to once to unwind its own
 * stack (backtrace() from inside the fiber, like the thread backend's
 * signal handler), then switches straight back. */
#include "sched/sched_ctl_fiber.h"

#include "sched/fiber.h"
#include "sched/sched_ctl_state.h"

#include "engine/hangreport.h"
#include "base/nativestack.h"
#include "base/util.h"

#include <execinfo.h>
#include <pthread.h>
#include <string.h>

/* Enough for a target's render, a finalizer run inside it and a deadlock
 * report made on the fiber (sanitizer builds use more stack): pages are
 * touched only as used. */
#define FIBER_STACK (1024 * 1024)

struct ctl_fworker {
	struct rt_fiber *f;
	void *(*fn)(void *);
	void *arg;
	int busy;       /* has a job (until joined) */
	int done;       /* its job returned */
};

static struct ctl_fworker **fw;
static int nfw, capfw;
static pthread_t host_pt;        /* the thread the pool's fibers belong to */
static int have_host;
static struct rt_fiber *host;    /* the host's own context */
static struct rt_thread *host_self;

/* A stack asked of a parked fiber (deadlock report). */
static struct {
	struct rt_fiber *of, *back;
	struct rt_native_stack *st;
} cap;

static void take_stack(struct rt_native_stack *st)
{
	void *pc[RT_NATIVE_MAX_FRAMES + 1];
	int n = backtrace(pc, RT_NATIVE_MAX_FRAMES + 1);   /* [0]: take_stack */
	st->n = n > 1 ? n - 1 : 0;
	memcpy(st->pc, pc + 1, (size_t)st->n * sizeof *pc);
	st->fiber = 1;
}

/* Switch to `to`; back here when switched to again, as `self`.  A stack
 * request for this fiber is answered and goes straight back. */
static void switch_to(struct rt_fiber *to, struct rt_thread *self)
{
	for (;;) {
		rt_fiber_switch(to);
		if (cap.of != rt_fiber_current())
			break;
		take_stack(cap.st);
		cap.of = NULL;
		to = cap.back;
	}
	rt_registry_set_self(self);
}

static void switch_unlocked(struct rt_fiber *to, struct rt_thread *self)
{
	pthread_mutex_unlock(&ctl_mu);
	switch_to(to, self);
	pthread_mutex_lock(&ctl_mu);
}

static void fiber_main(void *p)
{
	struct ctl_fworker *w = p;
	for (;;) {
		w->fn(w->arg);   /* a driver: its thread_exit gave the turn away */
		w->done = 1;
		switch_to(host, NULL);
	}
}

int ctl_fiber_spawn(struct rt_thread *t, void *(*fn)(void *), void *arg)
{
	if (!have_host || !pthread_equal(host_pt, pthread_self())) {
		/* fibers run on the thread that made them: a new pool here (the
		 * old one's fibers, idle, are left to their thread) */
		fw = NULL;
		nfw = capfw = 0;
		host_pt = pthread_self();
		have_host = 1;
	}
	host = rt_fiber_main();
	int h = -1;
	for (int i = 0; i < nfw && h < 0; i++)
		if (!fw[i]->busy)
			h = i;
	if (h < 0) {
		struct ctl_fworker *w = rt_xcalloc(1, sizeof *w);
		w->f = rt_fiber_new(fiber_main, w, FIBER_STACK);
		if (nfw == capfw) {
			capfw = capfw ? 2 * capfw : 16;
			fw = rt_xrealloc(fw, (size_t)capfw * sizeof *fw);
		}
		h = nfw++;
		fw[h] = w;
	}
	struct ctl_fworker *w = fw[h];
	w->fn = fn;
	w->arg = arg;
	w->busy = 1;
	w->done = 0;
	pthread_mutex_lock(&ctl_mu);
	ctl_ct[t->id]->fw = w;
	pthread_mutex_unlock(&ctl_mu);
	return h;
}

void ctl_fiber_join(int h)
{
	if (!fw[h]->done)
		rt_die("fiber backend: a driver fiber was joined before its driver returned");
	fw[h]->busy = 0;
}

void ctl_fiber_arrivals_locked(void)
{
	host_self = rt_self_or_null();
	for (int i = 0; i < ctl_nct; i++)
		if (ctl_ct[i]->status == CT_NEW && ctl_ct[i]->fw)
			switch_unlocked(ctl_ct[i]->fw->f, host_self);   /* back at its first point */
}

void ctl_fiber_host_locked(void)
{
	while (!ctl_all_done) {
		if (ctl_cur < 0)
			rt_die("fiber backend: nobody has the turn and the execution is not over");
		switch_unlocked(ctl_ct[ctl_cur]->fw->f, host_self);
	}
}

void ctl_fiber_park_locked(int me)
{
	struct cthread *c = ctl_ct[me];
	while (ctl_cur != me)
		switch_unlocked(ctl_cur >= 0 && ctl_running ? ctl_ct[ctl_cur]->fw->f : host, c->t);
}

/* rt_hang_fiber_stacks: the fibers' own stacks.  Asked on the host's
 * thread (a report made at a point): each parked fiber is switched to and
 * unwinds itself; the running one unwinds here.  From another thread the
 * fibers cannot be reached: not taken (n = -1). */
static void fiber_stacks(const struct rt_snap *s, int n, struct rt_native_stack *ns)
{
	int here = have_host && pthread_equal(host_pt, pthread_self());
	for (int i = 0; i < n; i++) {
		struct rt_thread *t = s[i].t;
		struct rt_fiber *f = NULL;
		if (t == host_self && host_self)
			f = host;
		else if (t && t->id < ctl_nct && ctl_ct[t->id]->t == t && ctl_ct[t->id]->fw)
			f = ctl_ct[t->id]->fw->f;
		if (!f || !ns[i].tid || ns[i].n == -2)   /* not a fiber; finished; sanitizer build */
			continue;
		ns[i].fiber = 1;
		if (!here) {
			ns[i].n = -1;
		} else if (f == rt_fiber_current()) {
			take_stack(&ns[i]);
		} else {
			cap.of = f;
			cap.back = rt_fiber_current();
			cap.st = &ns[i];
			rt_fiber_switch(f);
		}
	}
}

void ctl_fiber_begin_locked(void)
{
	rt_hang_fiber_stacks = fiber_stacks;
}

void ctl_fiber_end_locked(void)
{
	rt_hang_fiber_stacks = NULL;
}
