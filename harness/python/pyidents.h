/* SPDX-License-Identifier: Apache-2.0 */
/* pyidents.h - thread idents the code under test sees in a controlled
 * execution (pyidents.c).  GIL held for every call. */
#ifndef RT_PYIDENTS_H
#define RT_PYIDENTS_H

#include <Python.h>

/* What a controlled execution shows instead of pthread_self() and the
 * kernel TID: the thread that starts the target gets the base, the thread
 * of record id N base + 1 + N (docs/controlled.md). */
#define RT_PY_VIDENT_BASE 0x10000000UL
#define RT_PY_VNATIVE_BASE 0x800000UL   /* above Linux's largest pid_max */

/* `_redirtorture.get_ident` and `get_native_id` (the glue puts them in
 * threading and _thread). */
int rt_py_idents_add_functions(PyObject *module);
/* The ident the calling thread has now in threading's tables (its
 * threading._active key), without making one. */
unsigned long rt_py_idents_seen(void);
/* In a controlled execution: the calling thread's _DummyThread (a pooled
 * driver's) is named after its harness record. */
void rt_py_idents_name_self(void);
/* At the start of a controlled execution, on the thread that starts the
 * target: every thread back to its real ident (threading._active rekeyed),
 * then this thread the base. */
void rt_py_idents_reset(void);
/* A controlled thread adopts its record (id): its ident from now on. */
void rt_py_idents_adopt(int id);
/* The calling thread ends: its entry goes (a new thread may get its
 * pthread_t). */
void rt_py_idents_forget(void);

#endif
