/* SPDX-License-Identifier: Apache-2.0 */
/* pywait.h - `_redirtorture.Waiter` (pywait.c): the lock threading's
 * Condition.wait allocates for each waiter, so a thread waiting in
 * Condition.wait / Event.wait / queue.Queue / Semaphore / Barrier is a
 * harness wait: "waits for notify on <condition>" with its Python stack.
 * Include Python.h first. */
#ifndef RT_PYWAIT_H
#define RT_PYWAIT_H

/* Adds the Waiter type to the `_redirtorture` module: 0, or -1 with a
 * Python error set. */
int rt_pywait_add_types(PyObject *module);

#endif
