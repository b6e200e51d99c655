/* SPDX-License-Identifier: Apache-2.0 */
/* py_rich.c - targets that run REAL Python redirection code in an embedded
 * CPython 3.11 (Debian's libpython3.11), driven by the same drivers,
 * watchdog and lock-order graph as the C models:
 *
 *  py_rich             real Rich (Debian python3-rich 13.3.1):
 *                      Live(redirect_stdout=True, redirect_stderr=True,
 *                      auto_refresh=True) on an interactive terminal: #4158.
 *  py_rich_noredirect  the same with redirection off (the workaround).
 *  py:MODULE           any module implementing docs/py-targets.md.
 *
 * How driver operations map onto Python (targets/py/redirtorture_glue.py):
 *  - each driver pthread gets its own Python thread state, kept for its
 *    life; write/flush call the glue's write/flush (a Python frame, so
 *    code that looks at its caller finds one), which call the CURRENT
 *    sys.stdout / sys.stderr (Rich's FileProxy while Live redirects), or
 *    the module's write/flush;
 *  - log: the logging module, through a StreamHandler made after the
 *    redirection is installed (so it writes to the redirected stderr);
 *  - make_garbage: a self-referencing object whose __del__ logs or prints a
 *    tagged finalizer line of the thread that runs it; the cyclic GC runs
 *    at allocations the harness arms (harness/pygc.c, knob py_gc_pct),
 *    e.g. right after a worker took Console._lock to render;
 *  - refresh: Live's own refresh thread (py_rich); the module's refresh()
 *    from the harness's refresh driver (py:MODULE).
 * threading.Lock/RLock are harness locks (harness/pylocks.c), installed
 * before Rich or logging is imported.
 *
 * Output goes to the sinks of py_sinks.c (a terminal, and line-atomic
 * stdout/stderr).
 *
 * The interpreter is initialized once per process and never finalized;
 * later start() calls reuse it.  This file, py_sinks.c, py_program.c
 * (`redirtorture py`), harness/pylocks.c and harness/pygc.c make the plugin
 * redirtorture_py.so, loaded by targets/py_plugin.c.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/pygc.h"
#include "py_plugin.h"
#include "python/py_rich.h"
#include "python/py_sinks.h"
#include "python/pymodule.h"
#include "python/pystacks.h"
#include "python/pyctl.h"
#include "runtime/registry.h"
#include "runtime/rt.h"
#include "base/paths.h"
#include "base/report.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int py_ready;
PyObject *glue;                         /* redirtorture_glue */
/* the glue's write(stream, text), flush(stream): a driver's print runs in a
 * Python frame of its own, as a program's would (a caller to inspect) */
static PyObject *drv_write, *drv_flush;
static PyObject *s_stdout, *s_stderr;   /* interned stream names */
static PyObject *mod_refresh;           /* py:MODULE's refresh(), or NULL */
char why_buf[1024];

/* ---- the interpreter ------------------------------------------------------ */

/* Each pthread that calls in gets a Python thread state on first use and
 * keeps it: the outermost PyGILState_Ensure is never released. */
static _Thread_local int have_tstate;

PyGILState_STATE gil_enter(void)
{
	if (!have_tstate) {
		PyGILState_Ensure();
		rt_py_ctl_new_thread();
		PyEval_SaveThread();
		have_tstate = 1;
	}
	return PyGILState_Ensure();
}

/* The pending exception as one line "Type: message" into why_buf; the full
 * traceback (unless a module is just missing) goes to the saved stderr. */
const char *take_error(const char *context)
{
	PyObject *et, *ev, *tb;
	PyErr_Fetch(&et, &ev, &tb);
	PyErr_NormalizeException(&et, &ev, &tb);
	PyObject *msg = ev ? PyObject_Str(ev) : NULL;
	const char *m = msg ? PyUnicode_AsUTF8(msg) : NULL;
	snprintf(why_buf, sizeof why_buf, "%s: %s: %s", context,
		 et ? ((PyTypeObject *)et)->tp_name : "error", m ? m : "?");
	int missing = et && PyErr_GivenExceptionMatches(et, PyExc_ModuleNotFoundError);
	PyObject *tbmod = missing ? NULL : PyImport_ImportModule("traceback");
	PyObject *lines = tbmod ? PyObject_CallMethod(tbmod, "format_exception", "OOO",
						       et ? et : Py_None, ev ? ev : Py_None,
						       tb ? tb : Py_None)
				: NULL;
	for (Py_ssize_t i = 0; lines && i < PyList_Size(lines); i++) {
		const char *l = PyUnicode_AsUTF8(PyList_GetItem(lines, i));
		if (l)
			rt_fdprintf(rt_err_fd(), "  %s", l);
	}
	Py_XDECREF(lines);
	Py_XDECREF(tbmod);
	Py_XDECREF(msg);
	Py_XDECREF(et);
	Py_XDECREF(ev);
	Py_XDECREF(tb);
	PyErr_Clear();
	return why_buf;
}

