/* SPDX-License-Identifier: Apache-2.0 */
/* py_marimo.c - target py_marimo: marimo's own run-mode console redirection
 * (`marimo run --redirect-console-to-browser`), the version chosen with the
 * knob py_venv (build/venvs/marimo-0.19.11, marimo-0.20.0), in the embedded
 * CPython, under the session driver and its oracles (docs/sessions.md).
 *
 * Each session op calls targets/py/marimo_run.py, which calls marimo's own
 * code the way a run-mode kernel thread does: at session start the streams
 * runtime.launch_kernel builds (ThreadSafeStream on a queue, ThreadSafeStdout
 * and ThreadSafeStderr, and in 0.20.0 the proxies KernelManagerImpl
 * installs), around each cell runtime.redirect_streams, at stop
 * Kernel.teardown's stream calls; a browser thread per session reads the
 * session's queue and writes the console outputs into the session's sink.
 * Writes with write(2) on fd 1/2 (c_write) are made by the binary
 * (targets/py_plugin.c), as C code would make them, without Python.
 *
 * Whether fd 1/2 writes are forwarded to the browser is marimo's choice: the
 * module reports it at start (0.20.0 does not, PR #8353's trade-off), and
 * the target then declares RT_TARGET_FD_NOT_FORWARDED for the oracle. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "base/report.h"
#include "base/util.h"
#include "py_plugin.h"
#include "python/py_rich.h"
#include "python/py_sinks.h"
#include "runtime/rt.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static PyObject *mod;          /* marimo_run */
static char session_why[RT_MAX_SESSIONS][256];

/* session_write(sid, text): the browser of session sid receives text. */
static PyObject *session_write(PyObject *self, PyObject *args)
{
	(void)self;
	int sid;
	const char *s;
	Py_ssize_t n;
	if (!PyArg_ParseTuple(args, "is#:session_write", &sid, &s, &n))
		return NULL;
	if (sid < 0 || sid >= RT_MAX_SESSIONS) {
		PyErr_SetString(PyExc_ValueError, "no such session");
		return NULL;
	}
	/* The session oracle checks the line as it lands, under its own lock,
	 * and calls idle_check (which takes the GIL) under that lock too: so
	 * the GIL is released here, or the two would wait for each other. */
	Py_BEGIN_ALLOW_THREADS
	rt_sink_write(rt_py_session_sink(sid), s, (size_t)n);
	Py_END_ALLOW_THREADS
	Py_RETURN_NONE;
}

static PyMethodDef session_write_def = { "session_write", session_write, METH_VARARGS,
					 "session_write(sid, text)" };

/* mod.FN(args...) with the GIL taken; an exception is a finding named op. */
static PyObject *call(const char *op, const char *fn, const char *fmt, ...);

static int marimo_start(const struct rt_target_env *env, const char **why)
{
	int rc = py_start_common(env, why, 0);
	if (rc)
		return rc;
	/* A Python program (the marimo server) runs with SIGPIPE ignored, as
	 * CPython's start-up sets it: a write to a pipe without a reader is
	 * EPIPE (BrokenPipeError), not the end of the process.  The embedded
	 * interpreter leaves signals to the harness, so the target does it. */
	signal(SIGPIPE, SIG_IGN);
	PyGILState_STATE g = gil_enter();
	PyObject *fn = PyCFunction_New(&session_write_def, NULL);
	if (!mod)
		mod = PyImport_ImportModule("marimo_run");
	PyObject *r = fn && mod ? PyObject_CallMethod(mod, "start", "O", fn) : NULL;
	int fd_forwarded = 0;
	PyObject *libs = NULL;
	if (!r || !PyArg_ParseTuple(r, "pO", &fd_forwarded, &libs)) {
		take_error("py_marimo needs marimo (--set py_venv=build/venvs/marimo-0.20.0, "
			   "scripts/make-venvs.sh)");
		rc = -ENOENT;
	} else {
		report_libraries(libs);
		/* read by the session oracle at the end of the run */
		py_marimo_ops.flags = fd_forwarded
			? py_marimo_ops.flags & ~RT_TARGET_FD_NOT_FORWARDED
			: py_marimo_ops.flags | RT_TARGET_FD_NOT_FORWARDED;
		if (!fd_forwarded)
			rt_fdprintf(rt_out_fd(), "py_marimo: this marimo does not forward write(2) on fd 1/2 "
				    "to the browser in run mode (PR #8353's trade-off): the oracle expects "
				    "those lines at the server console\n");
	}
	Py_XDECREF(r);
	Py_XDECREF(fn);
	PyGILState_Release(g);
	main_thread_idle();
	return rc;
}

static PyObject *vcall(const char *op, const char *fn, const char *fmt, va_list ap)
{
	PyObject *f = PyObject_GetAttrString(mod, fn);
	PyObject *args = f ? Py_VaBuildValue(fmt, ap) : NULL;
	if (args && !PyTuple_Check(args))
		Py_SETREF(args, PyTuple_Pack(1, args));
	PyObject *r = args ? PyObject_Call(f, args, NULL) : NULL;
	Py_XDECREF(args);
	Py_XDECREF(f);
	if (!r)
		op_error(op);
	return r;
}

