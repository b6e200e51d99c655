/* SPDX-License-Identifier: Apache-2.0 */
/* run.c - one scenario execution: start the target, the watchdog and the
 * drivers; stop them; check the oracles; produce the verdict. */
#include "commands/run.h"

#include "engine/beats.h"
#include "engine/drivers.h"
#include "runtime/lockgraph.h"
#include "engine/oracle.h"
#include "runtime/registry.h"
#include "base/json.h"
#include "base/report.h"
#include "base/sanitizer_defaults.h"
#include "runtime/rt.h"
#include "runtime/schedpoint.h"
#include "session/session_console.h"
#include "session/session_driver.h"
#include "base/util.h"
#include "engine/watchdog.h"
#include "base/nativestack.h"

#include "commands/steer.h"
#include "engine/lifecycle.h"
#include "targets.h"
#include "target_plugins.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static _Atomic uint64_t start_ns;
static const struct rt_config *run_cfg;
static int run_supervised;

uint64_t rt_run_start_ns(void) { return atomic_load(&start_ns); }

static json_t *stats_json(double elapsed)
{
	json_t *o = rt_json_obj();
	char key[48];
	rt_json_set(o, "elapsed_s", rt_json_secs(elapsed));
	for (int r = 0; r < RT_NROLES; r++) {
		snprintf(key, sizeof key, "%s_ops", rt_role_names[r]);
		rt_json_set_int(o, key, (long long)atomic_load(&rt_stats.ops[r]));
	}
	rt_json_set_int(o, "garbage_made", (long long)atomic_load(&rt_stats.garbage_made));
	rt_json_set_int(o, "collections", (long long)atomic_load(&rt_stats.collections));
	rt_json_set_int(o, "lock_classes", rt_lockgraph_nclasses());
	rt_json_set_int(o, "lock_edges", rt_lockgraph_nedges());
	rt_json_set_int(o, "threads", rt_registry_count());
	rt_json_set_int(o, "sink_bytes", (long long)rt_sink_total_bytes());
	return o;
}

static void summary(int code)
{
	double el = (double)(rt_now_ns() - rt_run_start_ns()) / 1e9;
	struct rt_buf b = { 0 };
	rt_buf_printf(&b, "summary: %.2f s;", el);
	for (int r = 0; r < RT_NROLES; r++)
		rt_buf_printf(&b, " %s %" PRIu64 ";", rt_role_names[r],
			      (uint64_t)atomic_load(&rt_stats.ops[r]));
	rt_buf_printf(&b, " lock classes %d, order edges %d; findings %d\n", rt_lockgraph_nclasses(),
		      rt_lockgraph_nedges(), rt_report_nfindings());
	rt_write_all(rt_out_fd(), b.p, b.len);
	rt_report_write_json(code, el, stats_json(el));
	rt_buf_free(&b);
}

void rt_run_emergency_exit(int code)
{
	rt_std_fds_restore();
	summary(code);
	code = rt_report_exit_code(code);
	if (!run_supervised && run_cfg)
		rt_epilogue(run_cfg, code, NULL);
	if (run_supervised)   /* as the supervisor's child leaves normally */
		rt_exit_child(code);
	_exit(code);
}

void rt_epilogue(const struct rt_config *c, int code, const char *json_path)
{
	struct rt_buf b = { 0 };
	rt_buf_printf(&b, "--- effective configuration (end) ---\n");
	rt_config_dump(c, &b, "  ");
	rt_buf_printf(&b, "replay: %s\n", rt_report_replay());
	if (json_path && code != RT_EXIT_UNWRITTEN)
		rt_buf_printf(&b, "report: %s\n", json_path);
	rt_buf_printf(&b, "End of test: %s\n", rt_verdict_name(code));
	rt_write_all(rt_out_fd(), b.p, b.len);
	rt_buf_free(&b);
}

