/* SPDX-License-Identifier: Apache-2.0 */
/* watchdog.c - stall detection; the report itself is hangreport.c.
 *
 * A stall is: no driver progress for stall_timeout_ms while drivers run, or
 * one thread blocked on the same lock / syscall for that long, or a shutdown
 * phase that takes that long.  The report names the wait-for cycle if there
 * is one (DEADLOCK), else the blocked threads (HANG). */
#include "engine/watchdog.h"

#include "engine/drivers.h"
#include "runtime/lockgraph.h"
#include "runtime/registry.h"
#include "base/report.h"
#include "engine/hangreport.h"
#include "engine/settle.h"
#include "base/util.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct rt_watchdog_params p;
static int hb_fd = -1;

/* One heartbeat to the supervisor (watchdog thread only). */
static void beat(void)
{
	hb_fd = rt_heartbeat(hb_fd);
}
static pthread_t wd_thread;
static pthread_mutex_t wd_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cv = PTHREAD_COND_INITIALIZER;
static int wd_stop, wd_started;
static const char *phase = "running";
static uint64_t phase_since, phase_budget;   /* budget 0: no limit */
static _Atomic uint64_t run_end_ns;          /* 0: start + duration */

void rt_watchdog_run_ends(uint64_t end_ns) { atomic_store(&run_end_ns, end_ns); }

void rt_watchdog_phase_budget(const char *ph, uint64_t budget_ms)
{
	pthread_mutex_lock(&wd_mu);
	phase = ph;
	phase_since = rt_now_ns();
	phase_budget = budget_ms * 1000000ULL;
	pthread_mutex_unlock(&wd_mu);
}

void rt_watchdog_phase(const char *ph)
{
	rt_watchdog_phase_budget(ph, p.cfg ? (uint64_t)p.cfg->stall_timeout_ms : 1000);
}

/* Roles active in this run: a thread of the role exists (drivers, session
 * threads: workers > 0), or for finalizers, the scenario makes garbage. */
static void active_roles(int on[RT_NROLES])
{
	for (int r = 0; r < RT_NROLES; r++)
		on[r] = r == RT_ROLE_FINALIZER && p.cfg->finalizer_every > 0;
	rt_registry_lock();
	for (int i = 0; rt_registry_get_locked(i); i++)
		for (int r = 0; r < RT_NROLES; r++)
			on[r] |= !strcmp(rt_registry_get_locked(i)->role, rt_role_names[r]);
	rt_registry_unlock();
}

/* One status line: elapsed, time left (or the phase after the drivers
 * stopped), the rate of each active role, findings so far.  On a terminal
 * it rewrites itself (\r, then ESC[K clears what a longer line left);
 * elsewhere it is a plain line per period. */
static void progress_line(uint64_t now, uint64_t *last_ops, uint64_t *last_t, int tty,
			  const char *ph)
{
	double dt = (double)(now - *last_t) / 1e9;
	if (dt <= 0)
		return;
	uint64_t end = atomic_load(&run_end_ns);
	if (!end)
		end = p.start_ns + (uint64_t)p.cfg->duration_ms * 1000000ULL;
	struct rt_buf b = { 0 };
	rt_buf_printf(&b, "%s[%6.1fs, ", tty ? "\r" : "", (double)(now - p.start_ns) / 1e9);
	if (strcmp(ph, "running"))
		rt_buf_printf(&b, "%s]", ph);
	else
		rt_buf_printf(&b, "%.1fs left]", end > now ? (double)(end - now) / 1e9 : 0.0);
	int on[RT_NROLES];
	active_roles(on);
	for (int r = 0; r < RT_NROLES; r++) {
		uint64_t v = atomic_load(&rt_stats.ops[r]);
		if (on[r])
			rt_buf_printf(&b, " %s %.0f/s", rt_role_names[r],
				      (double)(v - last_ops[r]) / dt);
		last_ops[r] = v;
	}
	rt_buf_printf(&b, " | findings %d%s", rt_report_nfindings(), tty ? "\033[K" : "\n");
	rt_write_all(rt_err_fd(), b.p, b.len);
	rt_buf_free(&b);
	*last_t = now;
}

/* How long a stall verdict may wait for the picture to settle: twice the
 * stall timeout, at least 0.5 s (a thread descheduled on a loaded machine),
 * at most 5 s. */
static uint64_t settle_budget(uint64_t stall)
{
	uint64_t b = 2 * stall;
	return b < 500000000ULL ? 500000000ULL : b > 5000000000ULL ? 5000000000ULL : b;
}

