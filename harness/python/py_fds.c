/* SPDX-License-Identifier: Apache-2.0 */
/* py_fds.c - fd 1 and fd 2 of a Python run (py_rich, py: modules,
 * `redirtorture py`) are pipes that a harness thread drains into the sinks
 * "stdout" and "stderr" (part of the plugin, see py_sinks.c).
 *
 * So the process's streams are like a real process's: sys.stdout and
 * sys.stderr (the glue's SinkFiles) have fileno() 1 and 2 and write their
 * complete lines there; a C library's write(1, ...) or os.write(2, ...)
 * lands in the same sinks; an fd-level redirector that dup2()s its own
 * pipe over fd 1/2 and reads it in a thread gets all of it.  The harness's
 * own output never goes through fd 1/2 (base/util.h: saved descriptors).
 *
 * With echo (`redirtorture py`: the user watches the program) what the
 * pipes carry is also copied, in order, to the saved real stdout/stderr by
 * a second thread, so a slow or unread terminal never holds up the sinks.
 * The echo queue is bounded (ECHO_CAP): past it the drain stops reading
 * until the terminal takes more, and the program's writes block as they
 * would on the real terminal (python3 does the same; the watchdog then
 * sees a thread in write()).
 *
 * The drain is a plain pthread, never a harness thread: it takes no harness
 * lock and no GIL, only the sinks' mutex (through feed) and the echo's.
 * Closing puts the saved originals back on fd 1/2 (which closes the pipes'
 * write ends unless a target kept a copy), then the drain reads what is
 * left (bounded: a C thread still writing cannot keep it going) and ends;
 * the echo gets ECHO_BUDGET_MS to write out the rest, else it is left
 * behind (a terminal nobody reads must not wedge the end of the run).
 */
#include "python/py_fds.h"

#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ECHO_CAP (1u << 20)          /* bytes queued for the terminal at most */
#define ECHO_BUDGET_MS 1000          /* for the rest of the echo at close */
#define DRAIN_TAIL_MAX (4u << 20)    /* bytes read per pipe after close at most */

static void (*feed_fn)(int stream, const char *s, size_t n);
static int rd[2] = { -1, -1 };           /* read ends: stdout, stderr */
static int stop_pipe[2] = { -1, -1 };
static pthread_t drain;
static int running;

/* The echo: a FIFO of (stream, bytes) records, one per read of a pipe. */
static pthread_mutex_t echo_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t echo_cv = PTHREAD_COND_INITIALIZER;   /* data, or finish */
static pthread_cond_t room_cv = PTHREAD_COND_INITIALIZER;   /* room, or stopping */
static struct echo_rec { int stream; size_t len; char *p; } *q;
static size_t qhead, qlen, qcap, queued;  /* queued: bytes in q */
static int echo_fd[2] = { -1, -1 };
static int echoing, echo_stuck, stopping, finishing;
static int echo_busy = -1;               /* the stream being written, or -1 */
static pthread_t echo_thread;

/* The drain's copy for the terminal; waits for room unless stopping. */
static void echo_add(int i, const char *s, size_t n)
{
	pthread_mutex_lock(&echo_mu);
	while (queued > ECHO_CAP && !stopping && echo_fd[i] >= 0)
		pthread_cond_wait(&room_cv, &echo_mu);
	if (echo_fd[i] >= 0) {
		if (qhead + qlen == qcap) {
			memmove(q, q + qhead, qlen * sizeof *q);
			qhead = 0;
			if (qlen == qcap) {
				qcap = qcap ? qcap * 2 : 64;
				q = rt_xrealloc(q, qcap * sizeof *q);
			}
		}
		char *copy = rt_xmalloc(n);
		memcpy(copy, s, n);
		q[qhead + qlen++] = (struct echo_rec){ i, n, copy };
		queued += n;
		pthread_cond_signal(&echo_cv);
	}
	pthread_mutex_unlock(&echo_mu);
}

/* Writes the queue out in order; a stream whose terminal fails (EPIPE: the
 * reader went away; SIGPIPE is blocked in this thread, so it is an error,
 * not the end of the run) is echoed no more, its sinks still get
 * everything. */
static void *echo_main(void *arg)
{
	(void)arg;
	sigset_t pipe_sig;
	sigemptyset(&pipe_sig);
	sigaddset(&pipe_sig, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_sig, NULL);
	pthread_mutex_lock(&echo_mu);
	for (;;) {
		if (!qlen) {
			if (finishing)
				break;
			pthread_cond_wait(&echo_cv, &echo_mu);
			continue;
		}
		struct echo_rec r = q[qhead++];
		qlen--;
		int fd = echo_fd[r.stream];
		echo_busy = r.stream;
		pthread_mutex_unlock(&echo_mu);
		int rc = fd >= 0 ? rt_write_all(fd, r.p, r.len) : 0;
		free(r.p);
		pthread_mutex_lock(&echo_mu);
		echo_busy = -1;
		if (rc < 0)
			echo_fd[r.stream] = -1;
		queued -= r.len;
		pthread_cond_broadcast(&room_cv);
	}
	pthread_mutex_unlock(&echo_mu);
	return NULL;
}

