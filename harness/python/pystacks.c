/* SPDX-License-Identifier: Apache-2.0 */
/* pystacks.c - the Python stack of every thread of a hang report, wherever
 * it is: in Python code, in a C call (select, os.read, time.sleep), or
 * blocked on a native lock; not only of threads that wait for a harness
 * lock (their note has it already).
 *
 * Frames may only be read with the GIL.  The report is made on the
 * watchdog's thread, which must never block for good, so a helper thread of
 * this file takes the GIL and walks every thread state
 * (PyInterpreterState_ThreadHead / PyThreadState_Next), matching them to
 * the report's threads by kernel TID (PyThreadState.native_thread_id), and
 * the report waits for it at most STACK_WAIT_NS.  Threads blocked in C calls
 * have released the GIL, so it is normally free at once.  A report made by
 * the thread that holds the GIL (a controlled execution's exact deadlock,
 * found at a Python thread's lock acquire) walks them itself.  If a thread holds
 * it for good (a C extension blocked with the GIL), the report says the
 * Python stacks were not taken and the helper stays behind (no later
 * report asks it again).  The GC is off while frames are walked: frame
 * objects are allocations, and a collection would run finalizers here.
 *
 * A crash (SIGSEGV, SIGABRT, ...) cannot wait for the GIL.  CPython's own
 * faulthandler dumps every thread's Python stack without it, signal-safely
 * (it reads the thread states as they are); rt_pystacks_crash_enable turns
 * it on for the saved stderr, chained with the harness's crash handler
 * (base/nativestack.c): faulthandler's handler runs first, writes
 * "Fatal Python error: ..." and each thread's stack, puts back the handler
 * it found (the harness's) and raises the signal again, which then writes
 * the crashing thread's native stack and the list of the run's threads
 * (names, TIDs, and the thread ids faulthandler prints).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/pystacks.h"
#include "python/pyframes.h"

#include "runtime/langstack.h"

#include "engine/hangreport.h"
#include "base/util.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define STACK_WAIT_NS (300 * 1000000ULL)

struct request {
	int n;
	pid_t *tids;
	struct rt_stack **out;   /* filled by the helper */
	int done, abandoned;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct request *pending;   /* posted, not yet taken by the helper */
static int helper_started, helper_stuck;

static void request_free(struct request *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->out[i]);
	free(r->out);
	free(r->tids);
	free(r);
}

/* GIL held: each requested thread's stack, by TID. */
static void walk(struct request *r)
{
	int was = PyGC_Disable();
	PyObject *et, *ev, *tb;
	PyErr_Fetch(&et, &ev, &tb);
	PyInterpreterState *interp = PyInterpreterState_Main();
	for (PyThreadState *ts = PyInterpreterState_ThreadHead(interp); ts;
	     ts = PyThreadState_Next(ts)) {
		for (int i = 0; i < r->n; i++) {
			if (r->out[i] || (unsigned long)r->tids[i] != ts->native_thread_id)
				continue;
			PyFrameObject *f = PyThreadState_GetFrame(ts);
			r->out[i] = rt_py_stack(f);
			Py_XDECREF(f);
		}
	}
	PyErr_Restore(et, ev, tb);
	if (was)
		PyGC_Enable();
}

static void *helper_main(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (!pending)
			pthread_cond_wait(&cv, &mu);
		struct request *r = pending;
		pending = NULL;
		pthread_mutex_unlock(&mu);
		PyGILState_STATE g = PyGILState_Ensure();
		walk(r);
		PyGILState_Release(g);
		pthread_mutex_lock(&mu);
		r->done = 1;
		int abandoned = r->abandoned;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
		if (abandoned)
			request_free(r);
	}
	return NULL;
}

/* rt_hang_lang_stacks: out[i] = the Python stack of the thread with TID
 * tids[i] (malloc'd), or left NULL. */
static void take(const pid_t *tids, int n, struct rt_stack **out)
{
	struct request *r = rt_xcalloc(1, sizeof *r);
	r->n = n;
	r->tids = rt_xmalloc((size_t)(n + 1) * sizeof *r->tids);
	memcpy(r->tids, tids, (size_t)n * sizeof *tids);
	r->out = rt_xcalloc((size_t)n + 1, sizeof *r->out);
	if (Py_IsInitialized() && PyGILState_Check()) {
		/* The report is made by the thread that holds the GIL: in a
		 * controlled execution, the one whose scheduling point found the
		 * deadlock, inside Python code (a lock acquire); it releases the
		 * GIL only when it parks, after the report.  The helper would
		 * wait for it in vain; this thread walks the frames itself, and
		 * no other thread can run Python meanwhile. */
		walk(r);
		goto out;
	}
	pthread_mutex_lock(&mu);
	if (helper_stuck || pending) {
		pthread_mutex_unlock(&mu);
		request_free(r);
		return;
	}
	pending = r;
	pthread_cond_broadcast(&cv);
	struct timespec until = rt_deadline_in(CLOCK_REALTIME, STACK_WAIT_NS);
	int rc = 0;
	while (!r->done && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&cv, &mu, &until);
	if (!r->done) {   /* the GIL is held for good: leave the helper to it */
		helper_stuck = 1;
		int mine = pending == r;   /* else the helper has it and frees it */
		if (mine)
			pending = NULL;
		else
			r->abandoned = 1;
		pthread_mutex_unlock(&mu);
		if (mine)
			request_free(r);
		for (int i = 0; i < n; i++)
			out[i] = rt_stack_none("python", 0, "the GIL was not free within 300 ms: "
							    "a thread holds it");
		return;
	}
	pthread_mutex_unlock(&mu);
out:
	memcpy(out, r->out, (size_t)n * sizeof *out);
	memset(r->out, 0, (size_t)n * sizeof *out);
	request_free(r);
}

int rt_pystacks_crash_enable(int fd)
{
	/* disable first: enable() keeps the handlers it found the first time,
	 * and the harness puts its own back for every run */
	PyObject *fh = PyImport_ImportModule("faulthandler");
	PyObject *r = fh ? PyObject_CallMethod(fh, "disable", NULL) : NULL;
	Py_XDECREF(r);
	r = fh && r ? PyObject_CallMethod(fh, "enable", "ii", fd, 1) : NULL;
	int rc = r ? 0 : -1;
	Py_XDECREF(r);
	Py_XDECREF(fh);
	return rc;
}

int rt_pystacks_install(void)
{
	if (!helper_started) {
		pthread_t t;
		sigset_t all, old;
		sigfillset(&all);   /* signals stay with the harness's threads */
		pthread_sigmask(SIG_SETMASK, &all, &old);
		int rc = pthread_create(&t, NULL, helper_main, NULL);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (rc)
			return -rc;
		pthread_detach(t);
		helper_started = 1;
	}
	rt_hang_lang_stacks = take;
	return 0;
}
