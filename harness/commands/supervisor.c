/* SPDX-License-Identifier: Apache-2.0 */
/* supervisor.c - the parent side: the scenario runs in a child process; the
 * parent watches its heartbeats and a hard deadline, and reports a child that
 * dies or wedges beyond what its own watchdog can report.  The harness never
 * hangs, whatever the target does. */
#include "commands/supervisor.h"

#include "commands/run.h"
#include "engine/watchdog.h"

#include "base/json.h"
#include "base/report.h"
#include "base/sanitizer_defaults.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct stat old_report;   /* the report file before the child ran */

/* The report the child wrote, parsed by Jansson, or NULL (none, only an
 * older run's, or not a JSON object). */
static json_t *child_report(const char *path)
{
	struct stat now;
	if (!path || stat(path, &now) != 0 ||
	    (now.st_dev == old_report.st_dev && now.st_ino == old_report.st_ino &&
	     now.st_mtim.tv_sec == old_report.st_mtim.tv_sec &&
	     now.st_mtim.tv_nsec == old_report.st_mtim.tv_nsec))
		return NULL;
	struct rt_buf b = { 0 };
	char err[512];
	if (rt_read_input(path, "report", "the child's JSON report", 64u << 20, &b, err, sizeof err))
		return NULL;
	json_error_t jerr;
	json_t *doc = json_loadb(b.p ? b.p : "", b.len, 0, &jerr);
	rt_buf_free(&b);
	if (doc && !json_is_object(doc)) {
		json_decref(doc);
		doc = NULL;
	}
	return doc;
}

/* The parent's own finding (the child cannot report it): CRASH for a child
 * that died or wedged, INTERRUPTED for a run stopped by a signal, CLOSED
 * for one stopped because stdout's reader went away. */
static int supervisor_report(int code, const char *json_path, const char *what,
			     const char *canon, const char *why)
{
	struct rt_buf b = { 0 };
	char sig[512];
	const char *verdict = rt_verdict_name(code);
	rt_signature(sig, sizeof sig, verdict, canon);
	rt_buf_printf(&b, "\n======================================================\n"
			  "%s: %s; %s\n"
			  "------------------------------------------------------\n"
			  "supervisor: %s\n"
			  "signature: %s\nreplay: %s\n",
		      verdict, what, rt_report_context(), why, sig, rt_report_replay());
	/* read the child's report before rt_report_finding overwrites the
	 * same file with ours */
	json_t *child = child_report(json_path);
	const char *kind = code == RT_EXIT_CRASH ? "crash" : code == RT_EXIT_CLOSED ? "closed" : "interrupted";
	rt_report_finding(code, kind, what, sig, b.p);
	json_t *st = rt_json_obj();
	rt_json_set_str(st, "supervisor", what);
	/* keep what the child saved before it died */
	rt_json_set(st, "child_report", child ? child : json_null());
	rt_report_write_json(code, 0, st);
	rt_buf_free(&b);
	return rt_report_exit_code(code);
}

static int crash_report(const char *json_path, const char *what, const char *canon)
{
	return supervisor_report(RT_EXIT_CRASH, json_path, what, canon,
				 "the scenario process could not report this itself.");
}

/* ---- SIGINT, SIGTERM, SIGHUP to the harness -------------------------------
 * The parent stops the child (SIGTERM, SIGKILL after RT_STOP_GRACE_MS) and
 * reports INTERRUPTED instead of dying and leaving the child behind. */
#define RT_STOP_GRACE_MS 1000
static const int stop_sigs[] = { SIGINT, SIGTERM, SIGHUP };
#define NSTOP ((int)(sizeof stop_sigs / sizeof stop_sigs[0]))
static volatile sig_atomic_t interrupted;

static void on_stop_signal(int sig) { interrupted = sig; }

/* A signal ignored on entry stays ignored (nohup, a shell's background job). */
static void catch_stop_signals(struct sigaction *old)
{
	interrupted = 0;
	for (int i = 0; i < NSTOP; i++) {
		sigaction(stop_sigs[i], NULL, &old[i]);
		if (old[i].sa_handler == SIG_IGN)
			continue;
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_stop_signal;   /* no SA_RESTART: poll returns at once */
		sigemptyset(&sa.sa_mask);
		sigaction(stop_sigs[i], &sa, NULL);
	}
}

static void restore_stop_signals(const struct sigaction *old)
{
	for (int i = 0; i < NSTOP; i++)
		sigaction(stop_sigs[i], &old[i], NULL);
}

/* SIGTERM (and SIGCONT: a stopped child cannot act on it), then SIGKILL
 * after the grace; 1 if it had to be killed. */
static int stop_child(pid_t pid, int *status)
{
	kill(pid, SIGTERM);
	kill(pid, SIGCONT);
	uint64_t t0 = rt_now_ns();
	while (rt_now_ns() - t0 < RT_STOP_GRACE_MS * 1000000ULL) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return 0;
		rt_sleep_ns(10000000ULL);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return 1;
}

static int interrupted_report(const char *json_path, pid_t pid, int sig, int killed)
{
	char what[300], canon[64];
	snprintf(what, sizeof what, "interrupted by signal %d (%s); stopped the scenario process "
		 "%ld (%s)", sig, strsignal(sig), (long)pid,
		 killed ? "SIGKILL after a 1 s grace" : "SIGTERM");
	snprintf(canon, sizeof canon, "signal %d", sig);
	return supervisor_report(RT_EXIT_INTERRUPTED, json_path, what, canon,
				 "the run did not finish; what the scenario process had found is "
				 "in the JSON report's stats.child_report.");
}

