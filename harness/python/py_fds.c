/* SPDX-License-Identifier: Apache-2.0 */
/* py_fds.c - fd 1 and fd 2 of a py_rich or py: run are pipes that a
 * harness thread drains into the sinks "stdout" and "stderr" (part of the
 * plugin, see py_sinks.c).
 *
 * So the process's streams are like a real process's: sys.stdout and
 * sys.stderr (the glue's SinkFiles) have fileno() 1 and 2 and write their
 * complete lines there; a C library's write(1, ...) or os.write(2, ...)
 * lands in the same sinks; an fd-level redirector that dup2()s its own
 * pipe over fd 1/2 and reads it in a thread gets all of it.  The harness's
 * own output never goes through fd 1/2 (base/util.h: saved descriptors).
 *
 * The drain is a plain pthread, never a harness thread: it takes no harness
 * lock and no GIL, only the sinks' mutex (through feed).  Closing puts the
 * saved originals back on fd 1/2 (which closes the pipes' write ends unless
 * a target kept a copy), then the drain reads what is left and ends.
 */
#include "python/py_fds.h"

#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

static void (*feed_fn)(int stream, const char *s, size_t n);
static int rd[2] = { -1, -1 };           /* read ends: stdout, stderr */
static int stop_pipe[2] = { -1, -1 };
static pthread_t drain;
static int running;

/* One read of pipe i, fed on: its result (0 at end of file). */
static ssize_t drain_one(int i)
{
	char buf[8192];
	ssize_t n = read(rd[i], buf, sizeof buf);
	if (n > 0)
		feed_fn(i, buf, (size_t)n);
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
	/* stopping: what is still in the pipes (non-blocking, nobody waits) */
	for (int i = 0; i < 2; i++) {
		if (rd[i] < 0)
			continue;
		fcntl(rd[i], F_SETFL, fcntl(rd[i], F_GETFL) | O_NONBLOCK);
		while (drain_one(i) > 0)
			;
		close(rd[i]);
		rd[i] = -1;
	}
	return NULL;
}

int py_fds_open(void (*feed)(int stream, const char *s, size_t n))
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	int rc = 0;
	if (running)
		return 0;
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(stop_pipe, O_CLOEXEC) ||
	    dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0) {
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
	}
	return rc;
}

int py_fds_on(void) { return running; }

void py_fds_close(void)
{
	if (!running)
		return;
	rt_std_fds_restore();
	if (write(stop_pipe[1], "x", 1) < 0)
		; /* the drain also ends at end of file */
	pthread_join(drain, NULL);
	close(stop_pipe[0]);
	close(stop_pipe[1]);
	stop_pipe[0] = stop_pipe[1] = -1;
	running = 0;
}
