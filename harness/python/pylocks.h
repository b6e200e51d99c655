/* SPDX-License-Identifier: Apache-2.0 */
/* pylocks.h - `_redirtorture.Lock` / `_redirtorture.RLock` (pylocks.c):
 * harness-backed replacements for threading.Lock / threading.RLock.  Only
 * built with REDIRTORTURE_PYTHON; include Python.h first. */
#ifndef RT_PYLOCKS_H
#define RT_PYLOCKS_H

/* Adds Lock and RLock to the `_redirtorture` module: 0, or -1 with a Python
 * error set. */
int rt_pylocks_add_types(PyObject *module);

/* acquire(blocking=True, timeout=-1) arguments checked as threading's
 * locks check them: 0, or -1 with a Python exception set. */
int rt_py_acquire_args(PyObject *args, PyObject *kw, int *blocking, double *timeout);

#endif