/* In confirm's child: "1SIG" or "0SIG" (the same cycle or another), a
 * newline, and the steered execution's finding data (its cycle and threads)
 * as JSON, from the report that execution left. */
static void send_confirmed(int fd, const char *got)
{
	const char *title;
	json_t *data = NULL;
	int code;
	const char *kind, *sig, *text;
	for (int i = 0; rt_report_get(i, &code, &kind, &sig, &text) == 0; i++)
		if (!strcmp(sig, got + 1))
			rt_report_get_data(i, &title, &data);
	char *js = rt_json_dump(data ? data : json_null(), 0);
	rt_write_all(fd, got, strlen(got));
	rt_write_all(fd, "\n", sizeof "\n" - 1);
	rt_write_all(fd, js, strlen(js));
	free(js);
}

/* Whatever the pipe has now (non-blocking). */
static void drain(int fd, struct rt_buf *b)
{
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		rt_buf_add(b, buf, (size_t)n);
}

/* A potential deadlock from free-running stress is only a lock-order cycle.
 * Try to make it happen: steered controlled executions in a forked child
 * (this process has the stress run's state), keeping the supervisor's
 * heartbeats going meanwhile.  A success is a confirmed deadlock with a repro
 * file anyone can replay. */
static void confirm_potential(const struct rt_config *c, int hb)
{
	int code;
	const char *kind, *sig = NULL, *text, *s;
	const char *const *cls = NULL;
	int n = 0;
	for (int i = 0; rt_report_get(i, &code, &kind, &s, &text) == 0; i++)
		if (!strcmp(kind, "lock-order") && !sig) {
			sig = s;
			n = rt_report_get_cycle(i, &cls);
		}
	if (!sig || !c->confirm_runs || !n)
		return;

	const struct rt_target_ops *t = rt_target_find(c->target);
	if (t && (t->flags & RT_TARGET_FREE_ONLY))
		return;   /* controlled executions cannot drive it */
	if (t && (t->flags & RT_TARGET_EMBEDDED_PY)) {
		/* a child forked from a live interpreter with running threads
		 * cannot run Python (the GIL may be held by a thread it lost) */
		rt_fdprintf(rt_out_fd(), "not confirming the potential deadlock in this process "
			    "(embedded Python); confirm it with `redirtorture explore --target %s`\n",
			    t->name);
		return;
	}
	if (rt_sanitizer_is_tsan()) {
		rt_fdprintf(rt_out_fd(), "not confirming the potential deadlock: ThreadSanitizer "
			    "cannot start threads in a child forked from this run; confirm it with "
			    "`redirtorture explore`\n");
		return;
	}
	char path[1200];
	mkdir("repros", 0755);
	snprintf(path, sizeof path, "repros/%s-%s-%" PRIu64 "-confirmed.repro", c->target, c->scenario,
		 c->seed);
	rt_fdprintf(rt_out_fd(), "confirming the potential deadlock: up to %d steered controlled "
		    "executions\n", c->confirm_runs);
	/* the child sends the real deadlock's signature back through a pipe */
	char dsig[1024] = "";
	int sp[2];
	if (pipe(sp))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);   /* no orphan if this process is killed */
		close(sp[0]);
		char got[1024] = "";
		int same = 0;
		/* a copy: the controlled executions reset the report that owns cls */
		char **mine = rt_xcalloc((size_t)n, sizeof *mine);
		for (int i = 0; i < n; i++)
			mine[i] = rt_xstrdup(cls[i]);
		int rc = rt_confirm_cycle(c, mine, n, (uint64_t)c->confirm_runs, path, got + 1,
					  sizeof got - 1, &same);
		got[0] = same ? '1' : '0';   /* then the signature, a newline, its data */
		if (rc == RT_EXIT_DEADLOCK || rc == RT_EXIT_UNWRITTEN)
			send_confirmed(sp[1], got);
		_exit(rc);
	}
	close(sp[1]);
	fcntl(sp[0], F_SETFL, O_NONBLOCK);   /* drained while waiting: any size */
	struct rt_buf msg = { 0 };
	int status = 0;
	uint64_t t0 = rt_now_ns();
	while (pid > 0 && waitpid(pid, &status, WNOHANG) == 0) {
		drain(sp[0], &msg);
		hb = rt_heartbeat(hb);
		if (rt_now_ns() - t0 > 60ULL * 1000000000ULL) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		rt_sleep_ns(20000000ULL);
	}
	drain(sp[0], &msg);
	close(sp[0]);
	rt_buf_add(&msg, "", sizeof "");   /* NUL-terminated */
	int same = msg.p[0] == '1';
	char *nl = strchr(msg.p, '\n');
	json_t *data = NULL;
	if (nl) {
		*nl = 0;
		data = json_loads(nl + 1, 0, NULL);
		if (data && !json_is_object(data)) {
			json_decref(data);
			data = NULL;
		}
	}
	snprintf(dsig, sizeof dsig, "%s", msg.p[0] ? msg.p + 1 : "");
	rt_buf_free(&msg);
	struct rt_buf b = { 0 };
	int st = pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	char rcmd[2400];
	rt_replay_repro_cmd(rcmd, sizeof rcmd, c->target, path);
	if (st == RT_EXIT_UNWRITTEN)
		rt_report_note_unwritten();   /* the child said which repro */
	if (st == RT_EXIT_DEADLOCK || st == RT_EXIT_UNWRITTEN) {
		rt_buf_printf(&b, "\n======================================================\n"
				  "DEADLOCK: confirmed deadlock; %s\n"
				  "------------------------------------------------------\n"
				  "%s\n  %s\n%s in a steered controlled execution (exact: no thread "
				  "could run).\n"
				  "signature: %s\nrepro: %s\nreplay: %s\n",
			      rt_report_context(),
			      same ? "the potential deadlock" : "steering toward the potential deadlock",
			      sig, same ? "was made to happen" : "produced a different real deadlock",
			      dsig, st == RT_EXIT_UNWRITTEN ? "not written (see above)" : path,
			      st == RT_EXIT_UNWRITTEN ? rt_report_replay() : rcmd);
		char title[1300];
		snprintf(title, sizeof title, "confirmed deadlock: %s", dsig);
		rt_report_finding_data(RT_EXIT_DEADLOCK, "deadlock", title, dsig[0] ? dsig : "CONFIRMED",
				       b.p, NULL, 0, data);
		data = NULL;
	} else {
		rt_fdprintf(rt_err_fd(), "not confirmed in %d steered execution%s: it stays a "
			    "potential deadlock\n", c->confirm_runs, rt_s(c->confirm_runs));
		rt_explain_unconfirmed(c, sig, cls, n);   /* from this run's graph */
	}
	json_decref(data);
	rt_buf_free(&b);
}

