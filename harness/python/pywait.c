/* SPDX-License-Identifier: Apache-2.0 */
/* pywait.c - `_redirtorture.Waiter(name)`: what threading._allocate_lock
 * returns to Condition.wait (the glue decides), a binary lock like
 * _thread.lock.  Condition.wait acquires it once, then blocks acquiring it
 * again until notify() releases it from another thread.  That second,
 * blocking acquire is a harness wait: the thread's record says "waits for
 * notify on <name>" (the Condition's creation site, from the glue), where
 * (the first frame outside threading.py), until when if timed, and the
 * thread's Python stack is its note.  Nobody owns a condition; the
 * evidence for who might end the wait is who notified a condition of the
 * same name before (`_redirtorture.notify(name)`, called by the glue's
 * Condition.notify), from which hangreport.c infers wait-for edges.  A
 * waiter is in no lock-order graph (it is a signal, not mutual exclusion).
 * As in pylocks.c, everything that touches Python objects happens before
 * the bookkeeping starts, and the thread waits with the GIL released. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/pywait.h"
#include "python/pyctl.h"
#include "python/pyframes.h"
#include "python/pylocks.h"
#include "python/pymodule.h"

#include "runtime/hooks.h"
#include "runtime/registry.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	PyObject_HEAD
	PyThread_type_lock lock;
	_Atomic int locked;         /* read without the GIL by the scheduler */
	const char *on;             /* the condition's name, interned */
	struct rt_thread *sleeper;  /* the thread blocked in acquire (GIL guards it) */
	PyObject *weakreflist;
} Waiter;

struct rt_site rt_py_outside_site(int (*inside)(const char *file))
{
	PyFrameObject *f = PyEval_GetFrame();
	Py_XINCREF(f);
	struct rt_site s = { "<c>", 0, "?" };
	while (f) {
		s = rt_py_frame_site(f);
		if (!inside(s.file) && !rt_py_glue_file(s.file))
			break;
		PyFrameObject *back = PyFrame_GetBack(f);
		Py_DECREF(f);
		f = back;
	}
	Py_XDECREF(f);
	return s;
}

int rt_py_glue_file(const char *file)
{
	/* the glue and its threading wrappers (Thread.join, Condition...) */
	return !strcmp(file, "redirtorture_glue.py") || !strcmp(file, "redirtorture_threading.py");
}

static int in_threading(const char *file) { return !strcmp(file, "threading.py"); }

/* Queue.get, not Condition.wait: where a thread waits for a notify. */
static struct rt_site outside_site(void) { return rt_py_outside_site(in_threading); }

void rt_py_notify_wait_begin(struct rt_thread *t, const char *on, struct rt_site site,
			     uint64_t deadline)
{
	rt_py_stack_record();
	rt_thread_notify_wait_begin(t, on, site, deadline);
}

void rt_py_notify_wait_end(struct rt_thread *t)
{
	rt_thread_set_state(t, RT_TS_RUNNING);
	rt_py_stack_clear();
}

static int waiter_free(const void *w) { return !atomic_load(&((const Waiter *)w)->locked); }

/* timeout < 0: no limit.  1 if acquired. */
static int waiter_acquire_timed(Waiter *w, double timeout)
{
	if (PyThread_acquire_lock_timed(w->lock, 0, 0) == PY_LOCK_ACQUIRED)
		return atomic_store(&w->locked, 1), 1;
	if (timeout == 0)
		return 0;
	struct rt_thread *t = rt_py_self();
	struct rt_site site = outside_site();
	/* controlled: parked until notified, or its virtual deadline */
	if (rt_py_ctl_wait(t, waiter_free, w, timeout, w->on, site) >= 0)
		return PyThread_acquire_lock_timed(w->lock, 0, 0) == PY_LOCK_ACQUIRED
			       ? (atomic_store(&w->locked, 1), 1)
			       : 0;
	double us = timeout * 1e6;
	if (us > (double)PY_TIMEOUT_MAX)
		us = (double)PY_TIMEOUT_MAX;
	uint64_t deadline = timeout < 0 ? 0 : rt_now_ns() + (uint64_t)(us * 1e3) + 1;
	rt_py_notify_wait_begin(t, w->on, site, deadline);
	w->sleeper = t;
	PyLockStatus r;
	Py_BEGIN_ALLOW_THREADS
	r = PyThread_acquire_lock_timed(w->lock, timeout < 0 ? -1 : (PY_TIMEOUT_T)us, 0);
	Py_END_ALLOW_THREADS
	w->sleeper = NULL;
	rt_py_notify_wait_end(t);
	if (r != PY_LOCK_ACQUIRED)
		return 0;
	return atomic_store(&w->locked, 1), 1;
}

static PyObject *waiter_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "name", NULL };
	const char *name = "python Condition";
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|s", kwlist, &name))
		return NULL;
	Waiter *self = (Waiter *)type->tp_alloc(type, 0);
	if (!self)
		return NULL;
	self->lock = PyThread_allocate_lock();
	if (!self->lock) {
		Py_DECREF(self);
		PyErr_SetString(PyExc_MemoryError, "cannot allocate lock");
		return NULL;
	}
	self->on = rt_py_intern(name);
	return (PyObject *)self;
}

