/* SPDX-License-Identifier: Apache-2.0 */
/* py_plugin.h - what the embedded-Python plugin (redirtorture_py.so:
 * py_rich.c, harness/pylocks.c, harness/pygc.c) gives the binary, which
 * loads it on the first start() of a py target (targets/py_plugin.c). */
#ifndef RT_PY_PLUGIN_H
#define RT_PY_PLUGIN_H

#include "base/config.h"
#include "rt.h"

#define RT_PY_PLUGIN_VERSION 4

/* Which logging handler Python targets log through (knob py_log_handler). */
enum rt_py_log_handler {
	RT_PY_LOG_AFTER,        /* a StreamHandler made after the redirection */
	RT_PY_LOG_LAST_RESORT,  /* no handler: logging.lastResort, the current sys.stderr */
	RT_PY_LOG_BEFORE,       /* a StreamHandler made before it: the real stderr */
};

/* The Python family's knobs (table in py_plugin.c); a py target's start()
 * gets them as env->knobs. */
struct rt_py_settings {
	int gc_pct;             /* py_gc_pct: collection points (python/pygc.c) */
	int log_handler;        /* py_log_handler: enum rt_py_log_handler */
	char venv[512];         /* py_venv: a venv whose site-packages come first, or "" */
	char options[400];      /* py_options: "key=value ..." for a py: module's install() */
};

/* One "key=value" word of a py_options value, from *p on (moved past it):
 * 1 with key and value copied (NUL-terminated), 0 when no word is left,
 * -1 when the word is not key=value (key holds the word).  Keys are
 * letters, digits, '_', '-' and '.', not starting with a digit; values
 * are any characters but spaces. */
struct rt_py_option { char key[64]; char value[400]; };
int rt_py_option_next(const char **p, struct rt_py_option *o);
extern const struct rt_knob_family rt_py_knobs;

/* `redirtorture py -- ...`: what python3 would be given after its options. */
enum rt_py_program_kind {
	RT_PY_SCRIPT,     /* python3 FILE ARGS... */
	RT_PY_MODULE,     /* python3 -m MODULE ARGS... */
	RT_PY_CODE,       /* python3 -c CODE ARGS... */
};

struct rt_py_program {
	enum rt_py_program_kind kind;
	const char *what;            /* the file, module name or code */
	int argc;                    /* the program's own arguments */
	char *const *argv;
	const char *venv;            /* a virtual environment, or NULL */
};

struct rt_py_plugin {
	int version;                           /* RT_PY_PLUGIN_VERSION */
	const struct rt_target_ops *rich;
	const struct rt_target_ops *rich_noredirect;
	/* py:MODULE; NULL if NAME is not a dotted module name */
	const struct rt_target_ops *(*module)(const char *name);
	/* py_marimo: marimo's run-mode streams per session (session ops) */
	const struct rt_target_ops *marimo;
	/* `redirtorture py`: the program's target, which has .main */
	const struct rt_target_ops *(*program)(const struct rt_py_program *p);
};

/* Session sid's browser sink, for py_marimo (the python room does not
 * reach the session room itself; defined in py_plugin.c). */
rt_sink *rt_py_session_sink(int sid);


/* In the binary (py_plugin.c): the program `redirtorture py` runs; the
 * target "py" (rt_target_find) runs it.  p must outlive the run. */
void rt_py_program_set(const struct rt_py_program *p);

/* The plugin's one entry point (dlsym "rt_py_plugin"). */
const struct rt_py_plugin *rt_py_plugin(void);

#endif