/* An exception from code under test during a driver operation: a finding
 * (through the glue, deduplicated), never printed to the redirected stderr. */
void op_error(const char *op)
{
	PyObject *et, *ev, *tb;
	PyErr_Fetch(&et, &ev, &tb);
	PyErr_NormalizeException(&et, &ev, &tb);
	PyObject *r = PyObject_CallMethod(glue, "report", "sOOO", op, et ? et : Py_None,
					  ev ? ev : Py_None, tb ? tb : Py_None);
	if (!r) {
		PyErr_Clear();
		rt_fdprintf(rt_err_fd(), "redirtorture: python error in %s (not reportable)\n", op);
	}
	Py_XDECREF(r);
	Py_XDECREF(et);
	Py_XDECREF(ev);
	Py_XDECREF(tb);
}

static int path_insert(PyObject *path, Py_ssize_t at, const char *dir)
{
	PyObject *s = PyUnicode_DecodeFSDefault(dir);
	int rc = s ? PyList_Insert(path, at, s) : -1;
	Py_XDECREF(s);
	return rc;
}

/* Once per process: interpreter, module search path, lock patches, glue.
 * Leaves the GIL released.  0, or -1 with why_buf set. */
static int py_init(const struct rt_target_env *env)
{
	if (py_ready)
		return 0;
	if (PyImport_AppendInittab("_redirtorture", rt_pymodule_init) < 0) {
		snprintf(why_buf, sizeof why_buf, "cannot register the _redirtorture module");
		return -1;
	}
	PyConfig config;
	PyConfig_InitPythonConfig(&config);
	config.use_environment = 0;          /* no PYTHONHOME from another Python */
	config.user_site_directory = 0;
	config.install_signal_handlers = 0;  /* signals stay the harness's */
	config.parse_argv = 0;
	config.write_bytecode = 0;
	config.use_hash_seed = 1;            /* str hashes, so set order, the same */
	config.hash_seed = 0;                /* in every run (as PYTHONHASHSEED=0) */
	/* Debian's Python: its prefix, stdlib and dist-packages */
	PyStatus st = PyConfig_SetString(&config, &config.program_name, L"/usr/bin/python3");
	if (!PyStatus_Exception(st))
		st = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(st)) {
		snprintf(why_buf, sizeof why_buf, "cannot initialize the embedded Python 3.11: %s",
			 st.err_msg ? st.err_msg : "?");
		return -1;
	}
	have_tstate = 1;   /* this thread's state is the main one */
	py_ready = 1;

	/* sys.path: cwd, the glue directory (base/paths.h), then PYTHONPATH */
	PyObject *path = PySys_GetObject("path");
	char cwd[4096];
	int rc = path && getcwd(cwd, sizeof cwd) ? path_insert(path, 0, cwd) : -1;
	if (!rc)
		rc = path_insert(path, 1, rt_path_py_dir());
	const char *pp = getenv("PYTHONPATH");
	for (Py_ssize_t at = 2; !rc && pp && *pp; at++) {
		const char *colon = strchr(pp, ':');
		char dir[4096];
		snprintf(dir, sizeof dir, "%.*s", (int)(colon ? colon - pp : (long)strlen(pp)), pp);
		rc = path_insert(path, at, dir);
		pp = colon ? colon + 1 : NULL;
	}
	s_stdout = PyUnicode_InternFromString("stdout");
	s_stderr = PyUnicode_InternFromString("stderr");
	PyObject *fn = PyCFunction_New(&py_sink_write_def, NULL);
	if (!rc && s_stdout && s_stderr && fn &&
	    (glue = PyImport_ImportModule("redirtorture_glue")) &&
	    (drv_write = PyObject_GetAttrString(glue, "write")) &&
	    (drv_flush = PyObject_GetAttrString(glue, "flush"))) {
		PyObject *r = PyObject_CallMethod(glue, "install_locks", NULL);
		PyObject *r2 = r ? PyObject_CallMethod(glue, "setup", "Oii", fn, env->line_len,
							      rt_err_fd()) : NULL;
		rc = r2 ? 0 : -1;
		Py_XDECREF(r);
		Py_XDECREF(r2);
		if (!rc && rt_pystacks_install())
			PyErr_SetString(PyExc_OSError, "cannot start the Python stack taker thread");
		rc = rc || PyErr_Occurred() ? -1 : 0;
	} else {
		rc = -1;
	}
	Py_XDECREF(fn);
	if (rc) {
		char ctx[600];
		snprintf(ctx, sizeof ctx, "cannot load the glue %s/redirtorture_glue.py",
			 rt_path_py_dir());
		take_error(ctx);
	}
	PyEval_SaveThread();
	return rc;
}

