/* SPDX-License-Identifier: Apache-2.0 */
/* session_console.c - the server console: for a session run, fd 1 and fd 2
 * of the process become the write end of one pipe that a harness thread
 * drains into the sink "server-console".  It stands in for the terminal of
 * a `marimo run` server: what reaches the process's original stdout/stderr
 * (server logs, fd-level writes under the proxy, prints with no session)
 * lands there and the session oracles can count it.  Lines that carry no
 * session tag (a sanitizer report, say) are copied to the saved stderr.
 *
 * The harness's own output never goes through fd 1/2 (util.h's saved
 * descriptors); rt_std_fds_restore() puts the real stdout/stderr back
 * before the process ends or reports a hang.  The drain thread is not
 * registered: it touches no target lock and has no scheduling point. */
#include "session/session_console.h"
#include "session/session_oracle.h"

#include "engine/oracle.h"
#include "base/sanitizer_defaults.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int con_r = -1, con_w = -1;   /* con_w: keeps the console open all run */
static rt_sink *con_sink;
static pthread_t con_thread;
static int con_running;
static _Atomic int con_stop;

static void *drain_main(void *arg)
{
	(void)arg;
	static char buf[65536];   /* one drain thread at a time */
	for (;;) {
		struct pollfd p = { con_r, POLLIN, 0 };
		int stopping = atomic_load(&con_stop);
		if (poll(&p, 1, stopping ? 0 : 50) < 0 && errno != EINTR)
			break;
		ssize_t n = read(con_r, buf, sizeof buf);
		if (n > 0) {
			rt_sink_write(con_sink, buf, (size_t)n);
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			break;
		if (stopping)
			break;   /* asked to stop and nothing left */
	}
	return NULL;
}

int rt_console_begin(char *err, size_t n)
{
	if (rt_out_fd() <= 2 || rt_err_fd() <= 2) {
		snprintf(err, n, "no saved copy of stdout/stderr to report through");
		return -EBADF;
	}
	rt_sanitizer_report_fd(rt_err_fd());   /* not through fd 2, which targets move */
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0) {
		int e = errno;
		snprintf(err, n, "server console: pipe: %s", strerror(e));
		return -e;
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[1], F_SETPIPE_SZ, 1 << 20);   /* best effort: fewer stalls of the drain */
	if (dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0) {
		int e = errno;
		rt_std_fds_restore();
		close(p[0]);
		close(p[1]);
		snprintf(err, n, "server console: dup2: %s", strerror(e));
		return -e;
	}
	/* The target may dup2 every other write end away; the console, like a
	 * terminal, stays open (and its drain never sees EOF) until the end. */
	con_w = fcntl(p[1], F_DUPFD_CLOEXEC, 100);
	if (con_w < 0)
		con_w = p[1];
	else
		close(p[1]);
	con_r = p[0];
	con_sink = rt_sink_new_observed("server-console", RT_SINK_CONSOLE, rt_session_sink_observe);
	atomic_store(&con_stop, 0);
	int rc = pthread_create(&con_thread, NULL, drain_main, NULL);
	if (rc) {
		rt_std_fds_restore();
		close(con_r);
		close(con_w);
		con_r = con_w = -1;
		snprintf(err, n, "server console: cannot start its drain thread: %s", strerror(rc));
		return -rc;
	}
	con_running = 1;
	return 0;
}

void rt_console_end(void)
{
	rt_std_fds_restore();
	if (!con_running)
		return;
	atomic_store(&con_stop, 1);
	pthread_join(con_thread, NULL);
	con_running = 0;
	close(con_r);
	close(con_w);
	con_r = con_w = -1;
}
