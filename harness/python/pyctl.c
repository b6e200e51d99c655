/* SPDX-License-Identifier: Apache-2.0 */
/* pyctl.c - the embedded CPython under the controlled scheduler (issue 14;
 * docs/controlled.md "Controlled Python").
 *
 * The scheduler (sched/sched_ctl.c) runs one controlled thread at a time:
 * driver threads and the threads the code under test starts through
 * `threading` (Live's refresh thread).  This file is the Python side:
 *  - the GIL hand-off: a thread parked by the scheduler releases the GIL
 *    (the park hooks), and takes it back once it has the turn, so the
 *    running thread is the only controlled one that wants it and CPython's
 *    own GIL switches never decide the order;
 *  - harness lock acquires and Condition waits of controlled threads are
 *    scheduler waits (a lock: not enabled while held; a wait: parked until
 *    notified or its virtual deadline), with the Python stack as the
 *    thread's note, so an exact DEADLOCK report shows every stack;
 *  - `threading.Thread.start` makes the new thread's record in creation
 *    order (ids and names are the same in every execution), the creator
 *    keeps its turn until the new thread parked at the start of run();
 *    `join` waits in the scheduler for the thread's end; `time.sleep` and
 *    timed waits use the scheduler's virtual clock.
 * What stays outside control is in docs/controlled.md. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/pyctl.h"
#include "python/pyframes.h"
#include "python/pyidents.h"
#include "python/pymodule.h"

#include "runtime/hooks.h"
#include "runtime/registry.h"
#include "runtime/rt.h"
#include "runtime/schedpoint.h"

#include <stdlib.h>

/* ---- the GIL of a parked thread ------------------------------------------ */

static void *gil_save(void)
{
	/* only a thread that holds the GIL itself (C drivers between
	 * operations hold none) */
	if (!Py_IsInitialized() || !PyGILState_Check())
		return NULL;
	return PyEval_SaveThread();
}

static void gil_restore(void *tstate) { PyEval_RestoreThread(tstate); }

int rt_py_ctl_on(void) { return rt_sched->controlled; }

int rt_py_ctl_controls(struct rt_thread *t) { return t && rt_sched->controls(t); }

static uint64_t to_ns(double timeout)
{
	if (timeout < 0 || timeout > 1e9)   /* no limit, or longer than a run */
		return RT_NO_TIMEOUT;
	return (uint64_t)(timeout * 1e9);
}

/* ---- locks and waits -------------------------------------------------------- */

static int lock_free(const void *l) { return rt_lock_owner(l) == NULL; }

int rt_py_ctl_acquire(rt_lock *l, double timeout, struct rt_site site)
{
	struct rt_thread *t = rt_self();
	rt_py_stack_record();
	int ok = 1;
	if (timeout < 0) {
		rt_lock_acquire_at(l, site);   /* parks until l is free; GIL released */
	} else if (!rt_lock_try_acquire_at(l, 1, site)) {
		int r = timeout > 0 ? rt_sched->wait(t, lock_free, l, to_ns(timeout)) : 0;
		ok = r > 0 ? rt_lock_try_acquire_at(l, 0, site)
		     : r < 0 ? rt_lock_timed_acquire_at(l, (uint64_t)(timeout * 1e9), site) : 0;
	}
	rt_py_stack_clear();
	return ok;
}

int rt_py_ctl_wait(struct rt_thread *t, int (*ready)(const void *), const void *obj,
		   double timeout, const char *on, struct rt_site site)
{
	if (!rt_py_ctl_controls(t))
		return -1;
	rt_py_stack_record();
	uint64_t ns = to_ns(timeout);
	/* the report's picture; the deadline is virtual, so none is shown */
	rt_thread_notify_wait_begin(t, on, site, 0);
	int r = rt_sched->wait(t, ready, obj, ns);
	rt_thread_set_state(t, RT_TS_RUNNING);
	rt_py_stack_clear();
	return r;
}

/* ---- threads ------------------------------------------------------------------ */

static struct rt_thread *thread_of(PyObject *h)
{
	long id = PyLong_AsLong(h);
	struct rt_thread *t = id >= 0 && id < rt_registry_count() ? rt_registry_get((int)id) : NULL;
	if (!t && !PyErr_Occurred())
		PyErr_SetString(PyExc_ValueError, "no such controlled thread");
	return t;
}

/* ctl_thread_new(name) -> handle, or None outside controlled mode. */
static PyObject *m_thread_new(PyObject *mod, PyObject *arg)
{
	(void)mod;
	const char *name = PyUnicode_AsUTF8(arg);
	if (!name)
		return NULL;
	if (!rt_sched->controlled)
		Py_RETURN_NONE;
	struct rt_thread *t = rt_registry_new(name, "python");
	rt_sched->thread_created(t);
	return PyLong_FromLong(t->id);
}

/* In the new thread, first thing: its record is the one made for it. */
static PyObject *m_thread_adopt(PyObject *mod, PyObject *h)
{
	(void)mod;
	struct rt_thread *t = thread_of(h);
	if (!t)
		return NULL;
	rt_registry_adopt(t);
	rt_py_idents_adopt(t->id);
	Py_RETURN_NONE;
}

/* In the new thread, before run(): park until the scheduler picks it. */
static PyObject *m_thread_start(PyObject *mod, PyObject *unused)
{
	(void)mod, (void)unused;
	struct rt_thread *t = rt_self_or_null();
	if (t)
		rt_sched->thread_start(t);
	Py_RETURN_NONE;
}