/* While the target starts, the watchdog is not running yet, and an embedded
 * interpreter importing a large library (marimo) under instrumented locks
 * can take seconds on a loaded machine: a helper thread keeps the
 * supervisor's heartbeats going meanwhile (engine/beats.h), stopped at once
 * when start() returns.  A process that stops entirely still goes silent; a
 * start() that never returns meets the hard deadline. */
static int start_target(const struct rt_target_ops *t, const struct rt_config *c, int hb)
{
	struct rt_beats beats;
	rt_beats_start(&beats, hb, 100 * 1000000ULL);   /* none if it fails: start anyway */
	int rc = rt_target_start(t, c);
	rt_beats_stop(&beats);
	return rc;
}

int rt_run_scenario(const struct rt_config *c, int heartbeat_fd, int supervised)
{
	run_cfg = c;
	run_supervised = supervised;
	rt_native_crash_handler(rt_err_fd());   /* a crash writes its stack first */
	rt_native_crash_extra = rt_registry_crash_list;   /* and who the threads are */
	const struct rt_target_ops *t = rt_target_find(c->target);
	struct rt_noise_cfg nc = { c->noise, c->noise_yield_pct, c->noise_delay_pct,
				   c->noise_max_delay_us, c->seed };
	rt_sched_use_noise(&nc);
	atomic_store(&start_ns, rt_now_ns());

	const int sessions = rt_is_session_target(t);   /* marimo run mode (session.h) */
	if (sessions) {
		int sc = rt_session_run_begin(c, t);
		if (sc)
			return sc;
	}
	if (start_target(t, c, heartbeat_fd)) {
		if (sessions)
			rt_console_end();
		return RT_EXIT_NOSTART;
	}
	/* a program (t->main) runs until it exits; duration_ms is its time limit */
	uint64_t end = rt_run_start_ns() + (uint64_t)c->duration_ms * 1000000ULL;
	struct rt_watchdog_params wp = { .cfg = c, .heartbeat_fd = heartbeat_fd,
					 .start_ns = rt_run_start_ns(), .fatal = rt_run_emergency_exit,
					 .idle_ok = t->main != NULL, .deadline_ns = t->main ? end : 0,
					 .infer_waits = 1 };
	rt_watchdog_start(&wp);
	if ((sessions && rt_sessions_start()) || rt_drivers_start(c, t)) {
		rt_drivers_stop_and_join();
		if (sessions)
			rt_sessions_stop_and_join();
		rt_watchdog_stop();
		return RT_EXIT_INTERNAL;
	}
	if (t->main)
		t->main();   /* reports a failing exit status itself */
	/* Run for the duration, or until a finding ends it early.  Counted from
	 * here, not from the run's start: a target that takes long to start (an
	 * embedded Python importing Rich on a loaded machine: up to 3 s) would
	 * otherwise leave its drivers no time at all. */
	end = rt_now_ns() + (uint64_t)c->duration_ms * 1000000ULL;
	rt_watchdog_run_ends(end);   /* the status line's time left */
	struct rt_thread *me = rt_self_or_null();   /* registered if start() took locks */
	if (me && !t->main)
		rt_thread_set_idle(me, 1);   /* it wakes nobody until stop() */
	while (!t->main && rt_now_ns() < end) {
		rt_sleep_ns(10 * 1000000ULL);
		if (c->stop_on_potential && rt_report_nfindings())
			break;
		if (sessions && rt_sessions_done())
			break;
		/* max_ops: done when the workers are (a refresh loop or a target's
		 * idle threads would otherwise keep the run going, or stall it) */
		if (c->max_ops && rt_drivers_workers_done())
			break;
	}
	rt_watchdog_phase("joining drivers");
	rt_drivers_stop_and_join();
	if (sessions)
		rt_sessions_stop_and_join();   /* + restore and resource oracles */
	/* a target may join its own threads: Python gives them 2 s in all and
	 * reports the ones left as a finding of their own */
	rt_watchdog_phase_budget("stopping target", (uint64_t)c->stall_timeout_ms + RT_STOP_EXTRA_MS);
	if ((me = rt_self_or_null()))
		rt_thread_set_idle(me, 0);   /* stop() runs target code */
	t->stop();
	/* CPU-bound work on what the run wrote: no limit but the deadline */
	rt_watchdog_phase_budget("checking output", 0);
	if (sessions)
		rt_session_run_end();          /* fd 1/2 back; exactly-once oracle */
	if (c->integrity && !(c->stop_on_potential && rt_report_nfindings()))
		rt_oracle_check(c->line_len, t->main != NULL);   /* a program's log format may prefix */
	rt_watchdog_stop();   /* before confirm's fork; it sends heartbeats itself */
	if (rt_report_worst() == RT_EXIT_FINDING)
		confirm_potential(c, heartbeat_fd);
	int code = rt_report_worst();
	if (sessions)
		code = rt_sessions_exit_code(code);
	summary(code);
	return rt_report_exit_code(code);
}
