/* SPDX-License-Identifier: Apache-2.0 */
/* test_stuck.c - test helper: no lock cycle, but a real block.  Writes go,
 * under a plain lock, into a pipe whose read end is open but never read.
 * Once the pipe buffer (64 KiB by default on Linux) is full, the writer
 * blocks in write(2) forever while holding the lock, and every other writer
 * piles up on the lock.  The watchdog should say "blocked in write".
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "rt.h"

static rt_lock *lock;
static int pipe_fd[2] = { -1, -1 };

static void stuck_write(enum rt_stream s, const char *buf, size_t len)
{
	(void)s;
	rt_lock_acquire(lock);
	rt_syscall_begin("write(pipe with no reader)");
	while (len) {
		ssize_t n = write(pipe_fd[1], buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;   /* not expected; the data is simply lost */
		}
		buf += n;
		len -= (size_t)n;
	}
	rt_syscall_end();
	rt_lock_release(lock);
}

static void stuck_flush(enum rt_stream s)
{
	(void)s;
}

static int stuck_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	/* Blocking on purpose, and the read end stays open so no SIGPIPE. */
	if (pipe2(pipe_fd, O_CLOEXEC) != 0) {
		int e = errno;
		if (why)
			*why = "pipe2 failed";
		pipe_fd[0] = pipe_fd[1] = -1;
		return -e;
	}
	lock = rt_lock_new("Stuck.stdout_lock", RT_LOCK_PLAIN);
	return 0;
}

/* Rarely reached: a stuck writer never lets the run end cleanly. */
static void stuck_stop(void)
{
	for (int i = 0; i < 2; i++) {
		if (pipe_fd[i] >= 0)
			close(pipe_fd[i]);
		pipe_fd[i] = -1;
	}
	rt_lock_free(lock);
	lock = NULL;
}

const struct rt_target_ops test_stuck_ops = {
	.name = "test_stuck",
	.summary = "test helper: writer blocks in write(2) on a full pipe holding a lock",
	.flags = RT_TARGET_TEST | RT_TARGET_FREE_ONLY,   /* blocks outside the scheduler */
	.start = stuck_start,
	.stop = stuck_stop,
	.write = stuck_write,
	.flush = stuck_flush,
	.refresh = NULL,
};
