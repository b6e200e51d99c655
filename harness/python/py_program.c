/* SPDX-License-Identifier: Apache-2.0 */
/* py_program.c - `redirtorture py -- SCRIPT|-m MODULE|-c CODE ARGS...`: a
 * user's own Python program, unchanged, in the embedded CPython with
 * everything the harness does to Python (harness locks, the lock-order
 * graph, collection points, the watchdog, exceptions as findings).
 *
 * start() initializes the interpreter (py_rich.c), makes fd 1/2 pipes that
 * a harness thread drains into the sinks and copies to the real stdout and
 * stderr (py_fds.c), then prepares the program as python3 would (targets/py/redirtorture_program.py: sys.argv, sys.path,
 * __main__, a venv; compiles the script or finds the module).  main() runs
 * it on the process's main thread while the drivers (if any) run, and turns
 * a non-zero exit status into a finding of its own (RT_EXIT_FAILED).  stop()
 * keeps the GIL for good, as Python's own finalization does: daemon threads
 * still running stay frozen until the process exits.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "py_plugin.h"
#include "python/py_rich.h"
#include "python/py_sinks.h"
#include "python/pygc.h"
#include "runtime/registry.h"
#include "runtime/rt.h"
#include "base/report.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct rt_py_program *prog;
static PyObject *runner;               /* redirtorture_program */
static char prog_why[1024];

/* The one-line reason of a BadProgram, or the error with its context. */
static const char *start_error(const char *context)
{
	PyObject *et, *ev, *tb;
	PyErr_Fetch(&et, &ev, &tb);
	PyObject *bad = runner ? PyObject_GetAttrString(runner, "BadProgram") : NULL;
	PyErr_Clear();
	if (!bad || !et || !PyErr_GivenExceptionMatches(et, bad)) {
		Py_XDECREF(bad);
		PyErr_Restore(et, ev, tb);
		snprintf(prog_why, sizeof prog_why, "%s", take_error(context));
		return prog_why;
	}
	Py_DECREF(bad);
	PyErr_NormalizeException(&et, &ev, &tb);
	PyObject *msg = ev ? PyObject_Str(ev) : NULL;
	const char *m = msg ? PyUnicode_AsUTF8(msg) : NULL;
	snprintf(prog_why, sizeof prog_why, "%s", m ? m : "cannot prepare the program");
	Py_XDECREF(msg);
	Py_XDECREF(et);
	Py_XDECREF(ev);
	Py_XDECREF(tb);
	PyErr_Clear();
	return prog_why;
}

static int program_start(const struct rt_target_env *env, const char **why)
{
	int rc = py_start_common(env, why, 0);
	if (!rc)
		rc = fds_open(1);   /* the user still sees the output */
	if (rc)
		return rc;
	PyGILState_STATE g = gil_enter();
	rt_py_gc_program_mode();
	PyObject *args = PyList_New(0);
	for (int i = 0; args && i < prog->argc; i++) {
		PyObject *a = PyUnicode_DecodeFSDefault(prog->argv[i]);
		if (!a || PyList_Append(args, a)) {
			Py_XDECREF(a);
			Py_CLEAR(args);
		}
		Py_XDECREF(a);
	}
	if (!runner)
		runner = PyImport_ImportModule("redirtorture_program");
	/* isatty() of sys.stdout/sys.stderr as the real fd 1/2 would answer */
	PyObject *r = runner && args ? PyObject_CallMethod(runner, "prepare", "isOzii", (int)prog->kind,
							   prog->what, args, prog->venv,
							   isatty(rt_out_fd()), isatty(rt_err_fd()))
				     : NULL;
	if (!r) {
		*why = start_error("cannot prepare the program (targets/py/redirtorture_program.py)");
		rc = -EINVAL;
	}
	Py_XDECREF(r);
	Py_XDECREF(args);
	PyGILState_Release(g);
	return rc;
}

/* A non-zero exit status: the program-failure finding, with its reason. */
static void report_failure(int status, const char *why)
{
	struct rt_buf b = { 0 }, canon = { 0 };
	/* the signature: status and the exception's type, never line numbers */
	rt_buf_printf(&canon, "exit %d", status);
	const char *last = NULL;
	for (const char *p = why; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "")
		if (*p && *p != ' ' && *p != '\n')
			last = p;   /* the last unindented line: "Type: message" */
	if (last) {
		size_t n = strcspn(last, ":\n");
		rt_buf_printf(&canon, " %.*s", (int)n, last);
	}
	char sig[512], title[600];
	rt_signature(sig, sizeof sig, "FAILED", canon.p);
	snprintf(title, sizeof title, "program failed: exit status %d%s%.*s", status,
		 last ? ", " : "", last ? (int)strcspn(last, "\n") : 0, last ? last : "");
	rt_buf_printf(&b, "\n======================================================\n"
			  "FAILED: the program exited with status %d; %s\n"
			  "------------------------------------------------------\n",
		      status, rt_report_context());
	if (why)
		rt_buf_printf(&b, "%s%s", why, why[0] && why[strlen(why) - 1] == '\n' ? "" : "\n");
	rt_buf_printf(&b, "signature: %s\nreplay: %s\n", sig, rt_report_replay());
	rt_report_finding(RT_EXIT_FAILED, "program-exit", title, sig, b.p);
	rt_buf_free(&b);
	rt_buf_free(&canon);
}

static int program_main(void)
{
	PyGILState_STATE g = gil_enter();
	struct rt_thread *t = rt_self_or_null();
	if (t)
		rt_thread_set_op(t, "the program's main thread");
	PyObject *r = PyObject_CallMethod(runner, "run", NULL);
	int status = 70;
	const char *why = NULL;
	PyObject *w = NULL;
	if (!r || !PyArg_ParseTuple(r, "iO", &status, &w)) {
		why = take_error("running the program (targets/py/redirtorture_program.py)");
		status = 70;
	} else if (w != Py_None) {
		why = PyUnicode_AsUTF8(w);
	}
	if (status)
		report_failure(status, why);
	Py_XDECREF(r);
	PyErr_Clear();
	PyGILState_Release(g);
	return status;
}

/* No check for leftover threads: as in python3, daemon threads may still
 * run when the program ends.  Keep the GIL from now on, so they stay where
 * they are (Python's finalization does the same) while the run ends. */
static void program_stop(void)
{
	gil_enter();
	py_sinks_close();
}

static const struct rt_target_ops program_ops = {
	.start = program_start,
	.stop = program_stop,
	.write = py_write,
	.flush = py_flush,
	.refresh = NULL,
	.log = py_log,
	.make_garbage = py_make_garbage,
	.main = program_main,
};

const struct rt_target_ops *py_program_target(const struct rt_py_program *p)
{
	prog = p;
	return &program_ops;
}
