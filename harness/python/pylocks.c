/* SPDX-License-Identifier: Apache-2.0 */
/* pylocks.c - the `_redirtorture` built-in module of the embedded CPython.
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
 *  - Sites need const char * that live forever: file and function names
 *    are interned and never freed (a few hundred strings).
 * threading's own _allocate_lock in Condition.wait makes a Waiter
 * (pywait.c): a signal between threads, not mutual exclusion.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/pylocks.h"
#include "python/pyidents.h"
#include "python/pyctl.h"
#include "python/pygc.h"
#include "python/pywait.h"
#include "python/pysemlock.h"

#include "engine/drivers.h"
#include "runtime/lockgraph.h"
#include "engine/oracle.h"
#include "runtime/registry.h"
#include "base/report.h"
#include "runtime/rt.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- interned strings (GIL held) ----------------------------------------- */

static char **itab;
static size_t icap, icount;

const char *rt_py_intern(const char *s)
{
	if ((icount + 1) * 2 > icap) {
		size_t oc = icap;
		char **old = itab;
		icap = icap ? icap * 2 : 512;
		itab = rt_xcalloc(icap, sizeof *itab);
		for (size_t i = 0; i < oc; i++)
			if (old[i]) {
				size_t j = rt_fnv1a(old[i], strlen(old[i]), RT_FNV_INIT) & (icap - 1);
				while (itab[j])
					j = (j + 1) & (icap - 1);
				itab[j] = old[i];
			}
		free(old);
	}
	size_t j = rt_fnv1a(s, strlen(s), RT_FNV_INIT) & (icap - 1);
	for (; itab[j]; j = (j + 1) & (icap - 1))
		if (!strcmp(itab[j], s))
			return itab[j];
	icount++;
	return itab[j] = rt_xstrdup(s);
}

const char *rt_py_relpath(const char *path)
{
	static const char *const marks[] = { "/dist-packages/", "/site-packages/", "/targets/py/" };
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		const char *p = strstr(path, marks[i]);
		if (p)
			return p + strlen(marks[i]);
	}
	const char *p = strstr(path, "/lib/python3.");   /* the standard library */
	if (p && (p = strchr(p + 5, '/')))
		return p + 1;
	return rt_basename(path);
}

static const char *utf8_or(PyObject *s, const char *dflt)
{
	const char *u = s ? PyUnicode_AsUTF8(s) : NULL;
	if (!u)
		PyErr_Clear();
	return u ? u : dflt;
}

/* The site of frame f: "rich/console.py", 1993, "Console._check_buffer". */
struct rt_site rt_py_frame_site(PyFrameObject *f)
{
	PyCodeObject *co = PyFrame_GetCode(f);
	struct rt_site s = { rt_py_intern(rt_py_relpath(utf8_or(co->co_filename, "?"))),
			     PyFrame_GetLineNumber(f), rt_py_intern(utf8_or(co->co_qualname, "?")) };
	Py_DECREF(co);
	return s;
}

/* The Python caller of the lock method. */
static struct rt_site caller_site(void)
{
	PyFrameObject *f = PyEval_GetFrame();   /* borrowed */
	return f ? rt_py_frame_site(f) : (struct rt_site){ "<c>", 0, "?" };
}

/* The calling thread's Python stack, innermost first (malloc'd). */
char *rt_py_stack_text(void)
{
	return rt_py_frames_text(PyEval_GetFrame());
}

/* The stack from frame f outward, innermost first (malloc'd). */
char *rt_py_frames_text(PyFrameObject *f)
{
	struct rt_buf b = { 0 };
	rt_buf_printf(&b, "python stack (most recent call first):");
	Py_XINCREF(f);
	int n = 0;
	for (; f && n < 40; n++) {
		PyCodeObject *co = PyFrame_GetCode(f);
		rt_buf_printf(&b, "\n  %s:%d %s", rt_py_relpath(utf8_or(co->co_filename, "?")),
			      PyFrame_GetLineNumber(f), utf8_or(co->co_qualname, "?"));
		Py_DECREF(co);
		PyFrameObject *back = PyFrame_GetBack(f);
		Py_DECREF(f);
		f = back;
	}
	if (f)
		rt_buf_printf(&b, "\n  ...");
	Py_XDECREF(f);
	PyErr_Clear();
	return b.p;
}

/* The lock-order graph's stack provider: only with the GIL (a report made
 * from a blocking acquire, GIL released, goes without), and with the GC off
 * meanwhile: frame objects are allocations, and a collection here would run
 * finalizers, which take locks, inside the graph's own bookkeeping. */
static char *graph_stack(void)
{
	if (!Py_IsInitialized() || !PyGILState_Check())
		return NULL;
	PyObject *et, *ev, *tb;
	PyErr_Fetch(&et, &ev, &tb);
	int was = PyGC_Disable();
	char *s = rt_py_stack_text();
	if (was)
		PyGC_Enable();
	PyErr_Restore(et, ev, tb);
	return s;
}