/* The harness's main thread took Python locks in start(); until stop() it
 * only waits, which reports should not show as "running". */
void main_thread_idle(void)
{
	struct rt_thread *t = rt_self_or_null();
	if (t) {
		rt_thread_set_op(t, "harness main thread, idle until stop");
		rt_thread_set_state(t, RT_TS_SLEEPING);
	}
}

int py_start_common(const struct rt_target_env *env, const char **why, int with_capture)
{
	/* In a controlled execution (sched/exec.c) python/pyctl.c hands the
	 * GIL to the one thread the scheduler runs. */
	const struct rt_py_settings *ps = env->knobs;   /* the Python family's knobs */
	if (!ps) {
		*why = "started without the Python knobs (ops.knobs = &rt_py_knobs)";
		return -EINVAL;
	}
	*why = why_buf;
	if (py_init(env) || !glue)   /* !glue: an earlier start() failed (why_buf kept) */
		return -ENOENT;
	py_sinks_open(with_capture);
	PyGILState_STATE g = gil_enter();
	PyObject *v = PyObject_CallMethod(glue, "use_venv", "s", ps->venv);
	const char *bad = v ? PyUnicode_AsUTF8(v) : NULL;
	if (!bad || *bad) {   /* one line, no traceback: a bad knob value */
		if (bad)
			snprintf(why_buf, sizeof why_buf, "%s", bad);
		else
			take_error("py_venv");
		Py_XDECREF(v);
		PyGILState_Release(g);
		return -ENOENT;
	}
	Py_DECREF(v);
	PyObject *r = PyObject_CallMethod(glue, "set_line_len", "i", env->line_len);
	PyObject *r2 = r ? PyObject_CallMethod(glue, "set_log_handler", "i", ps->log_handler) : NULL;
	int rc = r2 && !rt_py_gc_configure(ps->gc_pct, env->seed) && !rt_py_ctl_prepare(glue) &&
			 !rt_pystacks_crash_enable(rt_err_fd())
		 ? 0 : -EIO;
	Py_XDECREF(r2);
	if (rc)
		take_error("configuring the embedded Python");
	Py_XDECREF(r);
	PyGILState_Release(g);
	return rc;
}

/* ---- driver operations ------------------------------------------------------ */

void py_write(enum rt_stream s, const char *buf, size_t len)
{
	PyGILState_STATE g = gil_enter();
	rt_py_gc_backstop();
	PyObject *text = PyUnicode_DecodeUTF8(buf, (Py_ssize_t)len, "replace");
	PyObject *r = text ? PyObject_CallFunctionObjArgs(drv_write, s == RT_STDERR ? s_stderr
										    : s_stdout,
							  text, NULL)
			   : NULL;
	if (!r)
		op_error(s == RT_STDERR ? "write(sys.stderr)" : "write(sys.stdout)");
	Py_XDECREF(r);
	Py_XDECREF(text);
	PyGILState_Release(g);
}

void py_flush(enum rt_stream s)
{
	PyGILState_STATE g = gil_enter();
	PyObject *r = PyObject_CallOneArg(drv_flush, s == RT_STDERR ? s_stderr : s_stdout);
	if (!r)
		op_error(s == RT_STDERR ? "flush(sys.stderr)" : "flush(sys.stdout)");
	Py_XDECREF(r);
	PyGILState_Release(g);
}

