/* SPDX-License-Identifier: Apache-2.0 */
/* pymodule.c - the `_redirtorture` built-in module of the embedded CPython:
 * the harness's record of each Python thread (rt_py_self), and the
 * services the glue calls (finalizer lines, counters, thread start and
 * exit, libraries, exceptions as findings).  Its types come from their own
 * files: Lock / RLock (pylocks.c), Waiter (pywait.c), SemWatch
 * (pysemlock.c), the controlled-mode functions (pyctl.c).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/pymodule.h"
#include "python/pyctl.h"
#include "python/pyframes.h"
#include "python/pyidents.h"
#include "python/pygc.h"
#include "python/pylocks.h"
#include "python/pysemlock.h"
#include "python/pywait.h"

#include "engine/drivers.h"
#include "runtime/lockgraph.h"
#include "runtime/registry.h"
#include "base/report.h"
#include "engine/oracle.h"
#include "runtime/rt.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	const char *s = nm && PyUnicode_Check(nm) ? rt_py_utf8_or(nm, NULL) : NULL;
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

/* free_thread_new(name, notifies) -> handle: free-running, the creator makes the
 * record of a thread it is about to start, so the thread is in every report
 * from Thread.start on (a starter waiting for it to start is never "all
 * asleep" while it has not run yet), and it counts as a notifier of the
 * condition classes it will notify when it starts (its _started Event, its
 * joiners' wait): the evidence an inferred edge needs, before the fact. */
static PyObject *m_free_thread_new(PyObject *mod, PyObject *args)
{
	(void)mod;
	const char *name;
	PyObject *notifies;
	if (!PyArg_ParseTuple(args, "sO!", &name, &PyTuple_Type, &notifies))
		return NULL;
	const char *cls[4];
	Py_ssize_t n = PyTuple_GET_SIZE(notifies);
	if (n > 4)
		n = 4;
	for (Py_ssize_t i = 0; i < n; i++) {
		const char *c = PyUnicode_AsUTF8(PyTuple_GET_ITEM(notifies, i));
		if (!c)
			return NULL;
		cls[i] = rt_py_intern(c);
	}
	unsigned gen = rt_registry_generation();
	struct rt_thread *t = rt_registry_new(name, "python");
	for (Py_ssize_t i = 0; i < n; i++)   /* its owner is not running yet */
		rt_thread_notified(t, cls[i]);
	return PyLong_FromUnsignedLongLong((unsigned long long)gen << 32 | (unsigned)t->id);
}

/* The record a free_thread_new handle names, if no reset came between. */
static struct rt_thread *free_thread_of(PyObject *h)
{
	unsigned long long v = PyLong_AsUnsignedLongLong(h);
	if (PyErr_Occurred())
		return NULL;
	int id = (int)(v & 0xffffffffu);
	if ((unsigned)(v >> 32) != rt_registry_generation() || id >= rt_registry_count())
		return NULL;
	return rt_registry_get(id);
}

/* free_thread_adopt(handle, name): in the new thread, first thing; a stale
 * handle (the run ended meanwhile) registers a new record instead. */
static PyObject *m_free_thread_adopt(PyObject *mod, PyObject *args)
{
	(void)mod;
	PyObject *h;
	const char *name;
	if (!PyArg_ParseTuple(args, "Os", &h, &name))
		return NULL;
	struct rt_thread *t = rt_self_or_null() || h == Py_None ? NULL : free_thread_of(h);
	if (PyErr_Occurred())
		return NULL;
	if (t)
		rt_registry_adopt(t);
	else if (!rt_self_or_null())
		rt_thread_register(name, "python");
	Py_RETURN_NONE;
}

/* free_thread_abandon(handle): Thread.start failed; the record is done. */
static PyObject *m_free_thread_abandon(PyObject *mod, PyObject *h)
{
	(void)mod;
	struct rt_thread *t = free_thread_of(h);
	if (PyErr_Occurred())
		return NULL;
	if (t)
		rt_thread_set_state(t, RT_TS_FINISHED);
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
	{ "free_thread_new", m_free_thread_new, METH_VARARGS,
	  "free_thread_new(name, notifies) -> handle of a thread about to start (free-running)" },
	{ "free_thread_adopt", m_free_thread_adopt, METH_VARARGS,
	  "free_thread_adopt(handle, name): in the new thread, first thing" },
	{ "free_thread_abandon", m_free_thread_abandon, METH_O,
	  "free_thread_abandon(handle): Thread.start failed" },
	{ "thread_exit", m_thread_exit, METH_NOARGS, "mark the calling thread finished" },
	{ "library", m_library, METH_VARARGS, "library(name, version, where): a version that ran" },
	{ "relpath", m_relpath, METH_O, "relpath(path) -> path below dist-packages or stdlib" },
	{ NULL, NULL, 0, NULL },
};

static struct PyModuleDef module_def = {
	PyModuleDef_HEAD_INIT, .m_name = "_redirtorture",
	.m_doc = "redirtorture harness services for embedded Python (harness/python/pymodule.c)",
	.m_size = -1, .m_methods = module_methods,
};

PyObject *rt_pymodule_init(void)
{
	PyObject *m = PyModule_Create(&module_def);
	if (!m)
		return NULL;
	if (rt_pylocks_add_types(m) < 0 || rt_pywait_add_types(m) < 0 ||
	    rt_pysemlock_add_types(m) < 0 || rt_py_ctl_add_functions(m) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	rt_lockgraph_set_stack_provider(rt_py_graph_stack);
	return m;
}
