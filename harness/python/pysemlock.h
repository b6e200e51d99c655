/* SPDX-License-Identifier: Apache-2.0 */
/* pysemlock.h - `_redirtorture.SemWatch` (pysemlock.c): the harness's books
 * around a multiprocessing SemLock used in this process, so
 * multiprocessing.Lock / RLock take part in the lock-order and wait-for
 * graphs and a Semaphore's waits are notify waits.  Include Python.h first. */
#ifndef RT_PYSEMLOCK_H
#define RT_PYSEMLOCK_H

/* Adds the SemWatch type to the `_redirtorture` module: 0, or -1 with a
 * Python error set. */
int rt_pysemlock_add_types(PyObject *module);

#endif
