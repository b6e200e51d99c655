/* SPDX-License-Identifier: Apache-2.0 */
/* beats_test.c - the heartbeats a run sends while its target starts
 * (engine/beats.h).
 * 1. The first beat is written at once, and stop() ends the helper at once,
 *    not at its next beat: with a one-hour period the test ends only if stop
 *    wakes the helper (a helper that sleeps out its period, as run.c's did,
 *    fails by the test's timeout).  That sleep cost every run up to 100 ms
 *    between its target's start() and its drivers; under ThreadSanitizer
 *    all of it, every run.
 * 2. stop() right after start(), before the helper may have run: it ends.
 * 3. Beats keep coming while start() lasts (period 1 ms: three read).
 * 4. fd < 0 (unsupervised): no thread, nothing written, stop() is harmless.
 * 5. The supervisor gone (EPIPE, SIGPIPE ignored as the harness does): the
 *    process ends with RT_EXIT_INTERRUPTED, as every other heartbeat
 *    (base/util.h: rt_heartbeat), not a start() that goes on alone. */
#include "engine/beats.h"

#include "base/report.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define HOUR_NS (3600ULL * 1000000000ULL)

static int fails;

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "FAIL line %d: ", __LINE__);       \
			fprintf(stderr, __VA_ARGS__);                      \
			fputc('\n', stderr);                              \
			fails++;                                           \
		}                                                          \
	} while (0)

/* The beats in the pipe not read yet: what the supervisor would still see */
static int unread(int fd)
{
	int n = -1;
	return ioctl(fd, FIONREAD, &n) == 0 ? n : -1;
}

static char read_beat(int fd)
{
	char c = 0;
	if (read(fd, &c, 1) != 1)
		return 0;
	return c;
}

int main(void)
{
	int p[2];
	struct rt_beats b;
	if (pipe(p) != 0) {
		perror("pipe");
		return 1;
	}

	/* 1 */
	CHECK(rt_beats_start(&b, p[1], HOUR_NS) == 0, "start failed");
	CHECK(read_beat(p[0]) == 'h', "no first beat");
	rt_beats_stop(&b);   /* an hour if it does not wake the helper */
	CHECK(unread(p[0]) == 0, "1: %d beats more, expected the one", unread(p[0]));

	/* 2 */
	CHECK(rt_beats_start(&b, p[1], HOUR_NS) == 0, "start failed");
	rt_beats_stop(&b);
	int n = unread(p[0]);
	CHECK(n == 0 || n == 1, "2: %d beats, expected at most 1", n);
	for (int i = 0; i < n; i++)
		CHECK(read_beat(p[0]) == 'h', "2: beat not in the pipe");

	/* 3 */
	CHECK(rt_beats_start(&b, p[1], 1000000ULL) == 0, "start failed");
	for (int i = 0; i < 3; i++)
		CHECK(read_beat(p[0]) == 'h', "3: beat %d missing", i);
	rt_beats_stop(&b);
	for (int i = unread(p[0]); i > 0; i--)   /* the beats after the third */
		read_beat(p[0]);

	/* 4 */
	CHECK(rt_beats_start(&b, -1, 1000000ULL) == 0, "start with fd -1 failed");
	rt_beats_stop(&b);
	CHECK(!b.running && unread(p[0]) == 0, "4: a helper or a beat without a supervisor");

	/* 5 */
	int q[2], st = 0;
	pid_t pid = -1;
	if (pipe(q) == 0 && close(q[0]) == 0)   /* no reader left anywhere */
		pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_IGN);
		rt_beats_start(&b, q[1], 1000000ULL);
		sleep(1);   /* the first beat fails at once */
		rt_beats_stop(&b);
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid, "5: fork");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == RT_EXIT_INTERRUPTED,
	      "5: a heartbeat into a closed pipe: status 0x%x, not exit %d", st, RT_EXIT_INTERRUPTED);
	close(q[1]);

	if (fails)
		return 1;
	puts("beats: OK");
	return 0;
}
