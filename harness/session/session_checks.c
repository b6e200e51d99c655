/* SPDX-License-Identifier: Apache-2.0 */
/* session_checks.c - the state oracles of run-mode sessions:
 *   - restore: whenever no cell runs, fd 1 and fd 2 are the original files
 *     (same st_dev/st_ino as before any session) and the target says its
 *     sys.stdout/sys.stderr are the originals (or its proxy);
 *   - liveness: a new session can always start;
 *   - resources: once every session stopped, open fds (/proc/self/fd) and
 *     live threads (/proc/self/task) are back to the baseline taken before
 *     the first session.
 *
 * "No cell runs" is checked without stopping anyone: drivers count cells in
 * progress (so_cell_begin before cell_enter, so_cell_end after cell_exit)
 * and bump an epoch at every begin; an observation made while the count was
 * 0 and the epoch did not move saw a quiescent state. */
#include "session/session_checks.h"
#include "session/session_driver.h"
#include "session/session_events.h"
#include "session/session_oracle.h"

#include "runtime/registry.h"
#include "base/report.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAXFD = 4096 };

static _Atomic int active;
static _Atomic uint64_t epoch;
static _Atomic int any_started;
static _Atomic uint64_t broken_at;        /* event when restore was first seen broken */
static _Atomic int nostart;
static struct stat orig[3];
static char orig_name[3][64];
static int base_tasks = -1, base_nfds = -1;
static char (*base_fd)[64];               /* readlink of each fd at baseline, "" if closed */

void so_checks_reset(void)
{
	atomic_store(&active, 0);
	atomic_store(&epoch, 0);
	atomic_store(&any_started, 0);
	atomic_store(&broken_at, 0);
	atomic_store(&nostart, 0);
	base_tasks = base_nfds = -1;
	free(base_fd);
	base_fd = NULL;
}

static void fd_name(int fd, char *out, size_t n)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	ssize_t r = readlink(path, out, n - 1);
	if (r < 0)
		snprintf(out, n, "(closed)");
	else
		out[r] = 0;
}

/* Entries of a /proc directory, or -1 if it cannot be read (no fds left). */
static int count_dir(const char *path, char (*names)[64])
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int self = dirfd(d), n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (names && fd == self)
			continue;
		n++;
		if (names && fd >= 0 && fd < MAXFD)
			fd_name(fd, names[fd], 64);
	}
	closedir(d);
	return n;
}

void so_baseline(void)
{
	for (int fd = 1; fd <= 2; fd++) {
		if (fstat(fd, &orig[fd]))
			memset(&orig[fd], 0, sizeof orig[fd]);
		fd_name(fd, orig_name[fd], sizeof orig_name[fd]);
	}
	base_fd = rt_xcalloc(MAXFD, sizeof *base_fd);
	base_nfds = count_dir("/proc/self/fd", base_fd);
	base_tasks = count_dir("/proc/self/task", NULL);
}

int so_nostart(void) { return atomic_load(&nostart); }

void so_session_started(int sid)
{
	(void)sid;
	atomic_store(&any_started, 1);
}

/* ---- restore invariant ----------------------------------------------------- */

static int fd_moved(int fd)
{
	struct stat s;
	if (fstat(fd, &s))
		return 1;
	return s.st_dev != orig[fd].st_dev || s.st_ino != orig[fd].st_ino;
}

/* 1: broken (what in desc, the timing-free part in canon), 0: holds, -1: a
 * cell began meanwhile, nothing can be said. */
