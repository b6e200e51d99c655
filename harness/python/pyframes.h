/* SPDX-License-Identifier: Apache-2.0 */
/* pyframes.h - Python frames as the harness names them (pyframes.c):
 * interned strings, file paths relative to dist-packages or the stdlib,
 * frame sites, and a thread's Python stack as data (runtime/langstack.h),
 * recorded on its harness record while it waits.  GIL held for all of it;
 * include Python.h first. */
#ifndef RT_PYFRAMES_H
#define RT_PYFRAMES_H

#include "runtime/site.h"

struct rt_stack;

/* An interned copy of s (lives forever). */
const char *rt_py_intern(const char *s);
/* "rich/console.py" for ".../dist-packages/rich/console.py". */
const char *rt_py_relpath(const char *path);
/* s's UTF-8, or dflt (no exception left set). */
const char *rt_py_utf8_or(PyObject *s, const char *dflt);
/* The site of a Python frame, file relative (rt_py_relpath), strings
 * interned. */
struct rt_site rt_py_frame_site(PyFrameObject *f);
/* The Python caller of a C method: its site, or "<c>". */
struct rt_site rt_py_caller_site(void);

/* The stack from frame f outward (any thread's), innermost first, at most
 * 40 frames (malloc'd); with f NULL, "none (no Python frame: in C code)". */
struct rt_stack *rt_py_stack(PyFrameObject *f);
/* The calling thread's Python stack, recorded on its harness record
 * (rt_thread_set_stack) before it waits; rt_py_stack_clear when done. */
void rt_py_stack_record(void);
void rt_py_stack_clear(void);
/* The lock-order graph's stack provider (text, malloc'd, or NULL without
 * the GIL). */
char *rt_py_graph_stack(void);

#endif
