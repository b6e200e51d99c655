/* SPDX-License-Identifier: Apache-2.0 */
/* explore_jobs.c - `explore --jobs N`: N worker processes explore disjoint
 * executions (worker k runs executions k, k + N, k + 2N, ... of the same
 * seeded sequence, so a repro is the same whichever worker found it).  The
 * lowest execution with a finding is reported, as with one job: a worker that
 * finds something at i waits until every execution below i has run (workers
 * stop before an execution above the lowest finding), then reports only if
 * no lower one found anything.  Workers are forked before
 * any thread exists in this process (each starts its own watchdog), so no
 * lock is held across fork. */
#include "commands/explore_jobs.h"

#include "base/report.h"
#include "base/sanitizer_defaults.h"
#include "base/util.h"
#include "commands/run.h"
#include "engine/watchdog.h"
#include "sched/sched_ctl.h"
#include "target_plugins.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define RT_JOBS_MAX 256

struct rt_explore_shared {
	_Atomic uint64_t execs, choices, findings;
	_Atomic uint64_t best;                /* lowest execution with a finding */
	_Atomic uint64_t pos[RT_JOBS_MAX];    /* execution each worker runs now */
	_Atomic int winner;                   /* worker index, -1 while none */
	_Atomic uint64_t execs_at_win;        /* executions one job would have needed */
	char sig[1024];                       /* written by the winner before its exit */
	char path[2048];
	int jobs;
};

int rt_explore_shared_next(struct rt_explore_shared *s, int worker, uint64_t i)
{
	atomic_store(&s->pos[worker], i);
	return i > atomic_load(&s->best);
}

void rt_explore_shared_add(struct rt_explore_shared *s, uint64_t execs, uint64_t choices,
			   uint64_t findings)
{
	atomic_fetch_add(&s->execs, execs);
	atomic_fetch_add(&s->choices, choices);
	atomic_fetch_add(&s->findings, findings);
}

void rt_explore_progress(int tty, uint64_t t0, uint64_t done, uint64_t runs, uint64_t choices,
			 uint64_t findings, const char *note)
{
	uint64_t now = rt_now_ns(), el = now - t0 ? now - t0 : 1;
	rt_fdprintf(rt_err_fd(), "%s[explore %6.1fs] %" PRIu64 " of %" PRIu64 " execution%s, %.0f/s, %"
		    PRIu64 " choice points per execution%s | findings %" PRIu64 "%s", tty ? "\r" : "",
		    (double)el / 1e9, done, runs, rt_s(runs), (double)done * 1e9 / (double)el,
		    done ? choices / done : 0, note, findings, tty ? "\033[K" : "\n");
}

void rt_explore_shared_done(struct rt_explore_shared *s, int worker)
{
	atomic_store(&s->pos[worker], UINT64_MAX);
}

int rt_explore_shared_found(struct rt_explore_shared *s, int worker, uint64_t i)
{
	uint64_t b = atomic_load(&s->best);
	while (i < b && !atomic_compare_exchange_weak(&s->best, &b, i))
		;
	atomic_store(&s->pos[worker], UINT64_MAX);   /* nobody waits for this one */
	for (int k = 0; k < s->jobs; k++)            /* every lower execution has run */
		while (k != worker && atomic_load(&s->pos[k]) < i)
			rt_sleep_ns(1000000ULL);
	if (atomic_load(&s->best) != i)
		return 0;
	atomic_store(&s->winner, worker);
	return 1;
}

void rt_explore_shared_result(struct rt_explore_shared *s, uint64_t execs, const char *sig,
			      const char *path)
{
	atomic_store(&s->execs_at_win, execs);
	snprintf(s->sig, sizeof s->sig, "%s", sig);
	snprintf(s->path, sizeof s->path, "%s", path);
}

int rt_explore_default_jobs(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set) < RT_JOBS_MAX ? CPU_COUNT(&set) : RT_JOBS_MAX;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)(n < RT_JOBS_MAX ? n : RT_JOBS_MAX) : 1;
}

/* Controlled executions find deadlocks exactly; their watchdog only catches a
 * wedge outside controlled code, so its stall timeout is generous: a slow
 * sanitizer report on a loaded machine must not look like a wedge. */
#define RT_EXPLORE_MIN_STALL_MS 10000

static int explore_here(const struct rt_config *c, const struct rt_explore_opts *o, int hb)
{
	struct rt_config wc = *c;
	if (wc.stall_timeout_ms < RT_EXPLORE_MIN_STALL_MS)
		wc.stall_timeout_ms = RT_EXPLORE_MIN_STALL_MS;
	struct rt_watchdog_params wp = { .cfg = &wc, .heartbeat_fd = hb, .start_ns = rt_now_ns(),
					 .fatal = rt_run_emergency_exit, .no_progress = 1 };
	rt_watchdog_start(&wp);   /* heartbeats; wedges outside controlled code */
	int code = rt_explore(c, o);
	rt_watchdog_stop();
	return code;
}


/* Wait for every worker; the winner's exit status is the verdict.  A worker
 * killed by a signal is a crash of the harness's own worker: reported. */
