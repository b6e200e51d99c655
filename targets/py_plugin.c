/* SPDX-License-Identifier: Apache-2.0 */
/* py_plugin.c - the Python targets' entries in the registration list.
 *
 * The real targets (py_rich.c, harness/pylocks.c, harness/pygc.c) are a
 * plugin, redirtorture_py.so, linked against libpython3.11 and loaded on the
 * first start() of a py target.  So the binary itself never needs libpython:
 * its C targets run where libpython is missing, and a py target then fails
 * to start (exit 69, which tests count as skipped) with the loader's reason.
 * In a build without embedded Python (REDIRTORTURE_PYTHON=OFF, sanitizer
 * presets, no /usr/bin/python3.11-config) there is no plugin: same exit 69.
 * Where the plugin is (installed or in the build tree): base/paths.h.
 *
 * Each entry forwards to the plugin's ops of the run in progress.  The
 * plugin resolves the harness functions it calls in this executable (built
 * with ENABLE_EXPORTS and the whole core library).
 */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/paths.h"
#include "py_plugin.h"
#include "pystreams.h"
#include "session/session_oracle.h"
#include "rt.h"

int rt_py_option_next(const char **p, struct rt_py_option *o)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return 0;
	size_t n = strcspn(s, " \t"), k = strcspn(s, "=");
	*p = s + n;
	snprintf(o->key, sizeof o->key, "%.*s", (int)(k < n ? k : n), s);
	int ok = k < n && k > 0 && k < sizeof o->key && !(s[0] >= '0' && s[0] <= '9');
	for (size_t i = 0; ok && i < k; i++)
		ok = isalnum((unsigned char)s[i]) || strchr("_-.", s[i]);
	if (!ok) {
		snprintf(o->key, sizeof o->key, "%.*s", (int)n, s);
		return -1;
	}
	snprintf(o->value, sizeof o->value, "%.*s", (int)(n - k - 1), s + k + 1);
	return 1;
}

/* ---- the Python family's knobs (declared here only) ---------------------- */
#define F(field) RT_KNOB_FIELD(struct rt_py_settings, field)

static const struct rt_knob py_knobs[] = {
	{ "py_gc_pct", RT_KNOB_INT, F(gc_pct), 0, 100, "5", NULL,
	  "percent of lock acquisitions and operations after which the next allocation "
	  "collects; 0 = CPython's own timing" },
	{ "py_log_handler", RT_KNOB_ENUM, F(log_handler), 0, 2, "after", "after|last_resort|before",
	  "log through a handler made after the redirection (it binds the redirected stderr), "
	  "logging.lastResort (the current sys.stderr), or a handler made before it (the real "
	  "stderr)" },
	{ "py_venv", RT_KNOB_STR, F(venv), 0, 0, "", NULL,
	  "a virtual environment made with /usr/bin/python3.11 (e.g. build/venvs/rich-14.2.0, "
	  "scripts/make-venvs.sh) whose site-packages go on sys.path ahead of Debian's "
	  "dist-packages; empty = Debian's packages" },
	{ "py_options", RT_KNOB_STR, F(options), 0, 0, "", NULL,
	  "options for a py: module, space-separated key=value words, given to its "
	  "install(harness) as the dict harness.options (values are strings)" },
};

/* py_options is space-separated key=value words (one line naming where
 * the configuration came from). */
static int py_validate(const void *settings, const char *target, int applies, const char *where,
		       char err[RT_CONFIG_ERRLEN])
{
	(void)target;
	(void)applies;
	const char *p = ((const struct rt_py_settings *)settings)->options;
	struct rt_py_option o;
	int r;
	while ((r = rt_py_option_next(&p, &o)) > 0)
		;
	if (r < 0)
		snprintf(err, RT_CONFIG_ERRLEN,
			 "%s: py_options: '%.60s' is not key=value (expected space-separated "
			 "key=value words, keys of letters, digits, '_', '-' and '.')", where, o.key);
	return r < 0 ? -1 : 0;
}

const struct rt_knob_family rt_py_knobs = {
	.name = "python",
	.applies = "embedded-Python targets: py_rich, py_rich_noredirect, py_marimo, py:MODULE",
	.knobs = py_knobs,
	.nknobs = sizeof py_knobs / sizeof py_knobs[0],
	.size = sizeof(struct rt_py_settings),
	.validate = py_validate,
};

