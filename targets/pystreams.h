/* SPDX-License-Identifier: Apache-2.0 */
/* pystreams.h - the Python-level stream objects of one `marimo run` server
 * process, shared by the run-mode targets (fd_redirect, global_swap,
 * thread_local_proxy, proxy_with_global_redirect; only one runs at a time).
 *
 *   sys.stdout / sys.stderr   pys_stdout / pys_stderr: atomic pointers (an
 *                             attribute read or write is atomic under the GIL)
 *   sys.__stdout__/__stderr__ originals: TextIOWrapper over fd 1/2; the
 *                             buffer's lock is held around write(2)
 *   ThreadSafeStdout/Stderr   a session's streams: text goes to the
 *                             session's browser; asserts a cell is running
 *   io.StringIO               capture buffers
 *   ThreadLocalStreamProxy    PR #8353: writes go to the calling thread's
 *                             registered stream, else to the original
 * Facts: ../shared/reports/marimo-8306.md. */
#ifndef RT_TARGETS_PYSTREAMS_H
#define RT_TARGETS_PYSTREAMS_H

#include <stdatomic.h>
#include <stddef.h>

#include "linebuf.h"
#include "rt.h"

enum pys_kind { PYS_ORIGINAL, PYS_SESSION, PYS_BUFFER, PYS_PROXY };

/* What became of a forwarder thread (fd_redirect). */
enum pys_fwd { PYS_FWD_NONE, PYS_FWD_READING, PYS_FWD_EOF, PYS_FWD_DIED_IDLE, PYS_FWD_READ_ERROR,
	       PYS_FWD_EXIT_FLAG };

struct pys_session;
struct pys {
	enum pys_kind kind;
	enum rt_stream which;
	struct pys_session *sess;     /* SESSION, BUFFER: owner */
	rt_lock *lock;                /* ORIGINAL: buffer lock; BUFFER: StringIO (GIL stand-in) */
	struct lb_str text;           /* BUFFER, under lock */
	int fd;                       /* ORIGINAL: 1 or 2 */
	/* fd_redirect: the stream's own fd-level redirection */
	int original_fd;              /* sys.stdout.fileno() when it was built */
	_Atomic int fd_dup;           /* dup of original_fd while redirected, else -1 */
	int pipe_r, pipe_w;
	/* atomic: a blocked writer's report looks through every session's
	 * pipes (under the session list's lock) while a session being
	 * started, already on the list, sets its own */
	_Atomic unsigned long pipe_ino;
	_Atomic int fwd;              /* enum pys_fwd */
	_Atomic int exit_flag;
	_Atomic int abandoned;        /* half-built: the forwarder closes pipe_r */
};

struct pys_session {                  /* one page load */
	int sid, load;
	_Atomic int cell_id;          /* 0: no cell running (cell_id None) */
	_Atomic int stopped;
	rt_sink *sink;
	struct pys out, err, cap;
	/* used by the session's own thread only */
	struct pys *saved_out, *saved_err, *cap_saved;
	int legacy;                   /* proxy_with_global_redirect: this cell swapped globals */
	int cap_global;               /* the capture replaced sys.stdout */
	struct pys_session *next;     /* every load of the run */
};

extern _Atomic(struct pys *) pys_stdout, pys_stderr;
extern struct pys pys_orig_out, pys_orig_err, pys_proxy_out, pys_proxy_err;
/* fd_redirect's forwarders still alive (they use session objects). */
extern _Atomic int pys_live_threads;

/* start(): originals, sys.stdout = originals, no sessions; SIGPIPE ignored
 * (CPython does that at startup).  stop(): frees what no thread uses. */
void pys_reset(void);
void pys_teardown(void);
/* The fixed design's install: sys.stdout/sys.stderr become the proxies, once. */
void pys_install_proxies(void);
/* Session start/stop without fd-level work (all designs but fd_redirect). */
int pys_session_open(int sid, const char **why);
void pys_session_close(int sid);
/* Cell enter, common part: the session of sid with a fresh cell id (never 0
 * while a cell runs), or NULL when sid has no session. */
struct pys_session *pys_cell_begin(int sid);

_Atomic(struct pys *) *pys_global(enum rt_stream s);
struct pys_session *pys_session_new(int sid);
struct pys_session *pys_current(int sid);
void pys_set_current(int sid, struct pys_session *s);
/* Calls fn(session, arg) for every load of the run until it returns 1. */
void pys_each_session(int (*fn)(struct pys_session *s, void *arg), void *arg);

/* stream.write(text): 0, or -1 if it raised (session stream, no cell). */
int pys_write(struct pys *o, const char *buf, size_t len);
/* print(): through the current sys.stdout / sys.stderr. */
void pys_print(enum rt_stream s, const char *buf, size_t len);
/* write(2) on fd, bracketed as a blocking syscall, with a note on the pipe
 * state for the hang report when the pipe is filling up. */
void pys_fd_write(int fd, const char *buf, size_t len);
/* The server's logger: a handler bound at startup to sys.__stderr__. */
void pys_server_log(const char *buf, size_t len);

/* The proxy's per-thread registration (threading.local). */
void pys_tl_set(enum rt_stream s, struct pys *o);
struct pys *pys_tl_get(enum rt_stream s);

/* contextlib.redirect_stdout(io.StringIO()): replace sys.stdout. */
void pys_redirect_begin(struct pys_session *s);
char *pys_redirect_end(struct pys_session *s, size_t *len);
void pys_buffer_reset(struct pys *b);
char *pys_buffer_take(struct pys *b, size_t *len);

/* "session 3 (load 7)'s stdout stream", ...; for findings. */
void pys_describe(const struct pys *o, char *out, size_t n);
/* idle_check: sys.stdout is want_out and sys.stderr want_err. */
int pys_idle_check(struct pys *want_out, struct pys *want_err, char *why, size_t n);
/* ops.idle_check of the targets that leave the originals (fd_redirect,
 * global_swap) or the thread-local proxies (thread_local_proxy,
 * proxy_with_global_redirect) installed while no cell runs. */
int pys_idle_check_originals(char *why, size_t n);
int pys_idle_check_proxies(char *why, size_t n);
/* ops.c_write of the targets whose cells' write(2) on fd 1/2 goes straight
 * to the fd (no fd-level redirection). */
void pys_c_write(enum rt_stream s, const char *buf, size_t len);
/* fd_redirect sets this: who should be reading the pipe behind fd. */
extern void (*pys_pipe_reader)(int fd, char *out, size_t n);

/* fd_redirect closes and dup2s descriptors other threads are using: that is
 * the modelled bug, and the session oracles report what it does.  TSan's
 * descriptor tracking would report it too, and clang 14's runtime can fail
 * a CHECK while reporting a dup of a descriptor hijacked that way; so TSan
 * skips the descriptor accesses of the calls bracketed by these (memory
 * accesses elsewhere stay checked).  No-ops without TSan. */
void pys_fd_quiet_begin(void);
void pys_fd_quiet_end(void);
extern int pys_fd_quiet;   /* set by fd_redirect's start(): pys_fd_write quiets too */

#endif
