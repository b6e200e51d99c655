/* SPDX-License-Identifier: Apache-2.0 */
/* pyidents.c - the thread idents the code under test sees, the same in every
 * controlled execution (issue 14; docs/controlled.md "Controlled Python").
 *
 * threading.get_ident() is pthread_self() and get_native_id() the kernel
 * TID: both differ from run to run, and so do Thread.ident, Thread.native_id,
 * repr(thread), logging's %(thread)d and whatever code orders or branches by
 * them.  The glue replaces get_ident and get_native_id in threading and
 * _thread with the functions here.  Outside a controlled execution they
 * return the real values.  In one, a thread that has a harness record gets
 * a virtual ident from its record id (ids are given in creation order, the
 * same in every execution): RT_PY_VIDENT_BASE + 1 + id, and the thread
 * that starts the target RT_PY_VIDENT_BASE; its native id is the same
 * offset from RT_PY_VNATIVE_BASE.  A thread keeps its virtual ident until
 * the next execution starts (so a thread that ends after the execution still
 * finds its threading._active entry); then every thread goes back to its
 * real ident.  Threads threading knows already (the main thread, a pooled
 * driver's _DummyThread) are rekeyed in threading._active, their _ident and
 * _native_id set, whenever their ident changes.  The table is small and the
 * GIL guards it. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/pyidents.h"

#include "base/util.h"
#include "runtime/registry.h"
#include "runtime/schedpoint.h"

struct vid {
	unsigned long real, real_native, v, vnative;
};

static struct vid *tab;
static int ntab, captab;

static struct vid *find(unsigned long real)
{
	for (int i = 0; i < ntab; i++)
		if (tab[i].real == real)
			return &tab[i];
	return NULL;
}

unsigned long rt_py_idents_seen(void)
{
	struct vid *e = find(PyThread_get_thread_ident());
	return e ? e->v : PyThread_get_thread_ident();
}

/* threading._active[from] becomes [to], with its _ident and _native_id. */
static void rekey(unsigned long from, unsigned long to, unsigned long native)
{
	PyObject *et, *ev, *tb;
	PyErr_Fetch(&et, &ev, &tb);
	PyObject *mod = PyDict_GetItemString(PyImport_GetModuleDict(), "threading");
	PyObject *active = mod ? PyObject_GetAttrString(mod, "_active") : NULL;
	PyObject *kf = PyLong_FromUnsignedLong(from), *kt = PyLong_FromUnsignedLong(to);
	PyObject *nat = PyLong_FromUnsignedLong(native);
	PyObject *th = active && kf && PyDict_Check(active) ? PyDict_GetItemWithError(active, kf)
							     : NULL;
	Py_XINCREF(th);
	if (th && kt && nat && !PyDict_DelItem(active, kf) && !PyDict_SetItem(active, kt, th)) {
		PyObject_SetAttrString(th, "_ident", kt);
		PyObject_SetAttrString(th, "_native_id", nat);
	}
	Py_XDECREF(th);
	Py_XDECREF(nat);
	Py_XDECREF(kt);
	Py_XDECREF(kf);
	Py_XDECREF(active);
	PyErr_Clear();
	PyErr_Restore(et, ev, tb);
}

/* A pooled driver's _DummyThread is named Dummy-N in the order the pool's
 * threads first entered Python, which depends on the first execution's
 * schedule: in a controlled execution it is named after the harness record
 * it runs as (print-0, ...). */
static void name_dummy(unsigned long v)
{
	struct rt_thread *t = rt_self_or_null();
	if (!t || !rt_sched->controlled)
		return;
	PyObject *et, *ev, *tb;
	PyErr_Fetch(&et, &ev, &tb);
	PyObject *mod = PyDict_GetItemString(PyImport_GetModuleDict(), "threading");
	PyObject *active = mod ? PyObject_GetAttrString(mod, "_active") : NULL;
	PyObject *dummy = mod ? PyObject_GetAttrString(mod, "_DummyThread") : NULL;
	PyObject *k = PyLong_FromUnsignedLong(v);
	PyObject *th = active && k && PyDict_Check(active) ? PyDict_GetItemWithError(active, k) : NULL;
	PyObject *name = th && dummy && PyType_Check(dummy) && Py_IS_TYPE(th, (PyTypeObject *)dummy)
				 ? PyUnicode_FromString(t->name)
				 : NULL;
	if (name)
		PyObject_SetAttrString(th, "_name", name);
	Py_XDECREF(name);
	Py_XDECREF(k);
	Py_XDECREF(dummy);
	Py_XDECREF(active);
	PyErr_Clear();
	PyErr_Restore(et, ev, tb);
}

void rt_py_idents_name_self(void) { name_dummy(rt_py_idents_seen()); }

/* The calling thread's ident is n (offset from the bases) from now on. */
static struct vid *assign(unsigned long n)
{
	unsigned long real = PyThread_get_thread_ident();
	struct vid *e = find(real);
	if (!e) {
		if (ntab == captab) {
			captab = captab ? captab * 2 : 32;
			tab = rt_xrealloc(tab, (size_t)captab * sizeof *tab);
		}
		e = &tab[ntab++];
		*e = (struct vid){ real, PyThread_get_thread_native_id(), real, 0 };
	}
	unsigned long was = e->v;
	e->v = RT_PY_VIDENT_BASE + n;
	e->vnative = RT_PY_VNATIVE_BASE + n;
	if (was != e->v) {
		rekey(was, e->v, e->vnative);
		name_dummy(e->v);
	}
	return e;
}

/* The caller's entry; made now if it runs in a controlled execution with a
 * record.  NULL: it sees its real ident. */
static struct vid *self_entry(void)
{
	struct vid *e = find(PyThread_get_thread_ident());
	if (e || !rt_sched->controlled)
		return e;
	struct rt_thread *t = rt_self_or_null();
	return t ? assign(1 + (unsigned long)t->id) : NULL;
}

static PyObject *m_get_ident(PyObject *mod, PyObject *unused)
{
	(void)mod, (void)unused;
	struct vid *e = self_entry();
	return PyLong_FromUnsignedLong(e ? e->v : PyThread_get_thread_ident());
}

static PyObject *m_get_native_id(PyObject *mod, PyObject *unused)
{
	(void)mod, (void)unused;
	struct vid *e = self_entry();
	return PyLong_FromUnsignedLong(e ? e->vnative : PyThread_get_thread_native_id());
}

void rt_py_idents_reset(void)
{
	for (int i = 0; i < ntab; i++)
		rekey(tab[i].v, tab[i].real, tab[i].real_native);
	ntab = 0;
	if (rt_sched->controlled)
		assign(0);
}

void rt_py_idents_adopt(int id)
{
	if (rt_sched->controlled)
		assign(1 + (unsigned long)id);
}

void rt_py_idents_forget(void)
{
	struct vid *e = find(PyThread_get_thread_ident());
	if (e)
		*e = tab[--ntab];
}

static PyMethodDef ident_functions[] = {
	{ "get_ident", m_get_ident, METH_NOARGS,
	  "get_ident() -> the thread's ident (the same in every controlled execution)" },
	{ "get_native_id", m_get_native_id, METH_NOARGS,
	  "get_native_id() -> the thread's native id (the same in every controlled execution)" },
	{ NULL, NULL, 0, NULL },
};

int rt_py_idents_add_functions(PyObject *module)
{
	return PyModule_AddFunctions(module, ident_functions);
}
