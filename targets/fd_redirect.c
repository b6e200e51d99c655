/* SPDX-License-Identifier: Apache-2.0 */
/* fd_redirect.c - `marimo run --redirect-console-to-browser` before PR #8353
 * (issue #8306; facts in ../shared/reports/marimo-8306.md).  Every session's
 * kernel is a thread of one process, and every cell saves, replaces and
 * restores process-global state: the sys.stdout/sys.stderr objects and the
 * real file descriptors 1 and 2 (real pipes, dup, dup2, close).
 *
 *  session start  for stdout then stderr: original_fd = sys.stdout.fileno()
 *                 (whatever object is installed now; a session stream that is
 *                 not redirected raises "Stream not redirected, no fileno");
 *                 a pipe; a detached forwarder thread:
 *                   loop { n = read(pipe_r, 1024); if n == 0: break;
 *                          session_stream.write(data) }
 *                 with every exception swallowed; the write asserts that a
 *                 cell is running, so data read while the session is idle
 *                 kills the forwarder.
 *  cell enter     cell_id = X; save sys.stdout/sys.stderr, install the
 *                 session's own; per stream fd_dup = dup(original_fd);
 *                 dup2(pipe_w, original_fd).
 *  cell exit      per stream dup2(fd_dup, original_fd); close(fd_dup);
 *                 restore the saved objects; cell_id = None.
 *  session stop   close both pipe ends, then set the exit flag; no join.
 *
 * A session stream's write goes straight to the session's browser; fd-level
 * output (C code, the server's own logger, anything printed through the
 * original sys.__stdout__) goes through fd 1/2, i.e. into whichever pipe
 * the last dup2 left there.  Nothing here is locked beyond what Python
 * would lock: the hazards are the design's, not the C model's. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pystreams.h"
#include "rt.h"
#include "session/session_knobs.h"

static int pipe_kib;   /* knob session_pipe_kib, from start() */

static int stream_fileno(struct pys *g, const char **why)
{
	switch (g->kind) {
	case PYS_ORIGINAL:
		return g->fd;
	case PYS_SESSION: {
		int d = atomic_load(&g->fd_dup);
		if (d >= 0)
			return d;
		*why = "Stream not redirected, no fileno";
		return -EBADF;
	}
	case PYS_BUFFER:
		*why = "io.UnsupportedOperation: fileno (a StringIO is sys.stdout)";
		return -EBADF;
	case PYS_PROXY:
		break;
	}
	*why = "no fileno";
	return -EBADF;
}

static void *forwarder_main(void *arg)
{
	struct pys *st = arg;
	char name[32];
	snprintf(name, sizeof name, "fwd-%d.%d-%s", st->sess->sid, st->sess->load,
		 st->which == RT_STDOUT ? "out" : "err");
	rt_thread_register(name, "forwarder");
	char buf[1024];
	int end = PYS_FWD_EOF;
	for (;;) {
		if (atomic_load(&st->exit_flag)) {
			end = PYS_FWD_EXIT_FLAG;
			break;
		}
		rt_syscall_begin_idle("read(session pipe)");
		pys_fd_quiet_begin();
		ssize_t n = read(st->pipe_r, buf, sizeof buf);
		int e = errno;
		pys_fd_quiet_end();
		rt_syscall_end();
		if (n == 0)
			break;
		if (n < 0) {
			if (e == EINTR)
				continue;
			end = PYS_FWD_READ_ERROR;   /* the fd was closed (or is someone else's) */
			break;
		}
		if (pys_write(st, buf, (size_t)n)) {
			end = PYS_FWD_DIED_IDLE;   /* AssertionError: no cell running */
			break;
		}
	}
	atomic_store(&st->fwd, end);
	if (atomic_load(&st->abandoned)) {
		pys_fd_quiet_begin();
		close(st->pipe_r);
		pys_fd_quiet_end();
	}
	rt_thread_unregister();
	atomic_fetch_sub(&pys_live_threads, 1);
	return NULL;
}