static int idle_state(char *desc, size_t n, char *canon, size_t cn)
{
	uint64_t e1 = atomic_load(&epoch);
	if (atomic_load(&active))
		return -1;
	int m1 = fd_moved(1), m2 = fd_moved(2);
	char obj[256] = "";
	int bad_obj = so_tgt()->idle_check && so_tgt()->idle_check(obj, sizeof obj);
	char n1[64], n2[64];
	fd_name(1, n1, sizeof n1);
	fd_name(2, n2, sizeof n2);
	if (atomic_load(&epoch) != e1 || atomic_load(&active))
		return -1;
	if (!m1 && !m2 && !bad_obj)
		return 0;
	size_t u = 0, cu = 0;
	desc[0] = canon[0] = 0;
	if (m1) {
		u += (size_t)snprintf(desc + u, n - u, "fd 1 is %s, not the original %s", n1, orig_name[1]);
		cu += (size_t)snprintf(canon + cu, cn - cu, "fd 1");
	}
	if (m2 && u < n && cu < cn) {
		u += (size_t)snprintf(desc + u, n - u, "%sfd 2 is %s, not the original %s", u ? "; " : "",
				      n2, orig_name[2]);
		cu += (size_t)snprintf(canon + cu, cn - cu, "%sfd 2", cu ? "+" : "");
	}
	if (bad_obj && u < n && cu < cn) {
		snprintf(desc + u, n - u, "%s%s", u ? "; " : "", obj);
		snprintf(canon + cu, cn - cu, "%sstream objects", cu ? "+" : "");
	}
	return 1;
}

static void check_idle(const char *when)
{
	char desc[700], canon[64];
	if (idle_state(desc, sizeof desc, canon, sizeof canon) != 1)
		return;
	uint64_t now = so_step_now(), zero = 0;
	atomic_compare_exchange_strong(&broken_at, &zero, now ? now : 1);
	struct rt_buf b = { 0 }, t = { 0 };
	rt_buf_printf(&b, "  when:    %s, after session event #%" PRIu64 "\n  state:   %s\n", when, now,
		      desc);
	so_ring_dump(&b, now > 24 ? now - 24 : 1, now, SO_NO_MARK, -1, -1);
	rt_buf_printf(&t, "restore invariant broken: no cell is running but %s", canon);
	so_report("session-restore", "RESTORE", t.p, canon, b.p);
	rt_buf_free(&b);
	rt_buf_free(&t);
}

void so_cell_begin(void)
{
	atomic_fetch_add(&active, 1);
	atomic_fetch_add(&epoch, 1);
}

void so_cell_end(void)
{
	if (atomic_fetch_sub(&active, 1) == 1)
		check_idle("the last running cell exited");
}

/* ---- liveness ----------------------------------------------------------------- */

static int resource_errno(int e)
{
	return e == EMFILE || e == ENFILE || e == ENOMEM || e == EAGAIN || e == ENOSPC;
}

void so_start_failed(int sid, int rc, const char *why)
{
	int e = rc < 0 ? -rc : rc;
	if (!why)
		why = "no reason given";
	if (atomic_load(&nostart))
		return;
	if (!atomic_load(&any_started) && resource_errno(e)) {
		/* Not a target bug: this environment cannot hold one session.  The
		 * run ends (rt_sessions_done) with NOSTART, after a normal join. */
		if (atomic_exchange(&nostart, 1))
			return;
		struct rlimit rl = { 0 };
		getrlimit(RLIMIT_NOFILE, &rl);
		rt_fdprintf(rt_err_fd(),
			    "redirtorture: target %s cannot start: session %s: %s: %s (no session "
			    "could start; open-files limit %llu)\n",
			    so_tgt()->name, so_label(sid), why, strerror(e),
			    (unsigned long long)rl.rlim_cur);
		return;
	}
	char desc[700] = "", canon[64];
	int st = idle_state(desc, sizeof desc, canon, sizeof canon);
	uint64_t now = so_step_now(), since = atomic_load(&broken_at);
	struct rt_buf b = { 0 }, t = { 0 }, c = { 0 };
	rt_buf_printf(&b, "  session: %s failed to start: %s (%s)\n", so_label(sid), why, strerror(e));
	char obj[256] = "";
	if (st == 1)
		rt_buf_printf(&b, "  state:   no cell running; %s\n", desc);
	else if (st == 0)
		rt_buf_printf(&b, "  state:   no cell running; fd 1/2 and sys.stdout/sys.stderr as at "
				  "the start\n");
	else if (so_tgt()->idle_check && so_tgt()->idle_check(obj, sizeof obj))
		rt_buf_printf(&b, "  state:   cells running; %s\n", obj);
	if (since)
		rt_buf_printf(&b, "  the restore invariant was first seen broken after event #%" PRIu64
				  "\n", since);
	so_ring_dump(&b, now > 24 ? now - 24 : 1, now, SO_NO_MARK, sid, -1);
	rt_buf_printf(&t, "a new session cannot start: %s", why);
	rt_buf_printf(&c, "%s (%s)", why, strerror(e));
	so_report("session-start", "START", t.p, c.p, b.p);
	rt_buf_free(&b);
	rt_buf_free(&t);
	rt_buf_free(&c);
}

