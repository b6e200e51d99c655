/* SPDX-License-Identifier: Apache-2.0 */
/* target.h - what a target is: its operations, flags and environment.
 * The registry of targets is targets/targets.h. */
#ifndef RT_TARGET_H
#define RT_TARGET_H

#include "site.h"

#include <stddef.h>
#include <stdint.h>

/* Session ids of session targets: 0..RT_MAX_SESSIONS-1. */
#define RT_MAX_SESSIONS 64

struct rt_knob_family;   /* base/config.h */

/* What start() gets: the generic knobs any target may use, and the values of
 * its family's knobs. */
struct rt_target_env {
	int live_rows;     /* rows of the live display, one alloc point each */
	uint64_t seed;
	int refresh_hz;    /* the scenario's refresh rate, 0 = none */
	int line_len;      /* tagged line length (targets that make their own lines) */
	/* the settings struct of the target's knob family (ops.knobs), e.g.
	 * struct rt_py_settings; NULL for a target without one */
	const void *knobs;
};

#define RT_TARGET_TEST 0x1u     /* helper target for the test suite */
#define RT_TARGET_BUGGY 0x2u    /* expected to produce findings */
#define RT_TARGET_FREE_ONLY 0x4u   /* free-running only, no controlled scheduler
				       (embedded Python: one GIL decides who runs) */
/* Session target: write(2) on fd 1/2 knowingly goes to the process's
 * original stdout/stderr, not to the session (the oracle expects it there). */
#define RT_TARGET_FD_NOT_FORWARDED 0x8u
/* fuzz_schedule may pick it (docs/fuzzing.md): it runs under the controlled
 * scheduler (every wait on an instrumented lock, no threads of its own, no
 * real blocking syscalls, no sessions).  Fuzz inputs number these targets in
 * the order of targets/targets.c's rt_targets[]: add new ones at the end. */
#define RT_TARGET_FUZZ 0x10u
/* Runs in the embedded CPython (targets/py_plugin.c): controlled executions
 * run its threading threads too and give a thread that blocks inside
 * CPython a budget (sched/exec.c); a free run does not fork steered
 * executions from its live interpreter (commands/run.c). */
#define RT_TARGET_EMBEDDED_PY 0x20u
/* Its controlled executions need real threads: it keeps per-thread state
 * in _Thread_local (or uses pthread_self) instead of rt_thread_data
 * (hooks.h).  Without it, controlled executions of a C target run its
 * drivers as fibers on one kernel thread (sched/sched_ctl_fiber.c). */
#define RT_TARGET_OS_THREADS 0x40u

struct rt_target_ops {
	const char *name;
	const char *summary;
	unsigned flags;
	/* The family whose knobs it reads besides the generic ones (declared in
	 * the family's file; values in env->knobs), or NULL. */
	const struct rt_knob_family *knobs;
	/* Install the redirection.  0 on success, or -errno; *why gets a message. */
	int (*start)(const struct rt_target_env *env, const char **why);
	/* Uninstall, flushing partial lines; called once all drivers stopped. */
	void (*stop)(void);
	/* Write to the current (redirected) sys.stdout / sys.stderr. */
	void (*write)(enum rt_stream s, const char *buf, size_t len);
	void (*flush)(enum rt_stream s);
	/* One tick of the target's refresh loop (NULL if it has none). */
	void (*refresh)(void);
	/* Optional: log one line (msg + "\n") through the target's own logging
	 * (a real runtime's logging module).  NULL: the harness's logging model. */
	void (*log)(const char *buf, size_t len);
	/* Optional: make garbage with a finalizer in the target's own runtime;
	 * action is enum rt_fin_action.  Returns 1 if made, 0 if the runtime
	 * declined (see harness/pygc.c).  NULL: the harness's GC model. */
	int (*make_garbage)(int action);
	/* Optional: a program target (`redirtorture py`).  Runs the program on
	 * the calling thread (the process's main thread) once the drivers run,
	 * instead of the run's fixed duration; returns its exit status (0 =
	 * success).  It reports a non-zero status itself (RT_EXIT_FAILED). */
	int (*main)(void);

	/* ---- optional: session targets (marimo run mode) --------------------
	 * A target with session_start has sessions 0..RT_MAX_SESSIONS-1, each
	 * driven by one harness thread at a time: start, cells (cell_enter;
	 * prints through write, c_write, captures; cell_exit), stop.  What a
	 * session's cells print belongs in rt_session_sink(sid). */
	/* A new session (a page load).  0, or -errno with *why a fixed reason. */
	int (*session_start)(int sid, const char **why);
	void (*session_stop)(int sid);
	/* Redirect for a cell of sid running on the calling thread; restore. */
	void (*cell_enter)(int sid);
	void (*cell_exit)(int sid);
	/* write(2) on fd 1 or 2 from inside a cell, as a C extension would. */
	void (*c_write)(enum rt_stream s, const char *buf, size_t len);
	/* Capture the calling thread's stdout inside a cell (mo.capture_stdout);
	 * capture_end returns the captured text (malloc'd, length in *len). */
	void (*capture_begin)(int sid);
	char *(*capture_end)(int sid, size_t *len);
	/* The server logs one line (msg + "\n") through its own logger, bound
	 * at startup to the original stderr. */
	void (*server_log)(const char *buf, size_t len);
	/* Object-level restore invariant, asked while no cell runs: 0 if
	 * sys.stdout/sys.stderr are the originals (or the installed proxy),
	 * else -1 and what is installed instead in why. */
	int (*idle_check)(char *why, size_t n);
};

#endif