/* In the creator, after Thread.start: wait (keeping the turn) until the
 * new thread parked, so it joins the schedule at the same step each time. */
static PyObject *m_thread_started(PyObject *mod, PyObject *h)
{
	(void)mod;
	struct rt_thread *t = thread_of(h);
	if (!t)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	rt_sched->await_start(t);
	Py_END_ALLOW_THREADS
	Py_RETURN_NONE;
}

static PyObject *m_hold(PyObject *mod, PyObject *on)
{
	(void)mod;
	int v = PyObject_IsTrue(on);
	if (v < 0)
		return NULL;
	struct rt_thread *t = rt_self_or_null();
	if (t)
		rt_sched->hold(t, v);
	Py_RETURN_NONE;
}

static int finished(const void *t)
{
	return atomic_load(&((struct rt_thread *)t)->state) == RT_TS_FINISHED;
}

/* ctl_join(handle, timeout) -> True if the thread finished (the caller
 * then joins it for real), False if not, None if not controlled. */
static PyObject *m_join(PyObject *mod, PyObject *args)
{
	(void)mod;
	PyObject *h;
	double timeout;
	if (!PyArg_ParseTuple(args, "Od:ctl_join", &h, &timeout))
		return NULL;
	struct rt_thread *t = thread_of(h);
	if (!t)
		return NULL;
	struct rt_thread *me = rt_py_self();
	int r = rt_sched->wait(me, finished, t, to_ns(timeout));
	if (r < 0)
		Py_RETURN_NONE;
	return PyBool_FromLong(r);
}

/* ctl_sleep(secs) -> True if slept on the virtual clock, False: not
 * controlled, sleep for real. */
static PyObject *m_sleep(PyObject *mod, PyObject *arg)
{
	(void)mod;
	double secs = PyFloat_AsDouble(arg);
	if (secs == -1 && PyErr_Occurred())
		return NULL;
	struct rt_thread *t = rt_self_or_null();
	if (!rt_py_ctl_controls(t))
		Py_RETURN_FALSE;
	rt_sched->sleep(t, secs > 0 ? to_ns(secs) : 0);
	Py_RETURN_TRUE;
}

static PyObject *m_on(PyObject *mod, PyObject *unused)
{
	(void)mod, (void)unused;
	return PyBool_FromLong(rt_sched->controlled);
}

void rt_py_ctl_thread_exit(void)
{
	rt_py_idents_forget();
	struct rt_thread *t = rt_self_or_null();
	if (!t)
		return;
	rt_thread_unregister();
	rt_sched->thread_exit(t);   /* hands the turn on; the rest runs free */
}

void rt_py_ctl_new_thread(void)
{
	struct rt_thread *t = rt_self_or_null();
	PyObject *name = PyUnicode_FromString("threading");
	PyObject *threading = name ? PyImport_GetModule(name) : NULL;
	Py_XDECREF(name);
	if (!threading) {
		PyErr_Clear();
		return;
	}
	if (t)
		rt_sched->hold(t, 1);
	PyObject *r = PyObject_CallMethod(threading, "current_thread", NULL);
	rt_py_idents_name_self();
	if (t)
		rt_sched->hold(t, 0);
	Py_XDECREF(r);
	Py_DECREF(threading);
	PyErr_Clear();
}

static PyMethodDef ctl_functions[] = {
	{ "ctl_on", m_on, METH_NOARGS, "ctl_on() -> True in a controlled execution" },
	{ "ctl_thread_new", m_thread_new, METH_O,
	  "ctl_thread_new(name) -> handle of a controlled thread about to start, or None" },
	{ "ctl_thread_adopt", m_thread_adopt, METH_O, "ctl_thread_adopt(handle): in the new thread" },
	{ "ctl_thread_start", m_thread_start, METH_NOARGS,
	  "ctl_thread_start(): in the new thread before run(): wait for the turn" },
	{ "ctl_thread_started", m_thread_started, METH_O,
	  "ctl_thread_started(handle): in the creator: wait until the thread waits for its turn" },
	{ "ctl_hold", m_hold, METH_O, "ctl_hold(on): keep the turn (no scheduling points)" },
	{ "ctl_join", m_join, METH_VARARGS, "ctl_join(handle, timeout) -> finished, or None" },
	{ "ctl_sleep", m_sleep, METH_O, "ctl_sleep(secs) -> True if slept on the virtual clock" },
	{ NULL, NULL, 0, NULL },
};

int rt_py_ctl_add_functions(PyObject *module)
{
	static const struct rt_park_hooks hooks = { gil_save, gil_restore };
	rt_park_hooks = hooks;
	return PyModule_AddFunctions(module, ctl_functions) ? -1 : rt_py_idents_add_functions(module);
}

int rt_py_ctl_prepare(PyObject *glue)
{
	rt_py_idents_reset();   /* real idents again; this thread's virtual one */
	if (!rt_sched->controlled)
		return 0;
	/* the same start every execution: thread names from 1, no garbage of
	 * the execution before, generation counts at zero */
	PyObject *r = PyObject_CallMethod(glue, "ctl_reset", NULL);
	Py_XDECREF(r);
	PyGC_Collect();
	return r ? 0 : -1;
}