static PyObject *call(const char *op, const char *fn, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	PyObject *r = vcall(op, fn, fmt, ap);
	va_end(ap);
	return r;
}

static void call_void(const char *op, const char *fn, int sid)
{
	PyGILState_STATE g = gil_enter();
	PyObject *r = call(op, fn, "(i)", sid);
	Py_XDECREF(r);
	PyGILState_Release(g);
}

/* A failed start is the session oracle's finding (START:...): the reason is
 * marimo's exception, e.g. "Stream not redirected, no fileno." */
static int marimo_session_start(int sid, const char **why)
{
	PyGILState_STATE g = gil_enter();
	PyObject *f = PyObject_GetAttrString(mod, "session_start");
	PyObject *r = f ? PyObject_CallFunction(f, "i", sid) : NULL;
	Py_XDECREF(f);
	int rc = 0;
	if (!r) {
		PyObject *et, *ev, *tb;
		PyErr_Fetch(&et, &ev, &tb);
		PyErr_NormalizeException(&et, &ev, &tb);
		PyObject *s = ev ? PyObject_Str(ev) : NULL;
		const char *m = s ? PyUnicode_AsUTF8(s) : NULL;
		snprintf(session_why[sid], sizeof session_why[sid], "%s: %s",
			 et ? ((PyTypeObject *)et)->tp_name : "error", m ? m : "?");
		Py_XDECREF(s);
		Py_XDECREF(et);
		Py_XDECREF(ev);
		Py_XDECREF(tb);
		PyErr_Clear();
		*why = session_why[sid];
		rc = -EIO;
	}
	Py_XDECREF(r);
	PyGILState_Release(g);
	return rc;
}

static void marimo_session_stop(int sid) { call_void("session stop", "session_stop", sid); }
static void marimo_cell_enter(int sid) { call_void("cell enter", "cell_enter", sid); }
static void marimo_cell_exit(int sid) { call_void("cell exit", "cell_exit", sid); }
static void marimo_capture_begin(int sid) { call_void("capture begin", "capture_begin", sid); }

static char *marimo_capture_end(int sid, size_t *len)
{
	PyGILState_STATE g = gil_enter();
	PyObject *r = call("capture end", "capture_end", "(i)", sid);
	Py_ssize_t n = 0;
	const char *s = r ? PyUnicode_AsUTF8AndSize(r, &n) : NULL;
	char *out = s ? malloc((size_t)n + 1) : NULL;
	if (out)
		memcpy(out, s, (size_t)n + 1);
	*len = out ? (size_t)n : 0;
	PyErr_Clear();
	Py_XDECREF(r);
	PyGILState_Release(g);
	return out;
}

static void marimo_server_log(const char *buf, size_t len)
{
	if (len && buf[len - 1] == '\n')   /* the handler adds the terminator */
		len--;
	PyGILState_STATE g = gil_enter();
	PyObject *r = call("server log", "server_log", "(s#)", buf, (Py_ssize_t)len);
	Py_XDECREF(r);
	PyGILState_Release(g);
}

static int marimo_idle_check(char *why, size_t n)
{
	PyGILState_STATE g = gil_enter();
	PyObject *r = call("idle check", "idle_check", "()");
	const char *s = r ? PyUnicode_AsUTF8(r) : NULL;
	int rc = s && !*s ? 0 : -1;
	if (rc)
		snprintf(why, n, "%s", s ? s : "idle_check raised");
	PyErr_Clear();
	Py_XDECREF(r);
	PyGILState_Release(g);
	return rc;
}

/* Threads marimo leaves behind are the session oracle's (RESOURCES, from
 * /proc/self/task after all sessions stop), so no leftover-thread wait. */
static void marimo_stop(void)
{
	PyGILState_STATE g = gil_enter();
	PyObject *r = PyObject_CallMethod(glue, "stop_marimo", NULL);
	if (!r)
		op_error("stop_marimo");
	Py_XDECREF(r);
	PyGILState_Release(g);
	py_sinks_close();
}

/* Only functions (the binary's entry, targets/py_plugin.c, has the name,
 * summary, flags and c_write); flags carry RT_TARGET_FD_NOT_FORWARDED
 * after start when marimo does not forward fd-level writes. */
struct rt_target_ops py_marimo_ops = {
	.start = marimo_start,
	.stop = marimo_stop,
	.write = py_write,
	.flush = py_flush,
	.session_start = marimo_session_start,
	.session_stop = marimo_session_stop,
	.cell_enter = marimo_cell_enter,
	.cell_exit = marimo_cell_exit,
	.capture_begin = marimo_capture_begin,
	.capture_end = marimo_capture_end,
	.server_log = marimo_server_log,
	.idle_check = marimo_idle_check,
};
