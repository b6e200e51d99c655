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

/* ---- targets ----------------------------------------------------------- */
struct rt_target_env {
	int live_rows;     /* rows of the live display, one alloc point each */
	uint64_t seed;
	int refresh_hz;    /* the scenario's refresh rate, 0 = none */
	int line_len;      /* tagged line length (targets that make their own lines) */
};

#define RT_TARGET_TEST 0x1u     /* helper target for the test suite */
#define RT_TARGET_BUGGY 0x2u    /* expected to produce findings */

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
	 * action is enum rt_fin_action.  NULL: the harness's GC model. */
	void (*make_garbage)(int action);
};

extern const struct rt_target_ops *const rt_targets[];   /* NULL-terminated */
const struct rt_target_ops *rt_target_find(const char *name);

#endif
