/* SPDX-License-Identifier: Apache-2.0 */
/* pymodule.h - the `_redirtorture` built-in Python module (pymodule.c):
 * the harness's record of each Python thread and the services the glue
 * calls.  Only built with REDIRTORTURE_PYTHON; include Python.h first. */
#ifndef RT_PYMODULE_H
#define RT_PYMODULE_H

struct rt_thread;

/* PyImport_AppendInittab("_redirtorture", rt_pymodule_init) before
 * Py_Initialize. */
PyObject *rt_pymodule_init(void);

/* The calling Python thread's record, registered on first use under its
 * threading name with role "python" (GIL held). */
struct rt_thread *rt_py_self(void);

/* How many tagged finalizers (fin_begin .. fin_end) are running on the
 * calling thread: their output is a separate line context. */
int rt_py_fin_depth(void);

#endif