static int reap(pid_t *pid, int jobs, struct rt_explore_shared *s, const struct rt_explore_opts *o,
		int hb, uint64_t t0)
{
	int code = RT_EXIT_SUCCESS, left = jobs, crashed = -1, csig = 0;
	int tty = isatty(rt_err_fd()), shown = 0;
	uint64_t last = t0;
	while (left) {
		for (int k = 0; k < jobs; k++) {
			int st;
			if (pid[k] <= 0 || waitpid(pid[k], &st, WNOHANG) != pid[k])
				continue;
			pid[k] = 0;
			left--;
			rt_explore_shared_done(s, k);   /* died early: nobody waits for it */
			if (WIFSIGNALED(st) && crashed < 0) {
				crashed = k;
				csig = WTERMSIG(st);
			} else if (WIFEXITED(st) && atomic_load(&s->winner) == k) {
				code = WEXITSTATUS(st);
			} else if (WIFEXITED(st) && WEXITSTATUS(st) != RT_EXIT_SUCCESS &&
				   atomic_load(&s->winner) < 0) {
				code = WEXITSTATUS(st);   /* bad input, target cannot start */
			}
		}
		hb = rt_heartbeat(hb);
		uint64_t now = rt_now_ns();
		if (!o->quiet_progress && now - last > (tty ? 250000000ULL : 1000000000ULL)) {
			rt_explore_progress(tty, t0, atomic_load(&s->execs), o->runs,
					    atomic_load(&s->choices), atomic_load(&s->findings),
					    " (all jobs)");
			shown = 1;
			last = now;
		}
		if (left)
			rt_sleep_ns(5000000ULL);
	}
	if (tty && shown)
		rt_write_all(rt_err_fd(), "\n", 1);   /* the status line stays */
	if (crashed >= 0 && atomic_load(&s->winner) < 0) {
		char text[256], canon[64], sig[128];
		snprintf(canon, sizeof canon, "explore worker died: signal %d", csig);
		rt_signature(sig, sizeof sig, "CRASH", canon);
		snprintf(text, sizeof text, "\nCRASH: explore worker %d died from signal %d (%s)\n"
			 "signature: %s\n", crashed, csig, strsignal(csig), sig);
		rt_report_finding(RT_EXIT_CRASH, "crash", "explore worker died", sig, text);
		code = RT_EXIT_CRASH;
	}
	return code;
}

static void summary(const struct rt_explore_shared *s, uint64_t t0, int jobs, const char *target)
{
	double el = (double)(rt_now_ns() - t0) / 1e9;
	uint64_t n = atomic_load(&s->execs), k = atomic_load(&s->choices);
	int won = atomic_load(&s->winner) >= 0;
	if (!won)
		rt_fdprintf(rt_out_fd(), "no finding in %" PRIu64 " execution%s\n", n, rt_s(n));
	uint64_t per = n ? k / n : 0;
	rt_fdprintf(rt_out_fd(), "explore: %" PRIu64 " execution%s in %.2f s (%.0f/s) over %d jobs, %"
		    PRIu64 " choice point%s per execution\n", n, rt_s(n), el,
		    (double)n / (el > 0 ? el : 1), jobs, per, rt_s(per));
	if (won) {
		rt_fdprintf(rt_out_fd(), "first finding after %" PRIu64 " execution%s: %s\nrepro: %s\n",
			    atomic_load(&s->execs_at_win), rt_s(atomic_load(&s->execs_at_win)),
			    s->sig, s->path);
		const char *argv[6];
		rt_replay_repro_argv(argv, target, s->path);
		rt_report_set_replay_argv(argv);
	}
}

int rt_explore_run(const struct rt_config *c, const struct rt_explore_opts *o, int hb)
{
	int jobs = o->jobs < RT_JOBS_MAX ? o->jobs : RT_JOBS_MAX;
	if (jobs <= 1 || o->runs < 2)
		return explore_here(c, o, hb);
	if ((uint64_t)jobs > o->runs)
		jobs = (int)o->runs;
	int code = RT_EXIT_INTERNAL;
	pid_t pid[RT_JOBS_MAX] = { 0 };
	struct rt_explore_shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE,
					   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED) {
		rt_fdprintf(rt_err_fd(), "redirtorture: explore --jobs: cannot share counters: %s\n",
			    strerror(errno));
		return RT_EXIT_INTERNAL;
	}
	atomic_store(&s->winner, -1);
	atomic_store(&s->best, UINT64_MAX);
	s->jobs = jobs;
	rt_fdprintf(rt_out_fd(), "explore: strategy %s%s, up to %" PRIu64 " execution%s, seed %" PRIu64
		    ", %d jobs\n", rt_strategy_name(o->strategy), o->strategy == 1 ? " (PCT)" : "",
		    o->runs, rt_s(o->runs), o->seed, jobs);
	uint64_t t0 = rt_now_ns();
	for (int k = 0; k < jobs; k++) {
		pid[k] = fork();
		if (pid[k] == 0) {
			struct rt_explore_opts w = *o;
			w.shard = k;
			w.nshards = jobs;
			w.shared = s;
			w.quiet_progress = 1;
			rt_exit_child(explore_here(c, &w, hb));
		}
		if (pid[k] < 0) {
			rt_fdprintf(rt_err_fd(), "redirtorture: explore --jobs: fork: %s\n",
				    strerror(errno));
			atomic_store(&s->best, 0);   /* stop the others */
			goto out;
		}
	}
	code = reap(pid, jobs, s, o, hb, t0);
	summary(s, t0, jobs, c->target);
	if (atomic_load(&s->winner) < 0) {   /* else the winning worker wrote the report */
		double el = (double)(rt_now_ns() - t0) / 1e9;
		uint64_t n = atomic_load(&s->execs);
		rt_report_write_json(code, el, rt_explore_stats(el, n, n ? atomic_load(&s->choices) / n
									 : 0));
		code = rt_report_exit_code(code);
	}
out:
	for (int k = 0; k < jobs; k++)
		if (pid[k] > 0)
			waitpid(pid[k], NULL, 0);
	munmap(s, sizeof *s);
	return code;
}
