/* SPDX-License-Identifier: Apache-2.0 */
/* session_driver.c - the threads of a run-mode session scenario.
 *
 * Reload loop (default): one thread per session id loads the page over and
 * over, like the public reproduction of marimo #8306 (many browsers
 * reloading one `marimo run` server): session start; cells_per_session
 * cells, each cell_enter, cell_prints tagged writes (print to stdout or
 * stderr, or write(2) on fd 1/2 for c_write_pct of them, sometimes a
 * capture around a few prints), cell_exit; the page stays open
 * ~session_idle_ms; session stop.  A server thread logs every
 * server_log_us meanwhile.
 *
 * Script (session_script): one thread per actor plays the script's steps
 * strictly in file order, for deterministic repros. */
#include "session/session_checks.h"
#include "session/session_console.h"
#include "session/session_driver.h"
#include "session/session_events.h"
#include "session/session_knobs.h"
#include "session/session_oracle.h"
#include "session/session_script.h"

#include "engine/drivers.h"
#include "runtime/registry.h"
#include "base/report.h"
#include "runtime/schedpoint.h"
#include "base/util.h"
#include "engine/hangreport.h"
#include "engine/watchdog.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sx {                        /* one session (or server) thread */
	int sid, actor;
	struct rt_thread *t;
	struct rt_rng rng;
	int started, in_cell, capturing, load, cell;
	uint64_t k_from;
	char *line;
};

static const struct rt_config *cfg;
static const struct rt_session_settings *ss;   /* the session knobs */
static const struct rt_target_ops *tgt;
static struct sc_script script;
static int scripted;
static struct sx sxs[RT_MAX_SESSIONS + 2];
static pthread_t thr[RT_MAX_SESSIONS + 2];
static int nthr;
static _Atomic int stop_flag, nfinished;
static pthread_mutex_t turn_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cv = PTHREAD_COND_INITIALIZER;
static int turn;

int rt_is_session_target(const struct rt_target_ops *t) { return t && t->session_start; }

static int stopping(void) { return atomic_load(&stop_flag); }
static int dice(struct sx *x, int pct) { return (int)rt_rng_below(&x->rng, 100) < pct; }

/* ---- operations ------------------------------------------------------------ */

static void op_start(struct sx *x)
{
	if (x->started)
		return;
	rt_thread_set_op(x->t, "session start");
	x->load++;
	x->cell = 0;
	const char *why = NULL;
	int rc = tgt->session_start(x->sid, &why);
	so_event(rc ? SO_EV_START_FAILED : SO_EV_START, x->sid, x->load, 0);
	if (rc) {
		so_start_failed(x->sid, rc, why);
		return;
	}
	x->started = 1;
	so_session_started(x->sid);
}

static void op_cap_end(struct sx *x)
{
	if (!x->capturing)
		return;
	rt_thread_set_op(x->t, "capture end");
	so_event(SO_EV_CAP_END, x->sid, x->load, x->cell);
	size_t len = 0;
	char *text = tgt->capture_end(x->sid, &len);
	x->capturing = 0;
	so_capture_check(x->sid, text ? text : "", text ? len : 0, x->k_from,
			 so_written(x->sid, SO_K));
	free(text);
}

static void op_exit(struct sx *x)
{
	if (!x->in_cell)
		return;
	op_cap_end(x);
	rt_thread_set_op(x->t, "cell exit");
	so_event(SO_EV_EXIT, x->sid, x->load, x->cell);
	tgt->cell_exit(x->sid);
	x->in_cell = 0;
	so_cell_end();
	atomic_fetch_add(&rt_stats.ops[RT_ROLE_SESSION], 1);
}

static void op_stop(struct sx *x)
{
	if (!x->started)
		return;
	op_exit(x);
	rt_thread_set_op(x->t, "session stop");
	so_event(SO_EV_STOP, x->sid, x->load, 0);
	tgt->session_stop(x->sid);
	x->started = 0;
}

static void op_enter(struct sx *x)
{
	if (!x->started || x->in_cell)
		return;
	rt_thread_set_op(x->t, "cell enter");
	so_cell_begin();
	x->cell++;
	so_event(SO_EV_ENTER, x->sid, x->load, x->cell);
	tgt->cell_enter(x->sid);
	x->in_cell = 1;
}

static void op_write(struct sx *x, int c_level, int stream)
{
	if (!x->in_cell)
		return;
	int kind = c_level ? SO_C : x->capturing ? SO_K : SO_P;
	if (kind == SO_K)
		stream = RT_STDOUT;   /* a capture is of stdout */
	size_t len = so_make_line(x->line, kind, x->sid, so_next_seq(x->sid, kind));
	if (c_level) {
		rt_thread_set_op(x->t, stream == RT_STDOUT ? "write(1)" : "write(2)");
		tgt->c_write(stream, x->line, len);
	} else {
		rt_thread_set_op(x->t, stream == RT_STDOUT ? "print(stdout)" : "print(stderr)");
		tgt->write(stream, x->line, len);
	}
}