/* Report a stall (why) or all threads asleep (Go's "all goroutines are
 * asleep": at once, no timeout), with the lock cycle if there is one, else
 * the cycle through notify waits inferred from who notified them before;
 * each confirmed by a second snapshot.  Does not return if it reports. */
static void report(struct rt_snap *s, int n, char *why, uint64_t now, int tty, int all)
{
	struct rt_settle v = { 0 };
	if (why[0]) {
		/* a verdict only from a settled picture (settle.c): a thread
		 * between two acquires is no HANG, a busy lock no stall */
		if (rt_stall_settle(s, n, all, settle_budget((uint64_t)p.cfg->stall_timeout_ms * 1000000ULL),
				    beat, &v) == RT_SETTLE_MOVED) {
			why[0] = 0;
			return;
		}
		s = v.snap;
		n = v.n;
		now = rt_now_ns();
	}
	int *cyc = rt_xcalloc((size_t)n + 1, sizeof *cyc);
	unsigned how = 0;
	int clen = 0, ok;
	if (!why[0]) {
		int live = 0;
		for (int i = 0; i < n; i++)
			live += s[i].state != RT_TS_FINISHED;
		snprintf(why, 256, "%s %d live thread%s asleep for good (no timeout left to expire)",
			 live == 1 ? "the" : "all", live, live == 1 ? " is" : "s are");
		clen = rt_snapshot_inferred_cycle(s, n, 1, cyc);
		ok = rt_snapshot_confirm_inferred(s, n, 1, clen);
		int lock_cycle = rt_snapshot_cycle(s, n, cyc);
		if (lock_cycle)      /* a lock cycle among them: the plain DEADLOCK report */
			clen = lock_cycle;
		else
			how = RT_HANG_ASLEEP;
		if (!lock_cycle)
			rt_snapshot_inferred_cycle(s, n, 1, cyc);
	} else if ((clen = rt_snapshot_cycle(s, n, cyc))) {
		ok = rt_snapshot_confirm(s, n, cyc, clen);
	} else if (p.infer_waits && (clen = rt_snapshot_inferred_cycle(s, n, 0, cyc))) {
		how = RT_HANG_INFERRED;
		ok = rt_snapshot_confirm_inferred(s, n, 0, clen);
	} else {
		ok = 1;
	}
	for (int i = 0; i < clen; i++)
		if (s[cyc[i]].state == RT_TS_WAITING_NOTIFY)
			how |= RT_HANG_INFERRED;
	if (ok) {
		/* settling took up to its budget: the report (every thread's
		 * stacks, symbolized) gets the supervisor's whole grace again */
		beat();
		if (tty)
			rt_write_all(rt_err_fd(), "\n", 1);
		int code = rt_hang_report(s, n, cyc, clen, how, why, now, p.start_ns);
		beat();   /* and the summary and JSON report after it, too */
		p.fatal(code);
	}
	free(cyc);
	rt_settle_free(&v);
	why[0] = 0;
}

/* Waits ns or until stopped, wd_mu held, reading the clock at least
 * every 10 ms: that keeps the process's coarse tick (base/util.h), the age
 * stamp of held locks, within 10 ms while nothing else reads the clock. */
static void wd_wait(uint64_t ns)
{
	uint64_t end = rt_now_ns() + ns, now;
	while (!wd_stop && (now = rt_now_ns()) < end) {
		struct timespec ts = rt_deadline_in(CLOCK_REALTIME, end - now < 10000000ULL ? end - now
										 : 10000000ULL);
		pthread_cond_timedwait(&wd_cv, &wd_mu, &ts);
	}
}

