/* SPDX-License-Identifier: Apache-2.0 */
/* pywait.h - `_redirtorture.Waiter` (pywait.c): the lock threading's
 * Condition.wait allocates for each waiter, so a thread waiting in
 * Condition.wait / Event.wait / queue.Queue / Semaphore / Barrier is a
 * harness wait: "waits for notify on <condition>" with its Python stack.
 * Include Python.h first. */
#ifndef RT_PYWAIT_H
#define RT_PYWAIT_H

#include "runtime/site.h"

#include <stdint.h>

struct rt_thread;

/* Adds the Waiter type to the `_redirtorture` module: 0, or -1 with a
 * Python error set. */
int rt_pywait_add_types(PyObject *module);

/* Where a Python wait is, for reports: the first frame from the caller
 * outward whose file is neither inside(file) (the library that implements
 * the wait: threading.py, multiprocessing/) nor the glue's.  GIL held. */
struct rt_site rt_py_outside_site(int (*inside)(const char *file));
/* file (rt_py_relpath) is one of the glue's modules (targets/py:
 * redirtorture_glue.py, redirtorture_threading.py). */
int rt_py_glue_file(const char *file);
/* A notify wait of t on `on` (interned) at site, until deadline (0: none),
 * with its Python stack recorded; ended by rt_py_notify_wait_end.  GIL
 * held for begin (it reads frames), not needed for end. */
void rt_py_notify_wait_begin(struct rt_thread *t, const char *on, struct rt_site site,
			     uint64_t deadline);
void rt_py_notify_wait_end(struct rt_thread *t);

#endif