/* ---- forwarding to the plugin ------------------------------------------- */
static const struct rt_py_plugin *plugin;
static const struct rt_target_ops *real;   /* the started target's plugin ops */

static int load(const char **why)
{
	static char why_buf[768];
	if (plugin)
		return 0;
	const char *path = rt_path_py_plugin();
	if (!*path) {
		*why = "this redirtorture was built without embedded Python (REDIRTORTURE_PYTHON=OFF "
		       "or no /usr/bin/python3.11-config at configure time); py_rich needs python3-rich "
		       "(apt-get install python3-rich) and libpython3.11-dev, then a default build";
		return -ENOSYS;
	}
	const char *moved = getenv("REDIRTORTURE_PY_PLUGIN");   /* a moved build tree */
	if (moved && *moved)
		path = moved;
	/* RTLD_GLOBAL: libpython's symbols must be visible to the extension
	 * modules Python loads later (Debian builds them without -lpython). */
	void *h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
	const char *err = h ? NULL : dlerror();
	const struct rt_py_plugin *(*get)(void) = NULL;
	if (h) {
		*(void **)&get = dlsym(h, "rt_py_plugin");
		if (!get)
			err = dlerror();
	}
	const struct rt_py_plugin *p = get ? get() : NULL;
	if (p && p->version != RT_PY_PLUGIN_VERSION)
		err = "plugin version mismatch (rebuild)";
	if (err || !p) {
		snprintf(why_buf, sizeof why_buf,
			 "cannot load the embedded-Python plugin %s: %s (py targets need "
			 "libpython3.11: apt-get install libpython3.11-dev python3-rich)",
			 path, err ? err : "no entry point");
		*why = why_buf;
		if (h)
			dlclose(h);
		return -ENOENT;
	}
	plugin = p;
	return 0;
}

static void fwd_stop(void) { real->stop(); }
static void fwd_write(enum rt_stream s, const char *buf, size_t len) { real->write(s, buf, len); }
static void fwd_flush(enum rt_stream s) { real->flush(s); }
static void fwd_refresh(void) { real->refresh(); }
static void fwd_log(const char *buf, size_t len) { real->log(buf, len); }
static int fwd_make_garbage(int action) { return real->make_garbage(action); }

rt_sink *rt_py_session_sink(int sid) { return rt_session_sink(sid); }

static int fwd_session_start(int sid, const char **why) { return real->session_start(sid, why); }
static void fwd_session_stop(int sid) { real->session_stop(sid); }
static void fwd_cell_enter(int sid) { real->cell_enter(sid); }
static void fwd_cell_exit(int sid) { real->cell_exit(sid); }
static void fwd_capture_begin(int sid) { real->capture_begin(sid); }
static char *fwd_capture_end(int sid, size_t *len) { return real->capture_end(sid, len); }
static void fwd_server_log(const char *buf, size_t len) { real->server_log(buf, len); }
static int fwd_idle_check(char *why, size_t n) { return real->idle_check(why, n); }
/* write(2) on fd 1/2 as a C extension would: no Python, no GIL */
static void marimo_c_write(enum rt_stream s, const char *buf, size_t len)
{
	pys_fd_write(s == RT_STDOUT ? 1 : 2, buf, len);
}

static int fwd_main(void) { return real->main(); }

static int rich_start(const struct rt_target_env *env, const char **why);
static int rich_noredirect_start(const struct rt_target_env *env, const char **why);
static int module_start(const struct rt_target_env *env, const char **why);
static int marimo_start(const struct rt_target_env *env, const char **why);

#define FORWARDERS .stop = fwd_stop, .write = fwd_write, .flush = fwd_flush, \
		   .log = fwd_log, .make_garbage = fwd_make_garbage

const struct rt_target_ops py_rich_ops = {
	.name = "py_rich",
	.summary = "real Rich (python3-rich) Live with stdout/stderr redirection in embedded "
		   "CPython (#4158)",
	.flags = RT_TARGET_BUGGY | RT_TARGET_EMBEDDED_PY,
	.knobs = &rt_py_knobs,
	.start = rich_start,
	FORWARDERS,
	.refresh = NULL,   /* Live's own refresh thread */
};

const struct rt_target_ops py_rich_noredirect_ops = {
	.name = "py_rich_noredirect",
	.summary = "real Rich Live, redirection off (the #4158 workaround), embedded CPython",
	.flags = RT_TARGET_EMBEDDED_PY,
	.knobs = &rt_py_knobs,
	.start = rich_noredirect_start,
	FORWARDERS,
	.refresh = NULL,
};