/* ---- after all sessions stopped -------------------------------------------------- */

static void live_threads(struct rt_buf *b)
{
	uint64_t now = rt_now_ns();
	rt_registry_lock();
	int n = rt_registry_count(), shown = 0;
	for (int i = 0; i < n; i++) {
		struct rt_thread *t = rt_registry_get_locked(i);
		if (!t || atomic_load(&t->state) == RT_TS_FINISHED)
			continue;
		pthread_mutex_lock(&t->mu);
		if (shown++ < 16)
			rt_buf_printf(b, "    %s [%s] %s%s%s for %.2f s\n", t->name, t->role,
				      rt_tstate_name(atomic_load(&t->state)), t->syscall ? " in " : "",
				      t->syscall ? t->syscall : "", (double)(now - t->state_since_ns) / 1e9);
		pthread_mutex_unlock(&t->mu);
	}
	rt_registry_unlock();
	if (shown > 16)
		rt_buf_printf(b, "    ... and %d more\n", shown - 16);
	if (!shown)
		rt_buf_printf(b, "    (none registered)\n");
}

void so_after_sessions(void)
{
	check_idle("all sessions stopped");
	if (base_tasks < 0 || base_nfds < 0)
		return;
	char (*now_fd)[64] = rt_xcalloc(MAXFD, sizeof *now_fd);
	int tasks = 0, nfds = 0;
	/* exiting threads (EOF on a closed pipe) need a moment; the watchdog
	 * allows this phase less than the stall timeout */
	int tries = (int)(so_cfg()->stall_timeout_ms / 40);
	tries = tries < 1 ? 1 : tries > 50 ? 50 : tries;
	for (int i = 0; i < tries; i++) {
		memset(now_fd, 0, (size_t)MAXFD * sizeof *now_fd);
		tasks = count_dir("/proc/self/task", NULL);
		nfds = count_dir("/proc/self/fd", now_fd);
		if (tasks <= base_tasks && nfds <= base_nfds)
			break;
		rt_sleep_ns(20 * 1000000ULL);
	}
	if ((tasks <= base_tasks && nfds <= base_nfds) || tasks < 0 || nfds < 0) {
		free(now_fd);
		return;
	}
	struct rt_buf b = { 0 }, t = { 0 }, c = { 0 };
	rt_buf_printf(&b, "  threads:  %d at the baseline, %d now (/proc/self/task)\n", base_tasks, tasks);
	rt_buf_printf(&b, "  open fds: %d at the baseline, %d now (/proc/self/fd)\n", base_nfds, nfds);
	rt_buf_printf(&b, "  registered threads still alive:\n");
	live_threads(&b);
	int shown = 0;
	for (int fd = 0; fd < MAXFD; fd++) {
		if (!now_fd[fd][0] || !strcmp(now_fd[fd], base_fd[fd]))
			continue;
		if (!shown++)
			rt_buf_printf(&b, "  fds new or changed since the baseline:\n");
		if (shown <= 16)
			rt_buf_printf(&b, "    fd %d -> %s%s%s%s\n", fd, now_fd[fd],
				      base_fd[fd][0] ? " (was " : "", base_fd[fd],
				      base_fd[fd][0] ? ")" : "");
	}
	if (shown > 16)
		rt_buf_printf(&b, "    ... and %d more\n", shown - 16);
	rt_buf_printf(&t, "resources not back to the baseline after all sessions stopped: %+d threads, "
			  "%+d open fds", tasks - base_tasks, nfds - base_nfds);
	rt_buf_printf(&c, "%s%s%s", tasks > base_tasks ? "threads" : "",
		      tasks > base_tasks && nfds > base_nfds ? "+" : "", nfds > base_nfds ? "fds" : "");
	so_report("session-resources", "RESOURCES", t.p, c.p, b.p);
	rt_buf_free(&b);
	rt_buf_free(&t);
	rt_buf_free(&c);
	free(now_fd);
}