/* One read of pipe i, fed on: its result (0 at end of file). */
static ssize_t drain_one(int i)
{
	char buf[8192];
	ssize_t n = read(rd[i], buf, sizeof buf);
	if (n > 0) {
		feed_fn(i, buf, (size_t)n);
		if (echoing)
			echo_add(i, buf, (size_t)n);
	}
	return n;
}

static void *drain_main(void *arg)
{
	(void)arg;
	int open_fds = 2;
	for (;;) {
		struct pollfd p[3] = { { rd[0], POLLIN, 0 }, { rd[1], POLLIN, 0 },
				       { stop_pipe[0], POLLIN, 0 } };
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (rd[i] < 0 || !p[i].revents)
				continue;
			ssize_t n = drain_one(i);
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
				close(rd[i]);   /* every writer gone */
				rd[i] = -1;
				open_fds--;
			}
		}
		if (p[2].revents || !open_fds)
			break;
	}
	/* stopping: what is still in the pipes (non-blocking, nobody waits;
	 * bounded, as a thread that still writes would never let it end) */
	for (int i = 0; i < 2; i++) {
		if (rd[i] < 0)
			continue;
		fcntl(rd[i], F_SETFL, fcntl(rd[i], F_GETFL) | O_NONBLOCK);
		ssize_t n;
		for (size_t got = 0; got < DRAIN_TAIL_MAX && (n = drain_one(i)) > 0; got += (size_t)n)
			;
		close(rd[i]);
		rd[i] = -1;
	}
	return NULL;
}

/* Tell the echo thread to end once its queue is written out. */
static void echo_finish(void)
{
	pthread_mutex_lock(&echo_mu);
	finishing = 1;
	pthread_cond_signal(&echo_cv);
	pthread_mutex_unlock(&echo_mu);
}

/* The echo's fds and thread; 0 or -errno. */
static int echo_open(void)
{
	if (echo_stuck)
		return 0;   /* an earlier echo is still blocked: none this time */
	echo_fd[0] = rt_out_fd() > 2 ? rt_out_fd() : -1;
	echo_fd[1] = rt_err_fd() > 2 ? rt_err_fd() : -1;
	stopping = finishing = 0;
	int rc = -pthread_create(&echo_thread, NULL, echo_main, NULL);
	echoing = !rc;
	return rc;
}

int py_fds_open(void (*feed)(int stream, const char *s, size_t n), int echo)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	int rc = 0;
	if (running)
		return 0;
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(stop_pipe, O_CLOEXEC)) {
		rc = -errno;
		goto out;
	}
	if (echo && (rc = echo_open()))
		goto out;
	if (dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0) {
		rc = -errno;
		goto out;
	}
	feed_fn = feed;
	rd[0] = out[0];
	rd[1] = err[0];
	out[0] = err[0] = -1;
	rc = -pthread_create(&drain, NULL, drain_main, NULL);
	running = !rc;
out:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	if (rc) {
		rt_std_fds_restore();
		for (int i = 0; i < 2; i++) {
			if (rd[i] >= 0)
				close(rd[i]);
			if (stop_pipe[i] >= 0)
				close(stop_pipe[i]);
			rd[i] = stop_pipe[i] = -1;
		}
		if (echoing) {
			echo_finish();
			pthread_join(echo_thread, NULL);
			echoing = 0;
		}
	}
	return rc;
}

int py_fds_on(void) { return running; }

/* The rest of the echo, within ECHO_BUDGET_MS: 0, or -1 if some of it was
 * not written (the thread is left blocked; its queue is never freed). */
static int echo_close(void)
{
	echo_finish();
	struct timespec until = rt_deadline_in(CLOCK_REALTIME, ECHO_BUDGET_MS * 1000000ULL);
	echoing = 0;
	if (pthread_timedjoin_np(echo_thread, NULL, &until) == 0)
		return 0;
	pthread_detach(echo_thread);
	echo_stuck = 1;
	pthread_mutex_lock(&echo_mu);
	size_t left = queued;
	int busy = echo_busy;
	pthread_mutex_unlock(&echo_mu);
	struct stat so, se;
	int same = !fstat(rt_out_fd(), &so) && !fstat(rt_err_fd(), &se) && so.st_dev == se.st_dev &&
		   so.st_ino == se.st_ino;
	if (busy != 1 && !same)   /* the note itself must not block on the same stderr */
		rt_fdprintf(rt_err_fd(), "redirtorture: %zu byte%s of the program's output not copied "
			    "to the real stdout/stderr in %d ms (nobody reads them?)\n", left,
			    rt_s((long long)left), ECHO_BUDGET_MS);
	return -1;
}

int py_fds_close(void)
{
	if (!running)
		return 0;
	rt_std_fds_restore();
	pthread_mutex_lock(&echo_mu);
	stopping = 1;   /* the drain no longer waits for room in the echo */
	pthread_cond_broadcast(&room_cv);
	pthread_mutex_unlock(&echo_mu);
	if (write(stop_pipe[1], "x", 1) < 0)
		; /* the drain also ends at end of file */
	pthread_join(drain, NULL);
	close(stop_pipe[0]);
	close(stop_pipe[1]);
	stop_pipe[0] = stop_pipe[1] = -1;
	running = 0;
	return echoing ? echo_close() : 0;
}
