/* SPDX-License-Identifier: Apache-2.0 */
/* pysemlock.c - `_redirtorture.SemWatch(semlock, name, kind)`: what the
 * glue puts in front of a multiprocessing SemLock (multiprocessing.Lock,
 * RLock, Semaphore, BoundedSemaphore) used in this process.  The SemLock
 * stays the real lock (a POSIX semaphore other processes may share); the
 * watch keeps the harness's books around its acquire and release:
 *  - kind "rlock" / "lock": a harness lock named by the creation site
 *    (runtime/lock.h rt_lock_ext_*), so it is in the lock-order graph,
 *    has an owner, and a thread blocked on it is an edge of the wait-for
 *    graph, with its Python stack; "lock" may be released by any thread;
 *  - kind "sem": a counting semaphore has no owner: a blocked acquire is a
 *    notify wait on its name and a release a notify of it, so hang reports
 *    infer who could end the wait from who released it before.
 * Everything that touches Python objects happens outside the bookkeeping;
 * the SemLock's own acquire releases the GIL while it blocks. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/pysemlock.h"
#include "python/pyframes.h"
#include "python/pymodule.h"
#include "python/pywait.h"

#include "runtime/lock.h"
#include "runtime/hooks.h"
#include "runtime/registry.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

enum { SW_RLOCK, SW_LOCK, SW_SEM };

typedef struct {
	PyObject_HEAD
	PyObject *acq, *rel;        /* the SemLock's bound acquire / release */
	rt_lock *lock;              /* SW_RLOCK, SW_LOCK */
	const char *name;           /* interned */
	int kind;
} SemWatch;

static int in_multiprocessing(const char *file) { return !strncmp(file, "multiprocessing/", 16); }

/* The SemLock's acquire(block, timeout): 1, 0, or -1 with an exception. */
static int real_acquire(SemWatch *w, int block, PyObject *timeout)
{
	PyObject *r = PyObject_CallFunction(w->acq, "OO", block ? Py_True : Py_False, timeout);
	if (!r)
		return -1;
	int ok = PyObject_IsTrue(r);
	Py_DECREF(r);
	return ok;
}

static int acquire(SemWatch *w, int block, PyObject *timeout)
{
	struct rt_thread *t = rt_py_self();
	struct rt_site site = rt_py_outside_site(in_multiprocessing);
	int ok = real_acquire(w, 0, Py_None);
	if (ok || !block) {
		if (ok > 0 && w->kind != SW_SEM)
			rt_lock_ext_acquired(w->lock, block, site);
		return ok;
	}
	double secs = -1;
	if (timeout != Py_None && (secs = PyFloat_AsDouble(timeout)) == -1 && PyErr_Occurred())
		return -1;
	uint64_t deadline = secs < 0 ? 0 : rt_now_ns() + (uint64_t)(secs * 1e9) + 1;
	if (w->kind == SW_SEM) {
		rt_py_notify_wait_begin(t, w->name, site, deadline);
	} else {
		rt_py_stack_record();
		rt_lock_ext_waiting(w->lock, deadline, site);
	}
	ok = real_acquire(w, 1, timeout);
	if (w->kind == SW_SEM) {
		rt_py_notify_wait_end(t);
		return ok;
	}
	rt_py_stack_clear();
	if (ok > 0)
		rt_lock_ext_acquired(w->lock, 0, site);
	else
		rt_lock_ext_gave_up(w->lock);
	return ok;
}

static PyObject *sw_acquire(SemWatch *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "block", "timeout", NULL };
	int block = 1;
	PyObject *timeout = Py_None;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|pO:acquire", kwlist, &block, &timeout))
		return NULL;
	int ok = acquire(self, block, timeout);
	return ok < 0 ? NULL : PyBool_FromLong(ok);
}

static PyObject *sw_release(SemWatch *self, PyObject *unused)
{
	(void)unused;
	if (self->kind == SW_SEM)   /* a release may end another thread's wait */
		rt_thread_notified(rt_py_self(), self->name);
	else
		rt_lock_ext_releasing(self->lock);   /* -1: the SemLock raises below */
	return PyObject_CallNoArgs(self->rel);
}

static PyObject *sw_enter(SemWatch *self, PyObject *unused)
{
	(void)unused;
	int ok = acquire(self, 1, Py_None);
	return ok < 0 ? NULL : PyBool_FromLong(ok);
}

static PyObject *sw_exit(SemWatch *self, PyObject *args)
{
	(void)args;
	return sw_release(self, NULL);
}

static PyObject *sw_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "semlock", "name", "kind", NULL };
	PyObject *sem;
	const char *name, *kind;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "Oss", kwlist, &sem, &name, &kind))
		return NULL;
	int k = !strcmp(kind, "rlock") ? SW_RLOCK : !strcmp(kind, "lock") ? SW_LOCK
						   : !strcmp(kind, "sem") ? SW_SEM : -1;
	if (k < 0) {
		PyErr_Format(PyExc_ValueError, "SemWatch kind must be rlock, lock or sem, not %s", kind);
		return NULL;
	}
	SemWatch *self = (SemWatch *)type->tp_alloc(type, 0);
	if (!self)
		return NULL;
	self->kind = k;
	self->name = rt_py_intern(name);
	self->acq = PyObject_GetAttrString(sem, "acquire");
	self->rel = self->acq ? PyObject_GetAttrString(sem, "release") : NULL;
	if (!self->rel) {
		Py_DECREF(self);
		return NULL;
	}
	if (k != SW_SEM)
		self->lock = rt_lock_new(self->name, k == SW_RLOCK ? RT_LOCK_RECURSIVE : RT_LOCK_BINARY);
	return (PyObject *)self;
}

static void sw_dealloc(SemWatch *self)
{
	/* a lock dropped while held stays in its owner's held list: keep it */
	if (self->lock && !rt_lock_owner(self->lock))
		rt_lock_free(self->lock);
	Py_XDECREF(self->acq);
	Py_XDECREF(self->rel);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef sw_methods[] = {
	{ "acquire", (PyCFunction)(void (*)(void))sw_acquire, METH_VARARGS | METH_KEYWORDS,
	  "acquire(block=True, timeout=None)" },
	{ "release", (PyCFunction)sw_release, METH_NOARGS, "release()" },
	{ "__enter__", (PyCFunction)sw_enter, METH_NOARGS, NULL },
	{ "__exit__", (PyCFunction)sw_exit, METH_VARARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

static PyObject *sw_name(SemWatch *self, void *closure)
{
	(void)closure;
	return PyUnicode_FromString(self->name);
}

static PyGetSetDef sw_getset[] = {
	{ "name", (getter)sw_name, NULL, "the creation-site name", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

static PyTypeObject SemWatchType = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_redirtorture.SemWatch",
	.tp_basicsize = sizeof(SemWatch),
	.tp_dealloc = (destructor)sw_dealloc,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "SemWatch(semlock, name, kind): harness books around a multiprocessing SemLock",
	.tp_methods = sw_methods,
	.tp_getset = sw_getset,
	.tp_new = sw_new,
};

int rt_pysemlock_add_types(PyObject *module)
{
	if (PyType_Ready(&SemWatchType) < 0)
		return -1;
	return PyModule_AddObjectRef(module, "SemWatch", (PyObject *)&SemWatchType);
}