/* ---- the session part of a hang report ----------------------------------------- */

void so_hang_extra(struct rt_buf *b)
{
	char n1[64], n2[64], obj[256] = "";
	fd_name(1, n1, sizeof n1);
	fd_name(2, n2, sizeof n2);
	int bad_obj = so_tgt()->idle_check && so_tgt()->idle_check(obj, sizeof obj);
	uint64_t now = so_step_now(), since = atomic_load(&broken_at);
	rt_buf_printf(b, "\nsessions at the hang (%d cells running):\n", atomic_load(&active));
	rt_buf_printf(b, "  fd 1 is %s%s%s\n", n1, fd_moved(1) ? ", not the original " : " (the original)",
		      fd_moved(1) ? orig_name[1] : "");
	rt_buf_printf(b, "  fd 2 is %s%s%s\n", n2, fd_moved(2) ? ", not the original " : " (the original)",
		      fd_moved(2) ? orig_name[2] : "");
	rt_buf_printf(b, "  %s\n", bad_obj ? obj : "sys.stdout/sys.stderr as installed at the start");
	if (since && since + 24 < now) {
		rt_buf_printf(b, "  the restore invariant was first seen broken after event #%" PRIu64
				 "; what led there:\n", since);
		so_ring_dump(b, since > 16 ? since - 16 : 1, since, SO_NO_MARK, -1, -1);
		rt_buf_printf(b, "  and the last events:\n");
	} else if (since) {
		rt_buf_printf(b, "  the restore invariant was first seen broken after event #%" PRIu64
				 "\n", since);
	}
	so_ring_dump(b, now > 24 ? now - 24 : 1, now, SO_NO_MARK, -1, -1);
}

/* ---- scripts: let the target's own threads settle -------------------------------- */

/* After a script step: wait (at most 200 ms) until every live thread the
 * target started (registered, not a session or server thread) waits in a
 * syscall, and the process has no thread the registry does not know of
 * yet, so a forwarder just created is in its read() before the next step. */
void so_settle(int actors_alive)
{
	if (base_tasks < 0)
		return;
	uint64_t end = rt_now_ns() + 200000000ULL;
	do {
		int live = 0, waiting = 0;
		rt_registry_lock();
		for (int i = 0; i < rt_registry_count(); i++) {
			struct rt_thread *t = rt_registry_get_locked(i);
			int st = t ? atomic_load(&t->state) : RT_TS_FINISHED;
			if (st == RT_TS_FINISHED || !strcmp(t->role, "session") || !strcmp(t->role, "server"))
				continue;
			live++;
			pthread_mutex_lock(&t->mu);
			waiting += (st == RT_TS_SLEEPING || st == RT_TS_BLOCKED_SYSCALL) && t->syscall;
			pthread_mutex_unlock(&t->mu);
		}
		rt_registry_unlock();
		if (live == waiting && count_dir("/proc/self/task", NULL) == base_tasks + actors_alive + live)
			return;
		rt_sleep_ns(1000000ULL);
	} while (rt_now_ns() < end);
}
