/* SPDX-License-Identifier: Apache-2.0 */
/* pyframes.c - Python frames as the harness names them (pyframes.h).
 * Sites need const char * that live forever: file and function names are
 * interned and never freed (a few hundred strings), so a recorded stack is
 * a plain array of sites, copied as it is into reports. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/pyframes.h"

#include "runtime/hooks.h"
#include "runtime/langstack.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FRAMES 40

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

const char *rt_py_utf8_or(PyObject *s, const char *dflt)
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
	struct rt_site s = { rt_py_intern(rt_py_relpath(rt_py_utf8_or(co->co_filename, "?"))),
			     PyFrame_GetLineNumber(f),
			     rt_py_intern(rt_py_utf8_or(co->co_qualname, "?")) };
	Py_DECREF(co);
	return s;
}

struct rt_site rt_py_caller_site(void)
{
	PyFrameObject *f = PyEval_GetFrame();   /* borrowed */
	return f ? rt_py_frame_site(f) : (struct rt_site){ "<c>", 0, "?" };
}

/* ---- stacks ---------------------------------------------------------------- */

struct rt_stack *rt_py_stack(PyFrameObject *f)
{
	if (!f)
		return rt_stack_none("python", 1, "no Python frame: in C code");
	struct rt_stack *s = rt_stack_new("python", MAX_FRAMES);
	Py_INCREF(f);
	while (f && s->n < MAX_FRAMES) {
		s->f[s->n++] = rt_py_frame_site(f);
		PyFrameObject *back = PyFrame_GetBack(f);
		Py_DECREF(f);
		f = back;
	}
	s->more = f != NULL;
	Py_XDECREF(f);
	PyErr_Clear();
	return s;
}

void rt_py_stack_record(void)
{
	rt_thread_set_stack(rt_py_stack(PyEval_GetFrame()));
}

void rt_py_stack_clear(void)
{
	rt_thread_set_stack(NULL);
}

/* Only with the GIL (a report made from a blocking acquire, GIL released,
 * goes without), and with the GC off meanwhile: frame objects are
 * allocations, and a collection here would run finalizers, which take
 * locks, inside the graph's own bookkeeping. */
char *rt_py_graph_stack(void)
{
	if (!Py_IsInitialized() || !PyGILState_Check())
		return NULL;
	PyObject *et, *ev, *tb;
	PyErr_Fetch(&et, &ev, &tb);
	int was = PyGC_Disable();
	struct rt_stack *s = rt_py_stack(PyEval_GetFrame());
	struct rt_buf b = { 0 };
	rt_stack_text(&b, s);
	free(s);
	if (was)
		PyGC_Enable();
	PyErr_Restore(et, ev, tb);
	return b.p;
}