static void waiter_dealloc(Waiter *self)
{
	if (self->weakreflist)
		PyObject_ClearWeakRefs((PyObject *)self);
	if (self->lock) {
		if (self->locked)
			PyThread_release_lock(self->lock);
		PyThread_free_lock(self->lock);
	}
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *waiter_acquire(Waiter *self, PyObject *args, PyObject *kw)
{
	int blocking = 1;
	double timeout = -1;
	if (rt_py_acquire_args(args, kw, &blocking, &timeout))
		return NULL;
	return PyBool_FromLong(waiter_acquire_timed(self, blocking ? timeout : 0));
}

static PyObject *waiter_enter(Waiter *self, PyObject *unused)
{
	(void)unused;
	waiter_acquire_timed(self, -1);
	Py_RETURN_TRUE;
}

static PyObject *waiter_release(Waiter *self, PyObject *unused)
{
	(void)unused;
	if (!self->locked) {
		PyErr_SetString(PyExc_RuntimeError, "release unlocked lock");
		return NULL;
	}
	self->locked = 0;
	/* Condition.notify: the sleeper runs from now on, even if it waits a
	 * while for the GIL before it can say so itself */
	if (self->sleeper)
		rt_thread_woken(self->sleeper);
	PyThread_release_lock(self->lock);
	Py_RETURN_NONE;
}

static PyObject *waiter_exit(Waiter *self, PyObject *args)
{
	(void)args;
	return waiter_release(self, NULL);
}

static PyObject *waiter_locked(Waiter *self, PyObject *unused)
{
	(void)unused;
	return PyBool_FromLong(self->locked);
}

static PyObject *waiter_at_fork_reinit(Waiter *self, PyObject *unused)
{
	(void)unused;
	/* In a forked child: a fresh, unlocked lock (the old one is left). */
	PyThread_type_lock l = PyThread_allocate_lock();
	if (!l)
		return PyErr_NoMemory();
	self->lock = l;
	self->locked = 0;
	Py_RETURN_NONE;
}

static PyObject *waiter_repr(Waiter *self)
{
	return PyUnicode_FromFormat("<redirtorture Waiter on \"%s\" %s>", self->on,
				    self->locked ? "locked" : "unlocked");
}

static PyMethodDef waiter_methods[] = {
	{ "acquire", (PyCFunction)(void (*)(void))waiter_acquire, METH_VARARGS | METH_KEYWORDS,
	  "acquire(blocking=True, timeout=-1)" },
	{ "release", (PyCFunction)waiter_release, METH_NOARGS, "release()" },
	{ "__enter__", (PyCFunction)waiter_enter, METH_NOARGS, NULL },
	{ "__exit__", (PyCFunction)waiter_exit, METH_VARARGS, NULL },
	{ "locked", (PyCFunction)waiter_locked, METH_NOARGS, "locked()" },
	{ "_at_fork_reinit", (PyCFunction)waiter_at_fork_reinit, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

static PyTypeObject WaiterType = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_redirtorture.Waiter",
	.tp_basicsize = sizeof(Waiter),
	.tp_dealloc = (destructor)waiter_dealloc,
	.tp_repr = (reprfunc)waiter_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Waiter(name): a Condition waiter lock whose blocking waits the harness sees",
	.tp_weaklistoffset = offsetof(Waiter, weakreflist),
	.tp_methods = waiter_methods,
	.tp_new = waiter_new,
};

/* notify(name): the calling thread notifies a condition named name. */
static PyObject *py_notify(PyObject *mod, PyObject *arg)
{
	(void)mod;
	const char *name = PyUnicode_AsUTF8(arg);
	if (!name)
		return NULL;
	rt_thread_notified(rt_py_self(), rt_py_intern(name));
	Py_RETURN_NONE;
}

/* wait_native(name, timeout, fn, *args): fn(*args) blocks in a native
 * wait that no Waiter stands for (Thread.join on the thread's _tstate_lock,
 * which CPython releases from C when the thread ends); meanwhile the
 * thread is in a notify wait on name, as with a Waiter.  timeout < 0: none.
 * Returns what fn returns. */
static PyObject *py_wait_native(PyObject *mod, PyObject *args)
{
	(void)mod;
	Py_ssize_t n = PyTuple_GET_SIZE(args);
	const char *name = n >= 3 ? PyUnicode_AsUTF8(PyTuple_GET_ITEM(args, 0)) : NULL;
	double timeout = n >= 3 ? PyFloat_AsDouble(PyTuple_GET_ITEM(args, 1)) : -1;
	if (!name || PyErr_Occurred()) {
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_TypeError, "wait_native(name, timeout, fn, *args)");
		return NULL;
	}
	PyObject *rest = PyTuple_GetSlice(args, 3, n);
	if (!rest)
		return NULL;
	struct rt_thread *t = rt_py_self();
	struct rt_site site = outside_site();
	uint64_t deadline = timeout < 0 ? 0 : rt_now_ns() + (uint64_t)(timeout * 1e9) + 1;
	rt_py_notify_wait_begin(t, rt_py_intern(name), site, deadline);
	PyObject *r = PyObject_Call(PyTuple_GET_ITEM(args, 2), rest, NULL);
	rt_py_notify_wait_end(t);
	Py_DECREF(rest);
	return r;
}

static PyMethodDef wait_functions[] = {
	{ "notify", py_notify, METH_O,
	  "notify(name): the calling thread notifies a Condition named name" },
	{ "wait_native", py_wait_native, METH_VARARGS,
	  "wait_native(name, timeout, fn, *args): fn(*args) as a notify wait on name" },
	{ NULL, NULL, 0, NULL },
};

int rt_pywait_add_types(PyObject *module)
{
	if (PyType_Ready(&WaiterType) < 0 || PyModule_AddFunctions(module, wait_functions) < 0)
		return -1;
	return PyModule_AddObjectRef(module, "Waiter", (PyObject *)&WaiterType);
}
