/* SPDX-License-Identifier: Apache-2.0 */
/* pylocks.h - the `_redirtorture` built-in Python module (pylocks.c):
 * harness-backed replacements for threading.Lock / threading.RLock, and the
 * few harness services Python glue code needs (finalizer lines, thread
 * names, counters).  Only built with REDIRTORTURE_PYTHON; include Python.h
 * first. */
#ifndef RT_PYLOCKS_H
#define RT_PYLOCKS_H

#include "runtime/site.h"

struct rt_thread;

/* PyImport_AppendInittab("_redirtorture", rt_pylocks_init) before
 * Py_Initialize. */
PyObject *rt_pylocks_init(void);

/* The calling Python thread's record, registered on first use under its
 * threading name with role "python" (GIL held). */
struct rt_thread *rt_py_self(void);

/* How many tagged finalizers (fin_begin .. fin_end) are running on the
 * calling thread: their output is a separate line context. */
int rt_py_fin_depth(void);

/* An interned copy of s (lives forever; GIL held). */
const char *rt_py_intern(const char *s);

/* The site of a Python frame, file relative (rt_py_relpath), strings
 * interned (GIL held). */
struct rt_site rt_py_frame_site(PyFrameObject *f);

/* The calling thread's Python stack, innermost first, as a thread note
 * (malloc'd; GIL held). */
char *rt_py_stack_text(void);
/* The same from frame f outward (any thread's; GIL held). */
char *rt_py_frames_text(PyFrameObject *f);

/* "rich/console.py" for ".../dist-packages/rich/console.py". */
const char *rt_py_relpath(const char *path);

/* acquire(blocking=True, timeout=-1) arguments checked as threading's
 * locks check them: 0, or -1 with a Python exception set. */
int rt_py_acquire_args(PyObject *args, PyObject *kw, int *blocking, double *timeout);

#endif
