/* SPDX-License-Identifier: Apache-2.0 */
/* pygc.c - the harness chooses where the embedded CPython's cyclic GC
 * starts (knob py_gc_pct), so finalizers run inside the critical sections of
 * the code under test, as they can in production.
 *
 * Why not CPython's own timing: a collection runs every pending finalizer
 * on the thread that triggered it, with gc "collecting" set, so no other
 * thread can collect meanwhile.  When those finalizers print through a
 * contended lock (Rich's Console._lock with 8 printers), more garbage is made
 * while they wait than they finalize, and the next collection, started by
 * the same thread outside every lock, is longer still.  Measured on Rich
 * 13.3.1 (live_refresh, 8 workers): the process settled into that train in
 * about 1 run of 20-40, ran 8 collections in 10 s, none inside a render,
 * and never deadlocked.
 *
 * How: generation 0's threshold stays out of reach (RT_GC_PARKED).  Right
 * after a thread acquires a lock of the code under test, the harness, with
 * seeded probability pct %, sets it to 1: the next allocation of a new GC
 * object (normally the same thread's, inside the critical section it just
 * entered) starts a real collection at a real allocation site.  The "start"
 * callback parks the threshold again.  Points are not armed while a
 * collection runs (its finalizers take locks too), and generations 1 and 2
 * follow from CPython's own thresholds (every 10th, 100th collection).
 *
 * Only locks created outside threading.py are points: threading's own
 * Condition/Event sections need not allocate.  Code that takes no lock at
 * all still collects: at the start of each driver write/log, a backstop arms
 * once generation 0 holds as many objects as CPython's own threshold.
 *
 * Drivers make no garbage while a collection runs (the operation goes on
 * without it), so no collection can find more garbage than was pending when
 * the one before it started.  Without this, 1 of 20 8-worker runs missed
 * while CI ran other tests alongside: finalizers ran at ~12/s for the whole
 * 10 s with no lock-order report, i.e. none under Console._lock; where that
 * train started was not traced.
 *
 * In a controlled execution (python/pyctl.c) a point that fires collects
 * generation 0 right there, on the thread that took the lock, and only a
 * controlled thread's points fire: which thread allocates next would
 * depend on Python's caches, not on the schedule.  The backstop is off
 * there (allocation counts are not part of the schedule either), and the
 * per-thread dice are reseeded for every execution.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/pygc.h"

#include "python/pyctl.h"

#include "runtime/registry.h"
#include "base/util.h"

#define RT_GC_PARKED 1000000      /* gen-0 threshold between armed points */
#define RT_GC_DEFAULT 700         /* CPython's own */
/* `redirtorture py`: a program may allocate for long without taking a lock
 * (no driver writes either), so between points its collections still
 * come, 10 times less often than CPython's own. */
#define RT_GC_PROGRAM 7000

static int pct;
static int parked = RT_GC_PARKED;   /* gen-0 threshold between armed points */
static uint64_t seed;
static int armed;
static int collecting;            /* between the "start" and "stop" callbacks */
static PyObject *set_threshold;   /* gc.set_threshold */
static PyObject *get_count;       /* gc.get_count */
static PyObject *collect;         /* gc.collect */
static uint64_t run_gen;          /* bumped by every rt_py_gc_configure */
static _Thread_local struct rt_rng rng;
static _Thread_local uint64_t rng_gen;   /* the run_gen rng was made in */

/* gc.set_threshold(t0), keeping any exception the caller has pending. */
static int threshold(int t0)
{
	PyObject *et, *ev, *tb;
	PyErr_Fetch(&et, &ev, &tb);
	PyObject *r = PyObject_CallFunction(set_threshold, "i", t0);
	Py_XDECREF(r);
	PyErr_Clear();
	PyErr_Restore(et, ev, tb);
	return r ? 0 : -1;
}

int rt_py_gc_configure(int p, uint64_t s)
{
	if (!set_threshold) {
		PyObject *gc = PyImport_ImportModule("gc");
		set_threshold = gc ? PyObject_GetAttrString(gc, "set_threshold") : NULL;
		get_count = gc ? PyObject_GetAttrString(gc, "get_count") : NULL;
		collect = gc ? PyObject_GetAttrString(gc, "collect") : NULL;
		Py_XDECREF(gc);
		if (!set_threshold || !get_count || !collect)
			return -1;
	}
	run_gen++;
	pct = p;
	seed = s;
	armed = 0;
	parked = RT_GC_PARKED;
	/* not threshold(): a failure here stays pending for the caller's report */
	PyObject *r = PyObject_CallFunction(set_threshold, "i", p ? RT_GC_PARKED : RT_GC_DEFAULT);
	Py_XDECREF(r);
	return r ? 0 : -1;
}

/* Arm: the next allocation of a GC object collects. */
static void arm(void)
{
	armed = !threshold(1);
}

/* A controlled execution: collect generation 0 now, on this thread. */
static void collect_now(void)
{
	PyObject *et, *ev, *tb;
	PyErr_Fetch(&et, &ev, &tb);
	PyObject *r = PyObject_CallFunction(collect, "i", 0);
	Py_XDECREF(r);
	PyErr_Clear();
	PyErr_Restore(et, ev, tb);
}

void rt_py_gc_point(void)
{
	if (!pct || armed || collecting)
		return;
	int ctl = rt_py_ctl_on();
	if (ctl && !rt_py_ctl_controls(rt_self_or_null()))
		return;
	if (rng_gen != run_gen) {      /* first point of this thread in this run */
		struct rt_thread *t = rt_self_or_null();
		rng.s = rt_mix64(seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(t ? t->id + 1 : 0)));
		rng_gen = run_gen;
	}
	if ((int)rt_rng_below(&rng, 100) >= pct)
		return;
	if (ctl)
		collect_now();
	else
		arm();
}

void rt_py_gc_backstop(void)
{
	if (!pct || armed || collecting || rt_py_ctl_on())
		return;
	PyObject *et, *ev, *tb;
	PyErr_Fetch(&et, &ev, &tb);
	PyObject *c = PyObject_CallNoArgs(get_count);
	long gen0 = c && PyTuple_Check(c) && PyTuple_GET_SIZE(c) > 0
			    ? PyLong_AsLong(PyTuple_GET_ITEM(c, 0)) : 0;
	Py_XDECREF(c);
	PyErr_Clear();
	PyErr_Restore(et, ev, tb);
	if (gen0 >= RT_GC_DEFAULT)
		arm();
}

int rt_py_gc_may_make_garbage(void)
{
	return !pct || !collecting;
}

void rt_py_gc_started(void)
{
	collecting = 1;
	if (!pct || !armed)
		return;
	armed = 0;
	threshold(parked);
}

void rt_py_gc_program_mode(void)
{
	if (!pct)
		return;
	parked = RT_GC_PROGRAM;
	threshold(parked);
}

void rt_py_gc_stopped(void)
{
	collecting = 0;
}
