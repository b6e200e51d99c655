/* SPDX-License-Identifier: Apache-2.0 */
/* pygc.h - when the embedded CPython's cyclic GC runs (pygc.c).  Include
 * Python.h first; every function needs the GIL. */
#ifndef RT_PYGC_H
#define RT_PYGC_H

#include <stdint.h>

/* Before a run: pct = 0 leaves CPython's own generation-0 threshold (700);
 * pct > 0 makes the harness choose where collections start (see pygc.c). */
int rt_py_gc_configure(int pct, uint64_t seed);

/* A collection point: the caller just acquired a lock of the code under
 * test.  With probability pct %, the next allocation of a new GC object (on
 * any thread; normally the caller's own next one) starts a collection. */
void rt_py_gc_point(void);

/* A driver write/log starts: collect soon if generation 0 holds as many
 * objects as CPython's own threshold (code that takes no locks). */
void rt_py_gc_backstop(void);

/* May a driver make garbage now?  Not while a collection runs, when the
 * harness chooses collection points (see pygc.c). */
int rt_py_gc_may_make_garbage(void);

/* After configure, for `redirtorture py`: between points, generation 0
 * collects at 7000 objects instead of never (a program need not take locks). */
void rt_py_gc_program_mode(void);

/* gc.callbacks "start" (disarm) and "stop". */
void rt_py_gc_started(void);
void rt_py_gc_stopped(void);

#endif
