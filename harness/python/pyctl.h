/* SPDX-License-Identifier: Apache-2.0 */
/* pyctl.h - the embedded CPython under the controlled scheduler (pyctl.c).
 * GIL held for every call unless said otherwise. */
#ifndef RT_PYCTL_H
#define RT_PYCTL_H

#include "runtime/lock.h"
#include "runtime/site.h"

struct rt_thread;

/* 1 in a controlled execution (any thread). */
int rt_py_ctl_on(void);
/* 1 if t (may be NULL) runs under the controlled scheduler now. */
int rt_py_ctl_controls(struct rt_thread *t);
/* A controlled thread's blocking acquire of l (timeout < 0: none; in
 * virtual time): 1 if taken.  Its Python stack is its note meanwhile. */
int rt_py_ctl_acquire(rt_lock *l, double timeout, struct rt_site site);
/* A controlled thread's wait until ready(obj) (timeout < 0: none), shown
 * as a notify wait on `on` at site: 1 ready, 0 not, -1 t is not controlled
 * (wait for real). */
int rt_py_ctl_wait(struct rt_thread *t, int (*ready)(const void *), const void *obj,
		   double timeout, const char *on, struct rt_site site);
/* A Python thread ends (after its run()): finished, turn handed on. */
void rt_py_ctl_thread_exit(void);
/* A harness thread (a pooled driver) enters Python for the first time:
 * threading's record of it (a _DummyThread, made on the first
 * current_thread(), as logging does for each record) is made now, outside
 * the schedule, not in whichever execution first logs from it. */
void rt_py_ctl_new_thread(void);
/* The `_redirtorture.ctl_*` functions, and the park hooks (GIL hand-off). */
int rt_py_ctl_add_functions(PyObject *module);
/* At a target's start: in a controlled execution, the same Python state
 * each time (glue.ctl_reset(), a full collection).  0 or -1 (exception). */
int rt_py_ctl_prepare(PyObject *glue);

#endif