/* Flags: RT_TARGET_FD_NOT_FORWARDED is set by start() from marimo's choice. */
struct rt_target_ops py_marimo_ops = {
	.name = "py_marimo",
	.summary = "real marimo run mode (--redirect-console-to-browser): marimo's own streams and "
		   "redirect_streams per session, embedded CPython; version from py_venv",
	.flags = RT_TARGET_FREE_ONLY | RT_TARGET_EMBEDDED_PY,
	.knobs = &rt_py_knobs,
	.start = marimo_start,
	FORWARDERS,
	.refresh = NULL,
	.session_start = fwd_session_start,
	.session_stop = fwd_session_stop,
	.cell_enter = fwd_cell_enter,
	.cell_exit = fwd_cell_exit,
	.c_write = marimo_c_write,
	.capture_begin = fwd_capture_begin,
	.capture_end = fwd_capture_end,
	.server_log = fwd_server_log,
	.idle_check = fwd_idle_check,
};

static char module_name[64], module_target[72];
static struct rt_target_ops py_module_ops;

static int start_real(const struct rt_target_ops *ops, const struct rt_target_env *env,
		      const char **why)
{
	real = ops;
	return real->start(env, why);
}

static int rich_start(const struct rt_target_env *env, const char **why)
{
	int rc = load(why);
	return rc ? rc : start_real(plugin->rich, env, why);
}

static int rich_noredirect_start(const struct rt_target_env *env, const char **why)
{
	int rc = load(why);
	return rc ? rc : start_real(plugin->rich_noredirect, env, why);
}

static int marimo_start(const struct rt_target_env *env, const char **why)
{
	int rc = load(why);
	if (rc)
		return rc;
	rc = start_real(plugin->marimo, env, why);
	py_marimo_ops.flags = (py_marimo_ops.flags & ~RT_TARGET_FD_NOT_FORWARDED) |
			      (real->flags & RT_TARGET_FD_NOT_FORWARDED);
	return rc;
}

static int module_start(const struct rt_target_env *env, const char **why)
{
	int rc = load(why);
	if (rc)
		return rc;
	const struct rt_target_ops *ops = plugin->module(module_name);
	if (!ops) {
		*why = "not a module name";
		return -EINVAL;
	}
	rc = start_real(ops, env, why);
	/* read by the drivers after start(): a refresh thread only if it has one */
	py_module_ops.refresh = !rc && real->refresh ? fwd_refresh : NULL;
	return rc;
}

/* rt_target_find("py:NAME"): NAME must look like a dotted module name. */
const struct rt_target_ops *rt_py_module_target(const char *name)
{
	size_t n = strlen(name);
	if (!n || n >= sizeof module_name || name[0] == '.' || name[n - 1] == '.' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != n ||
	    (name[0] >= '0' && name[0] <= '9') || strstr(name, ".."))
		return NULL;
	memcpy(module_name, name, n + 1);
	snprintf(module_target, sizeof module_target, "py:%s", name);
	py_module_ops = (struct rt_target_ops){
		.name = module_target,
		.summary = "a Python module implementing docs/py-targets.md, in embedded CPython",
		.flags = RT_TARGET_EMBEDDED_PY,
		.knobs = &rt_py_knobs,
		.start = module_start,
		FORWARDERS,
		.refresh = NULL,   /* set by start() if the module has refresh() */
	};
	return &py_module_ops;
}

/* ---- `redirtorture py`: the target "py" runs the program set here ---------------- */

static const struct rt_py_program *program;

void rt_py_program_set(const struct rt_py_program *p) { program = p; }

static int program_start(const struct rt_target_env *env, const char **why)
{
	if (!program) {
		*why = "target py runs a program: use `redirtorture py -- SCRIPT|-m MODULE|-c CODE`";
		return -EINVAL;
	}
	int rc = load(why);
	return rc ? rc : start_real(plugin->program(program), env, why);
}

const struct rt_target_ops py_program_ops = {
	.name = "py",
	.summary = "a Python program or test suite run unchanged (`redirtorture py -- ...`), "
		   "embedded CPython",
	.flags = RT_TARGET_FREE_ONLY | RT_TARGET_EMBEDDED_PY,
	.knobs = &rt_py_knobs,
	.start = program_start,
	FORWARDERS,
	.refresh = NULL,
	.main = fwd_main,
};