/* ---- threads ------------------------------------------------------------ */

struct rt_thread *rt_py_self(void)
{
	struct rt_thread *t = rt_self_or_null();
	if (t)
		return t;
	/* A provisional record first: looking the name up runs Python code,
	 * which may take locks (and so come back here). */
	unsigned long ident = PyThread_get_thread_ident();
	char name[32];
	snprintf(name, sizeof name, "py-%lu", ident % 100000);
	rt_thread_register(name, "python");
	PyObject *et, *ev, *tb;
	PyErr_Fetch(&et, &ev, &tb);
	/* threading._active, not current_thread(): that would create a
	 * _DummyThread, whose __init__ takes locks before it is registered. */
	PyObject *mod = PyDict_GetItemString(PyImport_GetModuleDict(), "threading");
	PyObject *active = mod ? PyObject_GetAttrString(mod, "_active") : NULL;
	PyObject *key = PyLong_FromUnsignedLong(rt_py_idents_seen());   /* pyidents.c */
	PyObject *th = active && key ? PyDict_GetItemWithError(active, key) : NULL;
	PyObject *limbo = !th && mod ? PyObject_GetAttrString(mod, "_limbo") : NULL;
	/* a Thread starting up takes locks before it is in _active */
	Py_ssize_t pos = 0;
	PyObject *k, *v;
	while (limbo && PyDict_Check(limbo) && !th && PyDict_Next(limbo, &pos, &k, &v)) {
		PyObject *id = PyObject_GetAttrString(v, "_ident");
		if (id && PyObject_RichCompareBool(id, key, Py_EQ) == 1)
			th = v;
		Py_XDECREF(id);
	}
	PyObject *nm = th ? PyObject_GetAttrString(th, "name") : NULL;
	Py_XDECREF(limbo);
	const char *s = nm && PyUnicode_Check(nm) ? utf8_or(nm, NULL) : NULL;
	if (s)
		rt_thread_register(s, "python");
	Py_XDECREF(nm);
	Py_XDECREF(key);
	Py_XDECREF(active);
	PyErr_Clear();
	PyErr_Restore(et, ev, tb);
	return rt_self_or_null();
}

static _Thread_local int fin_depth;
int rt_py_fin_depth(void) { return fin_depth; }

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
	struct rt_site site = caller_site();
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
	char *note = rt_py_stack_text();
	rt_thread_set_note(note);
	free(note);
	int ok = 1;
	Py_BEGIN_ALLOW_THREADS
	if (timeout < 0)
		rt_lock_acquire_at(l, site);
	else
		ok = rt_lock_timed_acquire_at(l, (uint64_t)(timeout * 1e9), site);
	Py_END_ALLOW_THREADS
	rt_thread_set_note(NULL);
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
	struct rt_site site = caller_site();
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

static PyTypeObject LockType = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_redirtorture.Lock",
	.tp_basicsize = sizeof(RtLock),
	.tp_dealloc = (destructor)rtlock_dealloc,
	.tp_repr = (reprfunc)rtlock_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "Lock(name): threading.Lock backed by a harness lock (any thread may release)",
	.tp_weaklistoffset = offsetof(RtLock, weakreflist),
	.tp_methods = lock_methods,
	.tp_getset = rtlock_getset,
	.tp_new = lock_tp_new,
};

static PyTypeObject RLockType = {
	PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_redirtorture.RLock",
	.tp_basicsize = sizeof(RtLock),
	.tp_dealloc = (destructor)rtlock_dealloc,
	.tp_repr = (reprfunc)rtlock_repr,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "RLock(name): threading.RLock backed by a harness lock",
	.tp_weaklistoffset = offsetof(RtLock, weakreflist),
	.tp_methods = rlock_methods,
	.tp_getset = rtlock_getset,
	.tp_new = rlock_tp_new,
};

/* ---- module functions ------------------------------------------------------ */

/* fin_begin(line_len) -> the tagged finalizer line ("@F<id>:<seq>@ ...",
 * no newline) for the calling thread; fin_end() when it was written. */
static PyObject *m_fin_begin(PyObject *mod, PyObject *arg)
{
	(void)mod;
	long len = PyLong_AsLong(arg);
	if (len < 16 || len > 4096) {
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_ValueError, "line length out of range");
		return NULL;
	}
	struct rt_thread *t = rt_py_self();
	char *line = rt_xmalloc((size_t)len + 1);
	rt_make_line(line, (int)len, 'F', t->id, t->fin_seq++);
	fin_depth++;
	PyObject *r = PyUnicode_FromStringAndSize(line, len);
	free(line);
	return r;
}

static PyObject *m_fin_end(PyObject *mod, PyObject *unused)
{
	(void)mod;
	(void)unused;
	if (fin_depth > 0)
		fin_depth--;
	atomic_fetch_add(&rt_stats.ops[RT_ROLE_FINALIZER], 1);
	rt_thread_progress(rt_py_self());
	Py_RETURN_NONE;
}

