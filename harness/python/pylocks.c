/* SPDX-License-Identifier: Apache-2.0 */
/* pylocks.c - `_redirtorture.Lock` and `_redirtorture.RLock`.
 *
 * Lock and RLock are harness locks (lock.c) with Python's interface, so
 * the lock-order graph and the watchdog see the locks of real Python code
 * (the glue installs them as threading.Lock / threading.RLock before Rich
 * or logging is imported).  Rules this file keeps:
 *  - Everything that touches Python objects (the caller's site, the thread
 *    name, the stack note) happens BEFORE the harness bookkeeping of an
 *    acquire starts: any allocation may run the cyclic GC and so finalizers,
 *    which take locks themselves, on this very thread.
 *  - A thread never blocks on a harness lock with the GIL: it tries with the
 *    GIL held (order edges included), and only if the lock is busy records
 *    its Python stack as the thread's note, drops the GIL and waits.
 *  - Lock is RT_LOCK_BINARY: like Python's, any thread may release it.
 *  - RLock supports what threading.Condition needs: _is_owned,
 *    _release_save / _acquire_restore (the state carries the recursion
 *    count), plus _at_fork_reinit and acquire(blocking, timeout).
 * threading's own _allocate_lock in Condition.wait makes a Waiter
 * (pywait.c): a signal between threads, not mutual exclusion.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/pylocks.h"
#include "python/pyctl.h"
#include "python/pyframes.h"
#include "python/pygc.h"
#include "python/pymodule.h"

#include "runtime/registry.h"
#include "runtime/rt.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Lock / RLock --------------------------------------------------------- */

typedef struct {
	PyObject_HEAD
	rt_lock *lock;
	int kind;                 /* RT_LOCK_BINARY or RT_LOCK_RECURSIVE */
	int gc_point;             /* acquisitions are collection points (pygc.c) */
	char *name;
	PyObject *weakreflist;
} RtLock;

static PyObject *rtlock_new(PyTypeObject *type, PyObject *args, PyObject *kw, int kind)
{
	static char *kwlist[] = { "name", "gc_point", NULL };
	const char *name = NULL;
	int gc_point = 1;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|zp", kwlist, &name, &gc_point))
		return NULL;
	RtLock *self = (RtLock *)type->tp_alloc(type, 0);
	if (!self)
		return NULL;
	self->kind = kind;
	self->gc_point = gc_point;
	self->name = rt_xstrdup(name ? name : kind == RT_LOCK_BINARY ? "python Lock" : "python RLock");
	self->lock = rt_lock_new(self->name, kind);
	return (PyObject *)self;
}
static PyObject *lock_tp_new(PyTypeObject *t, PyObject *a, PyObject *k)
{
	return rtlock_new(t, a, k, RT_LOCK_BINARY);
}
static PyObject *rlock_tp_new(PyTypeObject *t, PyObject *a, PyObject *k)
{
	return rtlock_new(t, a, k, RT_LOCK_RECURSIVE);
}