static void op_cap_begin(struct sx *x)
{
	if (!x->in_cell || x->capturing || !tgt->capture_begin || !tgt->capture_end)
		return;
	rt_thread_set_op(x->t, "capture begin");
	so_event(SO_EV_CAP_BEGIN, x->sid, x->load, x->cell);
	x->k_from = so_written(x->sid, SO_K);
	tgt->capture_begin(x->sid);
	x->capturing = 1;
}

static void op_log(struct sx *x)
{
	if (!tgt->server_log)
		return;
	rt_thread_set_op(x->t, "server log");
	size_t len = so_make_line(x->line, SO_L, 0, so_next_seq(0, SO_L));
	tgt->server_log(x->line, len);
	atomic_fetch_add(&rt_stats.ops[RT_ROLE_SERVER], 1);
}

/* Sleep in slices, making progress: an open page is not a stall. */
static void idle(struct sx *x, uint64_t ms)
{
	uint64_t end = rt_now_ns() + ms * 1000000ULL;
	rt_thread_set_op(x->t, "idle");
	while (!stopping()) {
		uint64_t now = rt_now_ns();
		if (now >= end)
			break;
		uint64_t slice = end - now < 10000000ULL ? end - now : 10000000ULL;
		rt_sched->sleep(x->t, slice);
		rt_thread_progress(x->t);
	}
}

/* ---- thread bodies ------------------------------------------------------------ */

static void reload_loop(struct sx *x)
{
	int can_c = tgt->c_write != NULL;
	while (!stopping()) {
		op_start(x);
		if (!x->started) {
			/* the page shows an error; the user reloads a bit later */
			idle(x, 1 + rt_rng_below(&x->rng, 2 * (uint32_t)ss->session_idle_ms + 1));
			continue;
		}
		for (int c = 0; c < ss->cells_per_session && !stopping(); c++) {
			op_enter(x);
			int cap_at = dice(x, ss->capture_pct)
					     ? (int)rt_rng_below(&x->rng, (uint32_t)ss->cell_prints)
					     : -1;
			for (int i = 0; i < ss->cell_prints; i++) {
				if (i == cap_at) {
					op_cap_begin(x);
					for (int k = 1 + (int)rt_rng_below(&x->rng, 3); k > 0; k--)
						op_write(x, 0, RT_STDOUT);
					op_cap_end(x);
				}
				int stream = dice(x, cfg->stderr_pct) ? RT_STDERR : RT_STDOUT;
				op_write(x, can_c && dice(x, ss->c_write_pct), stream);
				rt_sched_point(x->t, RT_EV_OP, NULL);
			}
			op_exit(x);
			rt_thread_progress(x->t);
		}
		if (ss->session_idle_ms)
			idle(x, rt_rng_below(&x->rng, 2 * (uint32_t)ss->session_idle_ms + 1));
		op_stop(x);
		rt_thread_progress(x->t);
	}
	op_stop(x);
}

static void server_loop(struct sx *x)
{
	while (!stopping()) {
		op_log(x);
		rt_thread_progress(x->t);
		rt_thread_set_op(x->t, "sleep");
		rt_sched->sleep(x->t, (uint64_t)ss->server_log_us * 1000ULL);
	}
}

static int wait_turn(int i)
{
	pthread_mutex_lock(&turn_mu);
	while (turn != i && !stopping()) {
		struct timespec ts = rt_deadline_in(CLOCK_REALTIME, 10000000ULL);
		pthread_cond_timedwait(&turn_cv, &turn_mu, &ts);
	}
	int mine = turn == i;
	pthread_mutex_unlock(&turn_mu);
	return mine;
}

static void pass_turn(void)
{
	pthread_mutex_lock(&turn_mu);
	turn++;
	pthread_cond_broadcast(&turn_cv);
	pthread_mutex_unlock(&turn_mu);
}