void py_log(const char *buf, size_t len)
{
	if (len && buf[len - 1] == '\n')   /* the handler adds the terminator */
		len--;
	PyGILState_STATE g = gil_enter();
	rt_py_gc_backstop();
	PyObject *r = PyObject_CallMethod(glue, "log", "s#", buf, (Py_ssize_t)len);
	if (!r)
		op_error("log");
	Py_XDECREF(r);
	PyGILState_Release(g);
}

int py_make_garbage(int action)
{
	PyGILState_STATE g = gil_enter();
	int made = rt_py_gc_may_make_garbage();
	PyObject *r = made ? PyObject_CallMethod(glue, "make_garbage", "i", action)
			   : (Py_INCREF(Py_None), Py_None);
	if (!r)
		op_error("make_garbage");
	Py_XDECREF(r);
	PyGILState_Release(g);
	return made;
}

static void py_refresh(void)
{
	PyGILState_STATE g = gil_enter();
	PyObject *r = mod_refresh ? PyObject_CallNoArgs(mod_refresh) : (Py_INCREF(Py_None), Py_None);
	if (!r)
		op_error("refresh");
	Py_XDECREF(r);
	PyGILState_Release(g);
}

/* The versions of a list of (name, version, where) tuples, for the report. */
void report_libraries(PyObject *list)
{
	for (Py_ssize_t i = 0; list && PyList_Check(list) && i < PyList_Size(list); i++) {
		const char *n, *v, *w;
		if (PyArg_ParseTuple(PyList_GetItem(list, i), "sss", &n, &v, &w))
			rt_report_library(n, v, w);
	}
	PyErr_Clear();
}

/* After stop: Python threads the target started must be gone, or they
 * would run on into freed harness state. */
static void check_threads(const char *what)
{
	PyObject *r = PyObject_CallMethod(glue, "leftover_threads", NULL);
	if (!r) {
		op_error(what);
		return;
	}
	const char *s = PyUnicode_AsUTF8(r);
	if (s && *s) {
		PyErr_Format(PyExc_RuntimeError, "threads still running after %s: %s", what, s);
		op_error(what);
	}
	Py_DECREF(r);
	PyErr_Clear();
}

/* ---- py_rich / py_rich_noredirect ---------------------------------------------- */

int fds_open(int echo)
{
	int rc = py_sinks_fds_open(echo);
	if (rc)
		snprintf(why_buf, sizeof why_buf, "cannot make fd 1/2 pipes for the sinks: %s",
			 strerror(-rc));
	return rc;
}

static int rich_start(const struct rt_target_env *env, const char **why, int redirect)
{
	int rc = py_start_common(env, why, 0);
	if (!rc)
		rc = fds_open(0);
	if (rc)
		return rc;
	PyGILState_STATE g = gil_enter();
	PyObject *rich = PyImport_ImportModule("rich");
	if (!rich) {
		take_error("import rich");
		snprintf(why_buf, sizeof why_buf,
			 "py_rich needs python3-rich (apt-get install python3-rich)");
		PyGILState_Release(g);
		return -ENOENT;
	}
	Py_DECREF(rich);
	PyObject *r = PyObject_CallMethod(glue, "start_rich", "iii", redirect,
				env->refresh_hz > 0 ? env->refresh_hz : 50,
				env->live_rows > 0 ? env->live_rows : 20);
	if (!r) {
		take_error("starting Rich's Live");
		rc = -EIO;
	}
	Py_XDECREF(r);
	PyObject *libs = rc ? NULL : PyObject_CallMethod(glue, "libraries", "[s]", "rich");
	report_libraries(libs);
	Py_XDECREF(libs);
	PyGILState_Release(g);
	main_thread_idle();
	return rc;
}

static int py_rich_start(const struct rt_target_env *env, const char **why)
{
	return rich_start(env, why, 1);
}

static int py_rich_noredirect_start(const struct rt_target_env *env, const char **why)
{
	return rich_start(env, why, 0);
}

void py_stop(const char *fn)
{
	PyGILState_STATE g = gil_enter();
	PyObject *r = PyObject_CallMethod(glue, fn, NULL);
	if (!r)
		op_error(fn);
	Py_XDECREF(r);
	check_threads(fn);
	PyGILState_Release(g);
	py_sinks_close();
}