static void rtlock_dealloc(RtLock *self)
{
	if (self->weakreflist)
		PyObject_ClearWeakRefs((PyObject *)self);
	/* A lock dropped while held stays in its owner's held list: keep it. */
	if (self->lock && !rt_lock_owner(self->lock))
		rt_lock_free(self->lock);
	free(self->name);
	Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Entries of l in t's held list: the recursion depth (drain grants aside). */
static int held_count(struct rt_thread *t, rt_lock *l)
{
	int n = 0;
	rt_held_lock(t);
	for (int i = 0; i < t->nheld; i++)
		n += t->held[i].lock == l && !t->held[i].fake;
	rt_held_unlock(t);
	return n;
}

/* timeout < 0: no limit.  Returns 1 if acquired. */
static int do_acquire(RtLock *self, int blocking, double timeout)
{
	struct rt_site site = rt_py_caller_site();
	struct rt_thread *t = rt_py_self();
	rt_lock *l = self->lock;
	if (self->kind == RT_LOCK_RECURSIVE && rt_lock_owner(l) == t) {
		rt_lock_acquire_at(l, site);   /* re-entry: never blocks */
		return 1;
	}
	if (!blocking)
		return rt_lock_try_acquire_at(l, 0, site);
	if (rt_py_ctl_controls(t))   /* every blocking acquire a scheduling point */
		return rt_py_ctl_acquire(l, timeout, site);
	if (rt_lock_try_acquire_at(l, 1, site))
		return 1;
	if (timeout == 0)
		return 0;
	/* Busy: this thread may wait for long, show where it is. */
	rt_py_stack_record();
	int ok = 1;
	Py_BEGIN_ALLOW_THREADS
	if (timeout < 0)
		rt_lock_acquire_at(l, site);
	else
		ok = rt_lock_timed_acquire_at(l, (uint64_t)(timeout * 1e9), site);
	Py_END_ALLOW_THREADS
	rt_py_stack_clear();
	return ok;
}

int rt_py_acquire_args(PyObject *args, PyObject *kw, int *blocking, double *timeout)
{
	static char *kwlist[] = { "blocking", "timeout", NULL };
	if (!PyArg_ParseTupleAndKeywords(args, kw, "|pd:acquire", kwlist, blocking, timeout))
		return -1;
	if (!*blocking && *timeout != -1) {
		PyErr_SetString(PyExc_ValueError, "can't specify a timeout for a non-blocking call");
		return -1;
	}
	if (*timeout < 0 && *timeout != -1) {
		PyErr_SetString(PyExc_ValueError, "timeout value must be a non-negative number");
		return -1;
	}
	return 0;
}

static PyObject *rtlock_acquire(RtLock *self, PyObject *args, PyObject *kw)
{
	int blocking = 1;
	double timeout = -1;
	if (rt_py_acquire_args(args, kw, &blocking, &timeout))
		return NULL;
	int ok = do_acquire(self, blocking, timeout);
	if (ok && self->gc_point)
		rt_py_gc_point();
	return PyBool_FromLong(ok);
}

static PyObject *rtlock_enter(RtLock *self, PyObject *unused)
{
	(void)unused;
	do_acquire(self, 1, -1);
	if (self->gc_point)
		rt_py_gc_point();
	Py_RETURN_TRUE;
}

static PyObject *rtlock_release(RtLock *self, PyObject *unused)
{
	(void)unused;
	rt_py_self();
	if (rt_lock_try_release_at(self->lock, RT_SITE) < 0) {
		PyErr_SetString(PyExc_RuntimeError, self->kind == RT_LOCK_BINARY
							    ? "release unlocked lock"
							    : "cannot release un-acquired lock");
		return NULL;
	}
	Py_RETURN_NONE;
}

static PyObject *rtlock_exit(RtLock *self, PyObject *args)
{
	(void)args;
	return rtlock_release(self, NULL);
}

static PyObject *rtlock_locked(RtLock *self, PyObject *unused)
{
	(void)unused;
	return PyBool_FromLong(rt_lock_owner(self->lock) != NULL);
}

static int owned_by_me(RtLock *self)
{
	struct rt_thread *t = rt_self_or_null();
	return t && rt_lock_owner(self->lock) == t;
}

static PyObject *rtlock_is_owned(RtLock *self, PyObject *unused)
{
	(void)unused;
	if (self->kind == RT_LOCK_BINARY)   /* what Condition's fallback means */
		return rtlock_locked(self, NULL);
	return PyBool_FromLong(owned_by_me(self));
}

static PyObject *rtlock_recursion_count(RtLock *self, PyObject *unused)
{
	(void)unused;
	return PyLong_FromLong(owned_by_me(self) ? held_count(rt_self_or_null(), self->lock) : 0);
}

/* Condition.wait: release every level at once; the state restores them. */
static PyObject *rtlock_release_save(RtLock *self, PyObject *unused)
{
	(void)unused;
	if (!owned_by_me(self)) {
		PyErr_SetString(PyExc_RuntimeError, "cannot release un-acquired lock");
		return NULL;
	}
	int n = held_count(rt_self_or_null(), self->lock);
	for (int i = 0; i < n; i++)
		rt_lock_try_release_at(self->lock, RT_SITE);
	return Py_BuildValue("(ik)", n, PyThread_get_thread_ident());
}

static PyObject *rtlock_acquire_restore(RtLock *self, PyObject *args)
{
	int n;
	unsigned long owner;
	if (!PyArg_ParseTuple(args, "(ik):_acquire_restore", &n, &owner))
		return NULL;
	do_acquire(self, 1, -1);
	struct rt_site site = rt_py_caller_site();
	for (int i = 1; i < n; i++)
		rt_lock_acquire_at(self->lock, site);
	Py_RETURN_NONE;
}

static PyObject *rtlock_at_fork_reinit(RtLock *self, PyObject *unused)
{
	(void)unused;
	/* In a forked child: a fresh, unlocked lock (the old one is left). */
	self->lock = rt_lock_new(self->name, self->kind);
	Py_RETURN_NONE;
}

static PyObject *rtlock_repr(RtLock *self)
{
	struct rt_thread *o = rt_lock_owner(self->lock);
	return PyUnicode_FromFormat("<redirtorture %s \"%s\" %s%s>",
				    self->kind == RT_LOCK_BINARY ? "Lock" : "RLock", self->name,
				    o ? "held by " : "unlocked", o ? o->name : "");
}

static PyObject *rtlock_get_name(RtLock *self, void *closure)
{
	(void)closure;
	return PyUnicode_FromString(self->name);
}

#define COMMON_METHODS                                                                          \
	{ "acquire", (PyCFunction)(void (*)(void))rtlock_acquire, METH_VARARGS | METH_KEYWORDS,  \
	  "acquire(blocking=True, timeout=-1)" },                                               \
	{ "release", (PyCFunction)rtlock_release, METH_NOARGS, "release()" },                    \
	{ "__enter__", (PyCFunction)rtlock_enter, METH_NOARGS, NULL },                           \
	{ "__exit__", (PyCFunction)rtlock_exit, METH_VARARGS, NULL },                            \
	{ "_is_owned", (PyCFunction)rtlock_is_owned, METH_NOARGS, NULL },                        \
	{ "_at_fork_reinit", (PyCFunction)rtlock_at_fork_reinit, METH_NOARGS, NULL }

static PyMethodDef lock_methods[] = {
	COMMON_METHODS,
	{ "locked", (PyCFunction)rtlock_locked, METH_NOARGS, "locked()" },
	{ "acquire_lock", (PyCFunction)(void (*)(void))rtlock_acquire, METH_VARARGS | METH_KEYWORDS,
	  NULL },
	{ "release_lock", (PyCFunction)rtlock_release, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

static PyMethodDef rlock_methods[] = {
	COMMON_METHODS,
	{ "_release_save", (PyCFunction)rtlock_release_save, METH_NOARGS, NULL },
	{ "_acquire_restore", (PyCFunction)rtlock_acquire_restore, METH_VARARGS, NULL },
	{ "_recursion_count", (PyCFunction)rtlock_recursion_count, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL },
};

static PyGetSetDef rtlock_getset[] = {
	{ "name", (getter)rtlock_get_name, NULL, "lock class name", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* Lock and RLock differ only in name, doc, methods and tp_new. */
#define RTLOCK_TYPE(NAME, DOC, METHODS, NEW)                                 \
	{                                                                    \
		PyVarObject_HEAD_INIT(NULL, 0).tp_name = NAME,               \
		.tp_basicsize = sizeof(RtLock),                              \
		.tp_dealloc = (destructor)rtlock_dealloc,                    \
		.tp_repr = (reprfunc)rtlock_repr,                            \
		.tp_flags = Py_TPFLAGS_DEFAULT,                              \
		.tp_doc = DOC,                                               \
		.tp_weaklistoffset = offsetof(RtLock, weakreflist),          \
		.tp_methods = METHODS,                                       \
		.tp_getset = rtlock_getset,                                  \
		.tp_new = NEW,                                               \
	}

static PyTypeObject LockType = RTLOCK_TYPE(
	"_redirtorture.Lock",
	"Lock(name): threading.Lock backed by a harness lock (any thread may release)",
	lock_methods, lock_tp_new);
static PyTypeObject RLockType = RTLOCK_TYPE(
	"_redirtorture.RLock", "RLock(name): threading.RLock backed by a harness lock",
	rlock_methods, rlock_tp_new);

int rt_pylocks_add_types(PyObject *module)
{
	if (PyType_Ready(&LockType) < 0 || PyType_Ready(&RLockType) < 0 ||
	    PyModule_AddObjectRef(module, "Lock", (PyObject *)&LockType) < 0)
		return -1;
	return PyModule_AddObjectRef(module, "RLock", (PyObject *)&RLockType);
}