static void *wd_main(void *arg)
{
	(void)arg;
	uint64_t stall = (uint64_t)p.cfg->stall_timeout_ms * 1000000ULL;
	uint64_t tick = stall / 5 < 100000000ULL ? stall / 5 : 100000000ULL;
	uint64_t last_sum = UINT64_MAX, last_change = rt_now_ns();
	/* per thread id: last progress value and when it changed */
	uint64_t *pval = NULL, *ptime = NULL;
	int npt = 0;
	int tty = isatty(rt_err_fd());
	uint64_t period = !p.cfg->progress_ms || p.no_progress ? 0 : tty ? 250000000ULL
				   : (uint64_t)p.cfg->progress_ms * 1000000ULL;
	uint64_t last_ops[RT_NROLES] = { 0 }, last_prog = rt_now_ns();
	pthread_mutex_lock(&wd_mu);
	while (!wd_stop) {
		wd_wait(tick);
		if (wd_stop)
			break;
		const char *ph = phase;
		uint64_t ph_since = phase_since, ph_budget = phase_budget;
		pthread_mutex_unlock(&wd_mu);

		beat();
		uint64_t now = rt_now_ns();
		if (period && now - last_prog >= period)
			progress_line(now, last_ops, &last_prog, tty, ph);

		struct rt_snap *s;
		int n = rt_snapshot_take(&s);
		/* Re-read the clock after the snapshot: a thread may change state
		 * (stamping state_since_ns) between the read above and the snapshot,
		 * and now - since would wrap to ~1.8e10 s: a false HANG. */
		now = rt_now_ns();
		uint64_t sum = 0;
		int live = 0;
		for (int i = 0; i < n; i++) {
			sum += s[i].progress;
			live += s[i].state != RT_TS_FINISHED;
		}
		if (sum != last_sum) {
			last_sum = sum;
			last_change = now;
		}
		char why[256] = "";
		int in_run = !strcmp(ph, "running");
		int no_progress = now - last_change >= stall;
		if (in_run && live && no_progress && !p.idle_ok)
			snprintf(why, sizeof why, "no progress for %.2f s (stall timeout %" PRId64 " ms)",
				 (double)(now - last_change) / 1e9, p.cfg->stall_timeout_ms);
		if (n > npt) {
			pval = rt_xrealloc(pval, (size_t)n * sizeof *pval);
			ptime = rt_xrealloc(ptime, (size_t)n * sizeof *ptime);
			for (int i = npt; i < n; i++) {
				pval[i] = UINT64_MAX;
				ptime[i] = now;
			}
			npt = n;
		}
		for (int i = 0; i < n; i++)
			if (s[i].progress != pval[i]) {
				pval[i] = s[i].progress;
				ptime[i] = now;
			}
		for (int i = 0; i < n && !why[0]; i++) {
			if ((s[i].state != RT_TS_BLOCKED_LOCK && s[i].state != RT_TS_BLOCKED_SYSCALL) ||
			    now - s[i].since < stall)
				continue;
			/* A lock whose owner is making progress is starvation, not a
			 * hang: the owner (and so the lock) keeps moving. */
			int o = s[i].next;
			if (s[i].state == RT_TS_BLOCKED_LOCK && o >= 0 && o != i &&
			    now - ptime[o] < stall)
				continue;
			snprintf(why, sizeof why, "%s blocked for %.2f s (stall timeout %" PRId64 " ms)",
				 s[i].name, (double)(now - s[i].since) / 1e9, p.cfg->stall_timeout_ms);
		}
		if (!why[0] && !in_run && no_progress && ph_budget && now - ph_since >= ph_budget)
			snprintf(why, sizeof why, "%s for %.2f s (budget of this phase %.2f s)", ph,
				 (double)(now - ph_since) / 1e9, (double)ph_budget / 1e9);
		if (!why[0] && in_run && p.deadline_ns && now > p.deadline_ns)
			snprintf(why, sizeof why, "still running after the time limit of %.1f s "
				 "(duration_ms)", (double)(p.deadline_ns - p.start_ns) / 1e9);
		if (!why[0] && in_run && p.infer_waits)
			rt_stall_cycle_why(s, n, now, stall, why, sizeof why);
		if (why[0] || (p.infer_waits && rt_snapshot_all_asleep(s, n)))
			report(s, n, why, now, tty, !in_run || no_progress);
		rt_snapshot_free(s, n);
		pthread_mutex_lock(&wd_mu);
	}
	pthread_mutex_unlock(&wd_mu);
	free(pval);
	free(ptime);
	if (tty && period)
		rt_write_all(rt_err_fd(), "\n", 1);
	return NULL;
}

void rt_watchdog_start(const struct rt_watchdog_params *params)
{
	p = *params;
	hb_fd = p.heartbeat_fd;
	wd_stop = 0;
	phase = "running";
	phase_since = rt_now_ns();
	phase_budget = (uint64_t)p.cfg->stall_timeout_ms * 1000000ULL;
	atomic_store(&run_end_ns, 0);
	if (pthread_create(&wd_thread, NULL, wd_main, NULL) != 0)
		rt_die("cannot start the watchdog thread");
	wd_started = 1;
}

void rt_watchdog_stop(void)
{
	if (!wd_started)
		return;
	pthread_mutex_lock(&wd_mu);
	wd_stop = 1;
	pthread_cond_signal(&wd_cv);
	pthread_mutex_unlock(&wd_mu);
	pthread_join(wd_thread, NULL);
	wd_started = 0;
}