static int stream_open(struct pys *st, const char **why)
{
	rt_point("ThreadSafeStdout.__init__: sys.stdout.fileno()");
	int fd = stream_fileno(atomic_load(pys_global(st->which)), why);
	if (fd < 0)
		return fd;
	int p[2];
	pys_fd_quiet_begin();
	int prc = pipe2(p, O_CLOEXEC);
	int perr = errno;
	pys_fd_quiet_end();
	if (prc != 0) {
		*why = "os.pipe() failed";
		return -perr;
	}
	if (pipe_kib)   /* best effort: the kernel rounds up to a page */
		fcntl(p[1], F_SETPIPE_SZ, pipe_kib * 1024);
	struct stat s;
	atomic_store(&st->pipe_ino, fstat(p[1], &s) == 0 ? (unsigned long)s.st_ino : 0);
	st->original_fd = fd;
	st->pipe_r = p[0];
	st->pipe_w = p[1];
	atomic_store(&st->fwd, PYS_FWD_READING);
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_t t;
	atomic_fetch_add(&pys_live_threads, 1);
	int rc = pthread_create(&t, &a, forwarder_main, st);
	pthread_attr_destroy(&a);
	if (rc) {
		atomic_fetch_sub(&pys_live_threads, 1);
		atomic_store(&st->fwd, PYS_FWD_NONE);
		pys_fd_quiet_begin();
		close(p[0]);
		close(p[1]);
		pys_fd_quiet_end();
		st->pipe_r = st->pipe_w = -1;
		*why = "cannot start the forwarder thread";
		return -rc;
	}
	return 0;
}

static void stream_close(struct pys *st)
{
	if (st->pipe_w < 0)
		return;
	rt_point("Watcher.stop: close the pipe");
	pys_fd_quiet_begin();
	close(st->pipe_r);
	close(st->pipe_w);
	pys_fd_quiet_end();
	atomic_store(&st->exit_flag, 1);   /* after the close, as marimo did */
}

/* The session could not be built after its stdout stream was: tear that one
 * down (not a marimo path: EOF ends its forwarder, which closes the rest). */
static void stream_abandon(struct pys *st)
{
	atomic_store(&st->abandoned, 1);
	pys_fd_quiet_begin();
	close(st->pipe_w);
	pys_fd_quiet_end();
}

static int fd_session_start(int sid, const char **why)
{
	struct pys_session *s = pys_session_new(sid);
	int rc = stream_open(&s->out, why);
	if (!rc && (rc = stream_open(&s->err, why)) != 0)
		stream_abandon(&s->out);
	if (rc) {
		atomic_store(&s->stopped, 1);
		return rc;
	}
	pys_set_current(sid, s);
	return 0;
}

static void fd_session_stop(int sid)
{
	struct pys_session *s = pys_current(sid);
	if (!s)
		return;
	pys_set_current(sid, NULL);
	atomic_store(&s->stopped, 1);
	stream_close(&s->out);
	stream_close(&s->err);
}

static void redirect_fd(struct pys *st)
{
	rt_point("os.dup(original_fd)");
	pys_fd_quiet_begin();
	int d = dup(st->original_fd);
	pys_fd_quiet_end();
	if (d < 0)
		return;   /* OSError: this stream stays unredirected */
	atomic_store(&st->fd_dup, d);
	rt_point("os.dup2(pipe_w, original_fd)");
	pys_fd_quiet_begin();
	dup2(st->pipe_w, st->original_fd);
	pys_fd_quiet_end();
}

static void restore_fd(struct pys *st)
{
	int d = atomic_load(&st->fd_dup);
	if (d < 0)
		return;
	rt_point("os.dup2(fd_dup, original_fd)");
	pys_fd_quiet_begin();
	dup2(d, st->original_fd);
	pys_fd_quiet_end();
	rt_point("os.close(fd_dup)");
	pys_fd_quiet_begin();
	close(d);
	pys_fd_quiet_end();
	atomic_store(&st->fd_dup, -1);
}

