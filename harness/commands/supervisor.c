/* supervisor.c - the parent side: the scenario runs in a child process; the
 * parent watches its heartbeats and a hard deadline, and reports a child that
 * dies or wedges beyond what its own watchdog can report.  The harness never
 * hangs, whatever the target does. */
#include "commands/supervisor.h"

#include "commands/run.h"
#include "engine/watchdog.h"

#include "base/report.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct stat old_report;   /* the report file before the child ran */

/* The report the child wrote, or NULL (none, or only an older run's). */
static char *slurp(const char *path)
{
	struct stat now;
	if (!path || stat(path, &now) != 0 ||
	    (now.st_dev == old_report.st_dev && now.st_ino == old_report.st_ino &&
	     now.st_mtim.tv_sec == old_report.st_mtim.tv_sec &&
	     now.st_mtim.tv_nsec == old_report.st_mtim.tv_nsec))
		return NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct rt_buf b = { 0 };
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		rt_buf_add(&b, chunk, n);
	fclose(f);
	return b.p;
}

static int supervisor_report(const struct rt_config *c, const char *json_path, const char *what,
			     const char *canon)
{
	struct rt_buf b = { 0 }, st = { 0 };
	char sig[512];
	rt_signature(sig, sizeof sig, "CRASH", canon);
	rt_buf_printf(&b, "\n======================================================\n"
			  "CRASH: %s; %s\n"
			  "------------------------------------------------------\n"
			  "supervisor: the scenario process could not report this itself.\n"
			  "signature: %s\nreplay: %s\n",
		      what, rt_report_context(), sig, rt_report_replay());
	/* read the child's report before rt_report_finding overwrites the
	 * same file with ours */
	char *child = slurp(json_path);
	rt_report_finding(RT_EXIT_CRASH, "crash", what, sig, b.p);
	rt_buf_printf(&st, "{\"supervisor\": ");
	rt_buf_json_str(&st, what);
	/* keep what the child saved before it died */
	rt_buf_printf(&st, ", \"child_report\": %s}", child && child[0] == '{' ? child : "null");
	rt_report_write_json(RT_EXIT_CRASH, 0, st.p);
	free(child);
	rt_buf_free(&st);
	rt_buf_free(&b);
	(void)c;
	return rt_report_exit_code(RT_EXIT_CRASH);
}

static int scenario_body(const struct rt_config *c, int hb, void *arg)
{
	(void)arg;
	return rt_run_scenario(c, hb, 1);
}

uint64_t rt_run_deadline_ms(const struct rt_config *c)
{
	return (uint64_t)c->duration_ms + 3 * (uint64_t)c->stall_timeout_ms + 10000;
}

int rt_supervise(const struct rt_config *c, const char *json_path)
{
	return rt_supervise_fn(c, json_path, scenario_body, NULL, rt_run_deadline_ms(c));
}

int rt_supervise_fn(const struct rt_config *c, const char *json_path,
		    int (*body)(const struct rt_config *c, int heartbeat_fd, void *arg), void *arg,
		    uint64_t deadline_ms)
{
	int hb[2];
	if (pipe2(hb, O_CLOEXEC) != 0)
		rt_die("pipe: %s", strerror(errno));
	/* A report left by an earlier run stays until a complete new one
	 * replaces it; it must not pass for this child's (its file identity
	 * tells: every write makes a new file and renames it over). */
	struct stat before = { 0 };
	if (!json_path || stat(json_path, &before) != 0)
		memset(&before, 0, sizeof before);
	old_report = before;
	pid_t pid = fork();
	if (pid < 0)
		rt_die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(hb[0]);
		fcntl(hb[1], F_SETFL, O_NONBLOCK);
		_exit(body(c, hb[1], arg));
	}
	close(hb[1]);
	/* The child's watchdog reports within stall timeout + a tick; allow that
	 * plus grace before declaring it wedged. */
	uint64_t hb_timeout = ((uint64_t)c->stall_timeout_ms + 2000) * 1000000ULL;
	uint64_t deadline = deadline_ms ? rt_now_ns() + deadline_ms * 1000000ULL : UINT64_MAX;
	uint64_t last_hb = rt_now_ns();
	int status = 0, eof = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		struct pollfd p = { hb[0], POLLIN, 0 };
		int pr = eof ? (rt_sleep_ns(50000000ULL), 0) : poll(&p, 1, 50);
		if (pr > 0) {
			char buf[256];
			ssize_t n = read(hb[0], buf, sizeof buf);
			if (n > 0)
				last_hb = rt_now_ns();
			else if (n == 0)
				eof = 1;
		}
		uint64_t now = rt_now_ns();
		const char *why = NULL;
		if (now - last_hb > hb_timeout)
			why = "no heartbeat from the scenario's watchdog";
		else if (now > deadline)
			why = "past the hard deadline";
		if (why) {
			char what[300];
			snprintf(what, sizeof what, "scenario process %ld wedged (%s); killed it",
				 (long)pid, why);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			close(hb[0]);
			return supervisor_report(c, json_path, what, "wedged: no heartbeat");
		}
	}
	close(hb[0]);
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		char what[300], canon[64];
		snprintf(what, sizeof what, "scenario process %ld died of signal %d (%s)", (long)pid, sig,
			 strsignal(sig));
		snprintf(canon, sizeof canon, "died: signal %d", sig);
		return supervisor_report(c, json_path, what, canon);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : RT_EXIT_INTERNAL;
}

struct ctl_job {
	int (*work)(void *arg);
	void *arg;
};

/* The child of rt_supervise_controlled: the watchdog sends heartbeats and
 * reports a stall outside controlled code (a thread blocked in a real
 * syscall), then ends the process. */
static int controlled_body(const struct rt_config *c, int hb, void *arg)
{
	const struct ctl_job *j = arg;
	struct rt_watchdog_params wp = { .cfg = c, .heartbeat_fd = hb, .start_ns = rt_now_ns(),
					 .fatal = rt_run_emergency_exit };
	rt_watchdog_start(&wp);
	int code = j->work(j->arg);
	rt_watchdog_stop();
	return code;
}

int rt_supervise_controlled(const struct rt_config *c, int (*work)(void *arg), void *arg,
			    uint64_t deadline_ms, int supervised)
{
	struct ctl_job j = { work, arg };
	if (!supervised)
		return controlled_body(c, -1, &j);
	return rt_supervise_fn(c, NULL, controlled_body, &j, deadline_ms);
}