/* stdout's reader went away (`| head -1`): as grep would, end without a
 * word on stderr; the JSON report says why. */
static int closed_report(const char *json_path, pid_t pid, int killed)
{
	char what[300];
	snprintf(what, sizeof what, "stdout closed by its reader; stopped the scenario process %ld "
		 "(%s)", (long)pid, killed ? "SIGKILL after a 1 s grace" : "SIGTERM");
	int was = rt_report_set_quiet(1);
	int code = supervisor_report(RT_EXIT_CLOSED, json_path, what, "stdout closed",
				     "the run did not finish; what the scenario process had found "
				     "is in the JSON report's stats.child_report.");
	rt_report_set_quiet(was);
	return code;
}

/* The stop signals wait (blocked) across fork until the child has its own
 * dispositions: a SIGTERM sent at once (`| head -1` closes stdout after the
 * first line) reached the parent's handler in the child, which then ran on
 * until the SIGKILL a second later. */
static void block_stop_signals(sigset_t *was)
{
	sigset_t set;
	sigemptyset(&set);
	for (int i = 0; i < NSTOP; i++)
		sigaddset(&set, stop_sigs[i]);
	pthread_sigmask(SIG_BLOCK, &set, was);
}

/* In the child: die with the parent (a SIGKILLed harness must not leave
 * the target running), and take SIGINT/SIGTERM the default way. */
static void child_setup(pid_t parent, const struct sigaction *old, const sigset_t *mask)
{
	restore_stop_signals(old);
	pthread_sigmask(SIG_SETMASK, mask, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)   /* the parent died before prctl */
		_exit(RT_EXIT_INTERRUPTED);
}

static int scenario_body(const struct rt_config *c, int hb, void *arg)
{
	(void)arg;
	return rt_run_scenario(c, hb, 1);
}

uint64_t rt_run_deadline_ms(const struct rt_config *c)
{
	return (uint64_t)c->duration_ms + 3 * (uint64_t)c->stall_timeout_ms + 10000 +
	       RT_START_BUDGET_MS;
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
	struct sigaction old[NSTOP];
	catch_stop_signals(old);
	sigset_t mask;
	block_stop_signals(&mask);
	pid_t parent = getpid(), pid = fork();
	if (pid < 0)
		rt_die("fork: %s", strerror(errno));
	if (pid == 0) {
		child_setup(parent, old, &mask);
		close(hb[0]);
		fcntl(hb[1], F_SETFL, O_NONBLOCK);
		rt_exit_child(body(c, hb[1], arg));
	}
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	close(hb[1]);
	/* The child's watchdog reports within stall timeout + a tick; allow that
	 * plus grace before declaring it wedged.  Under TSan the grace is longer:
	 * while TSan prints a report (a buggy target's lock-order inversion) it
	 * holds its runtime's locks and symbolizes through a pipe, and every
	 * thread that enters the runtime, the watchdog's too, waits for it
	 * (busted under TSan at a load average of 25: > 3 s, a false "wedged"). */
	uint64_t grace_ms = rt_sanitizer_is_tsan() ? 15000 : 2000;
	uint64_t hb_timeout = ((uint64_t)c->stall_timeout_ms + grace_ms) * 1000000ULL;
	uint64_t deadline = deadline_ms ? rt_now_ns() + deadline_ms * 1000000ULL : UINT64_MAX;
	uint64_t last_hb = rt_now_ns();
	int status = 0, eof = 0, code;
	for (;;) {
		if (interrupted || rt_out_closed()) {
			int sig = interrupted, killed = stop_child(pid, &status);
			code = sig ? interrupted_report(json_path, pid, sig, killed)
				   : closed_report(json_path, pid, killed);
			goto out;
		}
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
			code = crash_report(json_path, what, "wedged: no heartbeat");
			goto out;
		}
	}
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		char what[300], canon[64];
		snprintf(what, sizeof what, "scenario process %ld died of signal %d (%s)", (long)pid, sig,
			 strsignal(sig));
		snprintf(canon, sizeof canon, "died: signal %d", sig);
		/* Ctrl-C reaches the whole process group: the child died of it;
		 * or someone stopped the child itself */
		int stop = interrupted;
		for (int i = 0; i < NSTOP && !stop; i++)
			stop = sig == stop_sigs[i] ? sig : 0;
		code = stop ? interrupted_report(json_path, pid, stop, 0)
			    : crash_report(json_path, what, canon);
	} else {
		code = WIFEXITED(status) ? WEXITSTATUS(status) : RT_EXIT_INTERNAL;
	}
out:
	close(hb[0]);
	restore_stop_signals(old);
	return code;
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
	/* controlled executions find deadlocks exactly; the watchdog only
	 * catches a wedge outside controlled code: a 10 s stall floor, as for
	 * explore's workers (a drain on a loaded machine is no stall) */
	struct rt_config wc = *c;
	if (wc.stall_timeout_ms < 10000)
		wc.stall_timeout_ms = 10000;
	struct rt_watchdog_params wp = { .cfg = &wc, .heartbeat_fd = hb, .start_ns = rt_now_ns(),
					 .fatal = rt_run_emergency_exit, .no_progress = 1 };
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
	/* the report of replay and minimize, if any: the supervisor's CRASH */
	return rt_supervise_fn(c, rt_report_json_path(), controlled_body, &j, deadline_ms);
}