static void script_loop(struct sx *x)
{
	for (int i = 0; i < script.nsteps; i++) {
		const struct sc_step *s = &script.steps[i];
		if (s->actor != x->actor)
			continue;
		if (!wait_turn(i))
			break;
		switch (s->op) {
		case SC_START: op_start(x); break;
		case SC_STOP: op_stop(x); break;
		case SC_ENTER: op_enter(x); break;
		case SC_EXIT: op_exit(x); break;
		case SC_PRINT: op_write(x, 0, s->stream); break;
		case SC_CWRITE: op_write(x, tgt->c_write != NULL, s->stream); break;
		case SC_CAP_BEGIN: op_cap_begin(x); break;
		case SC_CAP_END: op_cap_end(x); break;
		case SC_LOG: op_log(x); break;
		case SC_END: op_stop(x); break;
		}
		rt_thread_progress(x->t);
		so_settle(nthr - atomic_load(&nfinished));
		pass_turn();
	}
}

static void *thread_main(void *arg)
{
	struct sx *x = arg;
	rt_registry_adopt(x->t);
	rt_sched->thread_start(x->t);
	if (scripted)
		script_loop(x);
	else if (x->sid < 0)
		server_loop(x);
	else
		reload_loop(x);
	rt_thread_set_op(x->t, "done");
	rt_thread_set_state(x->t, RT_TS_FINISHED);
	rt_sched->thread_exit(x->t);
	atomic_fetch_add(&nfinished, 1);
	return NULL;
}

static int spawn(int sid, int actor, const char *name, const char *role)
{
	struct sx *x = &sxs[nthr];
	memset(x, 0, sizeof *x);
	x->sid = sid;
	x->actor = actor;
	x->rng.s = rt_mix64(cfg->seed * 131 + (uint64_t)(sid + 7) * 977);
	x->line = rt_xmalloc((size_t)so_line_len() + 2);
	x->t = rt_registry_new(name, role);
	rt_sched->thread_created(x->t);
	if (pthread_create(&thr[nthr], NULL, thread_main, x) != 0) {
		rt_fdprintf(rt_err_fd(), "redirtorture: cannot start session thread %s\n", name);
		free(x->line);
		return -1;
	}
	nthr++;
	return 0;
}

/* ---- the run --------------------------------------------------------------------- */

int rt_session_run_begin(const struct rt_config *c, const struct rt_target_ops *t)
{
	cfg = c;
	ss = rt_session_settings(c);
	tgt = t;
	nthr = 0;
	turn = -1;   /* a script starts once every actor exists */
	scripted = 0;
	atomic_store(&stop_flag, 0);
	atomic_store(&nfinished, 0);
	so_init(c, t);
	char err[2048];
	if (ss->session_script[0]) {
		if (sc_load(ss->session_script, &script, err, sizeof err)) {
			rt_input_error(err);
			return RT_EXIT_BADINPUT;
		}
		scripted = 1;
		for (int a = 0; a < script.nactors; a++)
			so_set_label(a, script.actors[a]);
	}
	rt_hang_report_extra = so_hang_extra;
	if (rt_console_begin(err, sizeof err)) {
		rt_hang_report_extra = NULL;
		rt_fdprintf(rt_err_fd(), "redirtorture: target %s cannot start: %s\n", t->name, err);
		sc_free(&script);
		return RT_EXIT_NOSTART;
	}
	return 0;
}

int rt_sessions_start(void)
{
	so_baseline();
	char name[32];
	if (scripted) {
		for (int a = 0; a < script.nactors; a++) {
			int srv = a == script.server_actor;
			snprintf(name, sizeof name, srv ? "server" : "session-%s", script.actors[a]);
			if (spawn(srv ? -1 : a, a, name, srv ? "server" : "session"))
				return -1;
		}
		pass_turn();   /* -1 -> 0: go */
		return 0;
	}
	for (int s = 0; s < ss->sessions; s++) {
		snprintf(name, sizeof name, "session-%d", s);
		if (spawn(s, s, name, "session"))
			return -1;
	}
	if (ss->server_log_us > 0 && tgt->server_log && spawn(-1, -1, "server", "server"))
		return -1;
	return 0;
}

int rt_sessions_done(void)
{
	return (scripted && atomic_load(&nfinished) == nthr) || so_nostart();
}

void rt_sessions_stop_and_join(void)
{
	atomic_store(&stop_flag, 1);
	pthread_mutex_lock(&turn_mu);
	pthread_cond_broadcast(&turn_cv);
	pthread_mutex_unlock(&turn_mu);
	for (int i = 0; i < nthr; i++) {
		pthread_join(thr[i], NULL);
		free(sxs[i].line);
		sxs[i].line = NULL;
	}
	nthr = 0;
	rt_watchdog_phase("checking sessions");
	if (!so_nostart())
		so_after_sessions();
}

void rt_session_run_end(void)
{
	rt_hang_report_extra = NULL;
	rt_console_end();
	if (!so_nostart())
		so_final();
	sc_free(&script);
}

int rt_sessions_exit_code(int code) { return so_nostart() ? RT_EXIT_NOSTART : code; }