static void py_rich_stop(void) { py_stop("stop_rich"); }

/* Only functions: the names, summaries and flags the registry shows are
 * those of targets/py_plugin.c's entries, which forward to these. */
static const struct rt_target_ops py_rich_ops = {
	.start = py_rich_start,
	.stop = py_rich_stop,
	.write = py_write,
	.flush = py_flush,
	.refresh = NULL,   /* Live's own refresh thread */
	.log = py_log,
	.make_garbage = py_make_garbage,
};

static const struct rt_target_ops py_rich_noredirect_ops = {
	.start = py_rich_noredirect_start,
	.stop = py_rich_stop,
	.write = py_write,
	.flush = py_flush,
	.refresh = NULL,
	.log = py_log,
	.make_garbage = py_make_garbage,
};

/* ---- py:MODULE ------------------------------------------------------------------- */

static char module_name[64];
static struct rt_target_ops py_module_ops;

/* Knob py_options as the dict harness.options (checked by the config). */
static PyObject *module_options(const struct rt_py_settings *ps)
{
	PyObject *d = PyDict_New();
	const char *p = ps->options;
	struct rt_py_option o;
	while (d && rt_py_option_next(&p, &o) > 0) {
		PyObject *v = PyUnicode_DecodeUTF8(o.value, (Py_ssize_t)strlen(o.value), "replace");
		if (!v || PyDict_SetItemString(d, o.key, v) < 0)
			Py_CLEAR(d);
		Py_XDECREF(v);
	}
	return d;
}

static int py_module_start(const struct rt_target_env *env, const char **why)
{
	int rc = py_start_common(env, why, 1);
	if (!rc)
		rc = fds_open(0);
	if (rc)
		return rc;
	PyGILState_STATE g = gil_enter();
	PyObject *opts = module_options(env->knobs);
	PyObject *r = opts ? PyObject_CallMethod(glue, "start_module", "siiiKO", module_name,
						 env->refresh_hz, env->live_rows, env->line_len,
						 (unsigned long long)env->seed, opts)
			   : NULL;
	Py_XDECREF(opts);
	PyObject *rf = NULL, *libs = NULL;
	if (!r || !PyArg_ParseTuple(r, "OO", &rf, &libs)) {
		char ctx[600];
		snprintf(ctx, sizeof ctx, "py:%s: cannot import or install module '%s' (searched the "
			 "current directory, %s, PYTHONPATH)",
			 module_name, module_name, rt_path_py_dir());
		take_error(ctx);
		Py_XDECREF(r);
		PyGILState_Release(g);
		return -ENOENT;
	}
	Py_XSETREF(mod_refresh, rf == Py_None ? NULL : Py_NewRef(rf));
	/* read by the drivers after start(): a refresh thread only if it has one */
	py_module_ops.refresh = mod_refresh ? py_refresh : NULL;
	report_libraries(libs);
	Py_DECREF(r);
	PyGILState_Release(g);
	main_thread_idle();
	return 0;
}

static void py_module_stop(void)
{
	py_stop("stop_module");
	PyGILState_STATE g = gil_enter();
	Py_CLEAR(mod_refresh);
	PyGILState_Release(g);
}

/* NAME was checked by the binary (targets/py_plugin.c). */
static const struct rt_target_ops *module_target(const char *name)
{
	if (strlen(name) >= sizeof module_name)
		return NULL;
	strcpy(module_name, name);
	py_module_ops = (struct rt_target_ops){
		.start = py_module_start,
		.stop = py_module_stop,
		.write = py_write,
		.flush = py_flush,
		.refresh = NULL,   /* set by start() if the module has refresh() */
		.log = py_log,
		.make_garbage = py_make_garbage,
	};
	return &py_module_ops;
}

/* ---- the plugin's entry point ------------------------------------------------------ */

__attribute__((visibility("default"))) const struct rt_py_plugin *rt_py_plugin(void)
{
	static const struct rt_py_plugin p = {
		.version = RT_PY_PLUGIN_VERSION,
		.rich = &py_rich_ops,
		.rich_noredirect = &py_rich_noredirect_ops,
		.module = module_target,
		.marimo = &py_marimo_ops,
		.program = py_program_target,
	};
	return &p;
}