/* One refresh of a live display done (counted as refresh progress). */
static PyObject *m_refresh_tick(PyObject *mod, PyObject *unused)
{
	(void)mod;
	(void)unused;
	atomic_fetch_add(&rt_stats.ops[RT_ROLE_REFRESH], 1);
	rt_thread_progress(rt_py_self());
	Py_RETURN_NONE;
}

static PyObject *m_gc_started(PyObject *mod, PyObject *unused)
{
	(void)mod;
	(void)unused;
	atomic_fetch_add(&rt_stats.collections, 1);
	rt_py_gc_started();
	Py_RETURN_NONE;
}

static PyObject *m_gc_stopped(PyObject *mod, PyObject *unused)
{
	(void)mod;
	(void)unused;
	rt_py_gc_stopped();
	Py_RETURN_NONE;
}

/* thread_begin(name): a Python thread starts; registered under its name
 * now, so reports show it even if it never takes a harness lock. */
static PyObject *m_thread_begin(PyObject *mod, PyObject *arg)
{
	(void)mod;
	const char *name = PyUnicode_AsUTF8(arg);
	if (!name)
		return NULL;
	if (!rt_self_or_null())
		rt_thread_register(name, "python");
	Py_RETURN_NONE;
}

static PyObject *m_thread_exit(PyObject *mod, PyObject *unused)
{
	(void)mod;
	(void)unused;
	rt_py_ctl_thread_exit();
	Py_RETURN_NONE;
}

static PyObject *m_library(PyObject *mod, PyObject *args)
{
	(void)mod;
	const char *n, *v, *w;
	if (!PyArg_ParseTuple(args, "sss", &n, &v, &w))
		return NULL;
	rt_report_library(n, v, w);
	Py_RETURN_NONE;
}

static PyObject *m_relpath(PyObject *mod, PyObject *arg)
{
	(void)mod;
	const char *p = PyUnicode_AsUTF8(arg);
	return p ? PyUnicode_FromString(rt_py_relpath(p)) : NULL;
}

/* py_error(title, canon, text): Python code under test raised where nobody
 * catches it (a finalizer, a thread, a driver operation): a finding. */
static PyObject *m_py_error(PyObject *mod, PyObject *args)
{
	(void)mod;
	const char *title, *canon, *text;
	if (!PyArg_ParseTuple(args, "sss:py_error", &title, &canon, &text))
		return NULL;
	char sig[512];
	rt_signature(sig, sizeof sig, "PYEXC", canon);
	struct rt_buf b = { 0 };
	rt_buf_printf(&b, "\n======================================================\n"
			  "FINDING: python exception: %s; %s\n"
			  "------------------------------------------------------\n%s\n"
			  "signature: %s\nreplay: %s\n",
		      title, rt_report_context(), text, sig, rt_report_replay());
	rt_report_finding(RT_EXIT_FINDING, "python-exception", title, sig, b.p);
	rt_buf_free(&b);
	Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
	{ "py_error", m_py_error, METH_VARARGS, "py_error(title, canon, text): report a finding" },
	{ "fin_begin", m_fin_begin, METH_O, "fin_begin(line_len) -> tagged finalizer line" },
	{ "fin_end", m_fin_end, METH_NOARGS, "fin_end(): the finalizer's line is written" },
	{ "refresh_tick", m_refresh_tick, METH_NOARGS, "count one refresh of a live display" },
	{ "gc_started", m_gc_started, METH_NOARGS, "a collection starts (counted)" },
	{ "gc_stopped", m_gc_stopped, METH_NOARGS, "a collection ended" },
	{ "thread_begin", m_thread_begin, METH_O, "thread_begin(name): register the calling thread" },
	{ "thread_exit", m_thread_exit, METH_NOARGS, "mark the calling thread finished" },
	{ "library", m_library, METH_VARARGS, "library(name, version, where): a version that ran" },
	{ "relpath", m_relpath, METH_O, "relpath(path) -> path below dist-packages or stdlib" },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module_def = {
	PyModuleDef_HEAD_INIT, .m_name = "_redirtorture",
	.m_doc = "redirtorture harness services for embedded Python (harness/pylocks.c)",
	.m_size = -1, .m_methods = module_methods,
};

PyObject *rt_pylocks_init(void)
{
	if (PyType_Ready(&LockType) < 0 || PyType_Ready(&RLockType) < 0)
		return NULL;
	PyObject *m = PyModule_Create(&module_def);
	if (!m)
		return NULL;
	if (PyModule_AddObjectRef(m, "Lock", (PyObject *)&LockType) < 0 ||
	    PyModule_AddObjectRef(m, "RLock", (PyObject *)&RLockType) < 0 ||
	    rt_pywait_add_types(m) < 0 || rt_pysemlock_add_types(m) < 0 ||
	    rt_py_ctl_add_functions(m) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	rt_lockgraph_set_stack_provider(graph_stack);
	return m;
}