static void fd_cell_enter(int sid)
{
	struct pys_session *s = pys_cell_begin(sid);
	if (!s)
		return;
	rt_point("redirect_streams: save sys.stdout");
	s->saved_out = atomic_load(&pys_stdout);
	s->saved_err = atomic_load(&pys_stderr);
	rt_point("redirect_streams: install the session's streams");
	atomic_store(&pys_stdout, &s->out);
	atomic_store(&pys_stderr, &s->err);
	redirect_fd(&s->out);
	redirect_fd(&s->err);
}

static void fd_cell_exit(int sid)
{
	struct pys_session *s = pys_current(sid);
	if (!s)
		return;
	restore_fd(&s->out);
	restore_fd(&s->err);
	rt_point("redirect_streams: restore sys.stdout");
	atomic_store(&pys_stdout, s->saved_out);
	atomic_store(&pys_stderr, s->saved_err);
	atomic_store(&s->cell_id, 0);
}

static void fd_capture_begin(int sid)
{
	struct pys_session *s = pys_current(sid);
	if (s)
		pys_redirect_begin(s);   /* mo.capture_stdout was contextlib.redirect_stdout */
}

static char *fd_capture_end(int sid, size_t *len)
{
	struct pys_session *s = pys_current(sid);
	*len = 0;
	return s ? pys_redirect_end(s, len) : NULL;
}

static void fd_c_write(enum rt_stream s, const char *buf, size_t len)
{
	pys_fd_write(s == RT_STDOUT ? 1 : 2, buf, len);
}

struct pipe_query {
	unsigned long ino;
	char *out;
	size_t n;
};

static const char *fwd_state(int f)
{
	switch (f) {
	case PYS_FWD_READING: return "alive, reading";
	case PYS_FWD_EOF: return "exited at EOF";
	case PYS_FWD_DIED_IDLE: return "DEAD: it read data while its session was idle";
	case PYS_FWD_READ_ERROR: return "exited: read() failed";
	case PYS_FWD_EXIT_FLAG: return "exited: exit flag";
	default: return "never started";
	}
}

static int match_pipe(struct pys_session *s, void *arg)
{
	struct pipe_query *q = arg;
	struct pys *st[2] = { &s->out, &s->err };
	for (int i = 0; i < 2; i++) {
		unsigned long ino = atomic_load(&st[i]->pipe_ino);
		if (!ino || ino != q->ino)
			continue;
		snprintf(q->out, q->n, "it is the %s pipe of session %d (load %d, %s); its reader, the "
				       "forwarder thread, is %s",
			 i ? "stderr" : "stdout", s->sid, s->load,
			 atomic_load(&s->stopped)     ? "stopped: read end closed"
			 : atomic_load(&s->cell_id) ? "in a cell"
						    : "idle",
			 fwd_state(atomic_load(&st[i]->fwd)));
		return 1;
	}
	return 0;
}

static void describe_pipe(int fd, char *out, size_t n)
{
	struct stat s;
	if (fstat(fd, &s))
		return;
	struct pipe_query q = { (unsigned long)s.st_ino, out, n };
	pys_each_session(match_pipe, &q);
}

static int fd_start(const struct rt_target_env *env, const char **why)
{
	(void)why;
	const struct rt_session_settings *ss = env->knobs;
	pipe_kib = ss ? ss->pipe_kib : 0;
	pys_reset();
	pys_pipe_reader = describe_pipe;
	pys_fd_quiet = 1;
	return 0;
}

const struct rt_target_ops fd_redirect_ops = {
	.name = "fd_redirect",
	.summary = "marimo run mode before PR #8353: per-session pipes, dup2 on fd 1/2, "
		   "global sys.stdout swapped per cell",
	.flags = RT_TARGET_BUGGY | RT_TARGET_FREE_ONLY,
	.knobs = &rt_session_knobs,
	.start = fd_start,
	.stop = pys_teardown,
	.write = pys_print,
	.session_start = fd_session_start,
	.session_stop = fd_session_stop,
	.cell_enter = fd_cell_enter,
	.cell_exit = fd_cell_exit,
	.c_write = fd_c_write,
	.capture_begin = fd_capture_begin,
	.capture_end = fd_capture_end,
	.server_log = pys_server_log,
	.idle_check = pys_idle_check_originals,
};
