/* SPDX-License-Identifier: Apache-2.0 */
/* py_rich.h - the embedded interpreter's shared parts (py_rich.c), for the
 * plugin's other targets (py_marimo.c, py_program.c).  Include Python.h first. */
#ifndef RT_PY_RICH_H
#define RT_PY_RICH_H

#include "runtime/rt.h"

extern PyObject *glue;          /* redirtorture_glue, after the first start */
extern char why_buf[1024];       /* the reason a start failed */

/* The calling pthread's Python thread state (made on first use), GIL held. */
PyGILState_STATE gil_enter(void);
/* The pending exception as "context: Type: message" in why_buf. */
const char *take_error(const char *context);
/* An exception from code under test in a driver operation: a finding. */
void op_error(const char *op);
/* Interpreter, py_venv, sinks, knobs: 0 or -errno with *why set. */
int py_start_common(const struct rt_target_env *env, const char **why, int with_capture);
void main_thread_idle(void);
/* After py_start_common: fd 1/2 as pipes into the sinks (py_fds.c), echoed
 * to the real stdout/stderr or not; 0 or -errno with why_buf set. */
int fds_open(int echo);
/* Driver writes to the current sys.stdout/sys.stderr. */
void py_write(enum rt_stream s, const char *buf, size_t len);
void py_flush(enum rt_stream s);
/* [(name, version, where)] -> rt_report_library. */
void report_libraries(PyObject *list);
/* glue.FN(), then Python threads left running are a finding; sinks closed. */
void py_stop(const char *fn);

/* py_marimo.c */
extern struct rt_target_ops py_marimo_ops;

/* Driver logging and garbage in the target's runtime (py_rich.c). */
void py_log(const char *buf, size_t len);
int py_make_garbage(int action);

/* `redirtorture py`'s target (py_program.c), for the plugin's entry point. */
struct rt_py_program;
const struct rt_target_ops *py_program_target(const struct rt_py_program *p);

#endif
