/* pygc.c - the harness chooses where the embedded CPython's cyclic GC
 * starts (knob py_gc_pct), so finalizers run inside the critical sections of
 * the code under test, as they can in production.
 *
 * Why not CPython's own timing: a collection runs every pending finalizer
 * on the thread that triggered it, with gc "collecting" set, so no other
 * thread can collect meanwhile.  When those finalizers print through a
 * contended lock (Rich's Console._lock with 8 printers), garbage made while
 * they wait exceeds the threshold again by the time they finish, and the
 * same thread, still outside every lock, starts the next collection at its
 * next allocation.  Measured on Rich 13.3.1 (live_refresh, 8 workers): the
 * process settled into that loop in about 1 run of 20-40, ran 8 collections
 * in 10 s, none inside a render, and never deadlocked.
 *
 * How: the generation-0 threshold stays out of reach (RT_GC_PARKED); at a
 * collection point the harness, with seeded probability, sets it to 1, so
 * the next allocation of a container object starts a real collection at a
 * real allocation site: normally inside the critical section just entered.
 * The "start" callback parks the threshold again.  Generation 1 and 2
 * collections follow from CPython's own thresholds (10, 10).
 *
 * Points are lock acquisitions of locks created outside threading.py (those
 * guard code under test, which allocates; threading's own Condition and
 * Event sections need not) and the start of each driver operation (so code
 * that takes no locks still collects).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pygc.h"

#include "registry.h"
#include "util.h"

#define RT_GC_PARKED 1000000      /* gen-0 threshold between armed points */
#define RT_GC_DEFAULT 700         /* CPython's own */

static int pct;
static uint64_t seed;
static int armed;
static int collecting;            /* between the "start" and "stop" callbacks */
static PyObject *set_threshold;   /* gc.set_threshold */
static _Thread_local struct rt_rng rng;
static _Thread_local uint64_t rng_seed;   /* the seed rng was made from */

static int threshold(int t0)
{
	PyObject *r = PyObject_CallFunction(set_threshold, "i", t0);
	Py_XDECREF(r);
	return r ? 0 : -1;
}

int rt_py_gc_configure(int p, uint64_t s)
{
	if (!set_threshold) {
		PyObject *gc = PyImport_ImportModule("gc");
		set_threshold = gc ? PyObject_GetAttrString(gc, "set_threshold") : NULL;
		Py_XDECREF(gc);
		if (!set_threshold)
			return -1;
	}
	pct = p;
	seed = s;
	armed = 0;
	return threshold(p ? RT_GC_PARKED : RT_GC_DEFAULT);
}

void rt_py_gc_point(void)
{
	/* Not from a running collection's finalizers: the next collection
	 * would start right after the last of them, on the same thread, outside
	 * the locks they took (the loop described above). */
	if (!pct || armed || collecting)
		return;
	if (rng_seed != seed + 1) {      /* first point of this thread in this run */
		struct rt_thread *t = rt_self_or_null();
		rng.s = rt_mix64(seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(t ? t->id + 1 : 0)));
		rng_seed = seed + 1;
	}
	if ((int)rt_rng_below(&rng, 100) >= pct)
		return;
	PyObject *et, *ev, *tb;
	PyErr_Fetch(&et, &ev, &tb);
	if (!threshold(1))
		armed = 1;
	PyErr_Clear();
	PyErr_Restore(et, ev, tb);
}

void rt_py_gc_started(void)
{
	collecting = 1;
	if (!pct || !armed)
		return;
	armed = 0;
	threshold(RT_GC_PARKED);
	PyErr_Clear();
}

void rt_py_gc_stopped(void)
{
	collecting = 0;
}
