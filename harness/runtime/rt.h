/* rt.h - the API a target (a redirection implementation under test) uses.
 *
 * Targets are small: they model a library's locks and write paths and call
 * back into the harness for everything else (locks, sinks, allocation points,
 * blocking syscalls).  Invariants, noise, oracles and reports live in harness/.
 */
#ifndef RT_H
#define RT_H

#include <stddef.h>
#include <stdint.h>

/* ---- sites ------------------------------------------------------------ */
struct rt_site {
	const char *file;
	int line;
	const char *func;
};
#define RT_SITE ((struct rt_site){ __FILE__, __LINE__, __func__ })

/* ---- instrumented locks ----------------------------------------------- */
/* Backed by a real pthread mutex (TSan sees it).  The class name groups all
 * instances in the lock-order graph, like lockdep's lock classes. */
enum rt_lock_kind {
	RT_LOCK_PLAIN,
	RT_LOCK_RECURSIVE,
	/* Like Python's threading.Lock: a binary semaphore that any thread may
	 * release (the owner's record is updated); backed by a mutex + condvar. */
	RT_LOCK_BINARY,
};
typedef struct rt_lock rt_lock;

rt_lock *rt_lock_new(const char *class_name, enum rt_lock_kind kind);
void rt_lock_free(rt_lock *l);
void rt_lock_acquire_at(rt_lock *l, struct rt_site site);
void rt_lock_release_at(rt_lock *l, struct rt_site site);
const char *rt_lock_class_name(const rt_lock *l);
/* Non-blocking acquire: 1 if taken, 0 if busy.  order_edges = 1 when the
 * caller blocks for the lock if busy (it adds the lock-order edges a blocking
 * acquire would); 0 for a real trylock, which cannot deadlock. */
int rt_lock_try_acquire_at(rt_lock *l, int order_edges, struct rt_site site);
/* Blocking acquire that gives up after timeout_ns: 1 if taken, 0 if not. */
int rt_lock_timed_acquire_at(rt_lock *l, uint64_t timeout_ns, struct rt_site site);
/* Release, or -1 (nothing changed) if the caller does not hold l; for
 * RT_LOCK_BINARY: if nobody holds it. */
int rt_lock_try_release_at(rt_lock *l, struct rt_site site);
#define rt_lock_acquire(l) rt_lock_acquire_at((l), RT_SITE)
#define rt_lock_release(l) rt_lock_release_at((l), RT_SITE)

/* ---- streams and sinks ------------------------------------------------- */
enum rt_stream { RT_STDOUT = 1, RT_STDERR = 2 };

/* A sink is where output finally lands (a terminal, a session's browser).
 * The integrity oracle reads every sink at the end of the run. */
typedef struct rt_sink rt_sink;
rt_sink *rt_sink_new(const char *name);
void rt_sink_write(rt_sink *s, const char *buf, size_t len);

/* ---- hooks into the modelled runtime ----------------------------------- */
/* A point where the modelled runtime may allocate: pending finalizers (the
 * cyclic-GC model) may run here synchronously, on the calling thread, with
 * whatever locks it holds. */
void rt_alloc_point_at(struct rt_site site);
#define rt_alloc_point() rt_alloc_point_at(RT_SITE)

/* Bracket a call that can block in the kernel (write to a pipe, read), so the
 * watchdog reports "blocked in write(pipe)" instead of silence. */
void rt_syscall_begin_at(const char *what, struct rt_site site);
void rt_syscall_end(void);
#define rt_syscall_begin(what) rt_syscall_begin_at((what), RT_SITE)

/* Threads a target starts itself (forwarders, flushers) register so they
 * appear in reports; driver threads are registered by the harness. */
void rt_thread_register(const char *name, const char *role);
void rt_thread_unregister(void);

/* A free-form note about the calling thread (e.g. its Python stack), shown
 * under the thread in hang reports; copied; NULL clears it. */
void rt_thread_set_note(const char *text);

/* Scheduling/noise point for targets that want one outside a lock op. */
void rt_point_at(const char *what, struct rt_site site);
#define rt_point(what) rt_point_at((what), RT_SITE)

/* Like rt_syscall_begin, for a call that waits for input (a forwarder's
 * read() on an idle pipe): shown in hang reports, but waiting there is never
 * by itself a stall.  Ended by rt_syscall_end. */
void rt_syscall_begin_idle_at(const char *what, struct rt_site site);
#define rt_syscall_begin_idle(what) rt_syscall_begin_idle_at((what), RT_SITE)

/* Before a write(2) of len bytes to fd: 1 and a one-line state in out
 * ("pipe:[123], 61440 of 65536 bytes queued") if fd is a pipe more than half
 * full, so the writer can leave a note for the hang report; else 0. */
int rt_pipe_state(int fd, size_t len, char *out, size_t n);

/* ---- sessions (marimo run mode) ---------------------------------------- */
#define RT_MAX_SESSIONS 64
/* Session sid's browser: one sink per session id for the whole run (every
 * reload of that page); the session oracles check each line's owner as it
 * lands.  Created on first use. */
rt_sink *rt_session_sink(int sid);

/* ---- targets ----------------------------------------------------------- */
/* Which logging handler Python targets log through (knob py_log_handler). */
enum rt_py_log_handler {
	RT_PY_LOG_AFTER,        /* a StreamHandler made after the redirection */
	RT_PY_LOG_LAST_RESORT,  /* no handler: logging.lastResort, the current sys.stderr */
	RT_PY_LOG_BEFORE,       /* a StreamHandler made before it: the real stderr */
};

struct rt_target_env {
	int live_rows;     /* rows of the live display, one alloc point each */
	uint64_t seed;
	int refresh_hz;    /* the scenario's refresh rate, 0 = none */
	int line_len;      /* tagged line length (targets that make their own lines) */
	int py_gc_pct;     /* embedded Python: collection points (harness/pygc.c) */
	int py_log_handler;   /* embedded Python: enum rt_py_log_handler */
};

#define RT_TARGET_TEST 0x1u     /* helper target for the test suite */
#define RT_TARGET_BUGGY 0x2u    /* expected to produce findings */
#define RT_TARGET_FREE_ONLY 0x4u   /* free-running only, no controlled scheduler
				       (embedded Python: one GIL decides who runs) */
/* Session target: write(2) on fd 1/2 knowingly goes to the process's
 * original stdout/stderr, not to the session (the oracle expects it there). */
#define RT_TARGET_FD_NOT_FORWARDED 0x8u

struct rt_target_ops {
	const char *name;
	const char *summary;
	unsigned flags;
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

extern const struct rt_target_ops *const rt_targets[];   /* NULL-terminated */
const struct rt_target_ops *rt_target_find(const char *name);

#endif
