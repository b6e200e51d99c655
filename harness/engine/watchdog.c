/* watchdog.c - stall detection and the hang report.
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
#include "commands/run.h"
#include "base/util.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct snap {
	struct rt_thread *t;
	char name[32], role[16];
	int state;
	uint64_t since, serial, progress;
	rt_lock *wait;
	/* read under t->mu, while the waiter cannot finish acquiring wait (and
	 * so cannot free it): wait itself may be freed once t->mu is dropped */
	const char *wait_cls;
	struct rt_thread *owner;
	struct rt_site wsite;
	const char *syscall, *op;
	char *note;
	struct rt_held *held;
	int nheld;
	int next;                   /* index of the thread it waits for, -1 */
};

static const struct rt_config *cfg;
void (*rt_hang_report_extra)(struct rt_buf *b);
static int hb_fd = -1;
static pthread_t wd_thread;
static pthread_mutex_t wd_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cv = PTHREAD_COND_INITIALIZER;
static int wd_stop, wd_started;
static const char *phase = "running";
static uint64_t phase_since;

void rt_watchdog_phase(const char *p)
{
	pthread_mutex_lock(&wd_mu);
	phase = p;
	phase_since = rt_now_ns();
	pthread_mutex_unlock(&wd_mu);
}

static int take_snapshot(struct snap **out)
{
	rt_registry_lock();   /* no reset while we read records */
	int n = rt_registry_count();
	struct snap *s = rt_xcalloc((size_t)n + 1, sizeof *s);
	for (int i = 0; i < n; i++) {
		struct rt_thread *t = rt_registry_get_locked(i);
		struct snap *x = &s[i];
		x->t = t;
		pthread_mutex_lock(&t->mu);
		snprintf(x->name, sizeof x->name, "%s", t->name);
		snprintf(x->role, sizeof x->role, "%s", t->role);
		x->state = atomic_load(&t->state);
		x->since = t->state_since_ns;
		x->serial = t->wait_serial;
		x->wait = t->waiting_for;
		x->wait_cls = x->wait ? rt_lock_class_name(x->wait) : NULL;
		x->owner = x->wait ? rt_lock_owner(x->wait) : NULL;
		x->wsite = t->wait_site;
		x->syscall = t->syscall;
		x->op = t->op;
		x->note = t->note ? rt_xstrdup(t->note) : NULL;
		x->nheld = t->nheld;
		x->held = rt_xmalloc((size_t)(t->nheld + 1) * sizeof *x->held);
		if (t->nheld)   /* t->held is NULL until the first lock: UB for memcpy */
			memcpy(x->held, t->held, (size_t)t->nheld * sizeof *x->held);
		pthread_mutex_unlock(&t->mu);
		x->progress = atomic_load(&t->progress);
		x->next = -1;
	}
	rt_registry_unlock();
	for (int i = 0; i < n; i++) {
		if (s[i].state != RT_TS_BLOCKED_LOCK || !s[i].wait)
			continue;
		struct rt_thread *o = s[i].owner;
		for (int j = 0; j < n && o; j++)
			if (s[j].t == o)
				s[i].next = j;
	}
	*out = s;
	return n;
}

static void free_snapshot(struct snap *s, int n)
{
	for (int i = 0; i < n; i++) {
		free(s[i].held);
		free(s[i].note);
	}
	free(s);
}

/* Finds a wait-for cycle; fills cyc[] (thread indices) and returns its length. */
static int find_cycle(const struct snap *s, int n, int *cyc)
{
	int *mark = rt_xcalloc((size_t)n + 1, sizeof *mark);
	int len = 0;
	for (int i = 0; i < n && !len; i++) {
		/* walk at most n steps from i; a revisit within this walk is a cycle */
		int c = i, steps = 0;
		while (c >= 0 && steps <= n && mark[c] != i + 1) {
			mark[c] = i + 1;
			c = s[c].next;
			steps++;
		}
		if (c >= 0 && mark[c] == i + 1) {
			int start = c;
			do {
				cyc[len++] = c;
				c = s[c].next;
			} while (c != start && len < n);
		}
	}
	free(mark);
	return len;
}

static void site_str(char *out, size_t n, struct rt_site st)
{
	if (!st.file)
		snprintf(out, n, "?");
	else
		snprintf(out, n, "%s:%d %s()", rt_basename(st.file), st.line, st.func);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int hang_report(struct snap *s, int n, const int *cyc, int clen, const char *why,
		       uint64_t now)
{
	int code = clen ? RT_EXIT_DEADLOCK : RT_EXIT_HANG;
	struct rt_buf b = { 0 };
	char s1[256], s2[256];
	double el = (double)(now - rt_run_start_ns()) / 1e9;
	rt_buf_printf(&b, "\n======================================================\n");
	if (clen == 1)
		rt_buf_printf(&b, "DEADLOCK: a thread waits for a lock it holds itself; %s\n",
			      rt_report_context());
	else if (clen)
		rt_buf_printf(&b, "DEADLOCK: %d threads wait for each other in a cycle; %s\n", clen,
			      rt_report_context());
	else
		rt_buf_printf(&b, "HANG: threads stopped making progress, no lock cycle; %s\n",
			      rt_report_context());
	rt_buf_printf(&b, "------------------------------------------------------\n"
			  "%s; %.2f s into the run\n\n", why, el);
	char **keys = rt_xcalloc((size_t)n + 1, sizeof *keys);
	int nkeys = 0;
	if (clen) {
		rt_buf_printf(&b, "wait-for cycle:\n");
		for (int i = 0; i < clen; i++) {
			const struct snap *x = &s[cyc[i]];
			site_str(s1, sizeof s1, x->wsite);
			rt_buf_printf(&b, "  %s [%s] waits for %s (at %s), held by %s\n", x->name, x->role,
				      x->wait_cls, s1, s[x->next].name);
			struct rt_buf k = { 0 };
			rt_buf_printf(&k, "%s@%s:%d %s", x->wait_cls,
				      rt_basename(x->wsite.file), x->wsite.line, x->wsite.func);
			keys[nkeys++] = k.p;
		}
		rt_buf_printf(&b, "\n");
	}
	int shown = 0;
	for (int i = 0; i < n; i++)
		shown += s[i].state != RT_TS_FINISHED;
	rt_buf_printf(&b, "threads (%d live of %d):\n", shown, n);
	for (int i = 0; i < n; i++) {
		const struct snap *x = &s[i];
		if (x->state == RT_TS_FINISHED)
			continue;
		rt_buf_printf(&b, "  %s [%s] %s", x->name, x->role, rt_tstate_name(x->state));
		if (x->state == RT_TS_BLOCKED_LOCK && x->wait)
			rt_buf_printf(&b, " %s", x->wait_cls);
		if ((x->state == RT_TS_BLOCKED_SYSCALL || x->state == RT_TS_SLEEPING) && x->syscall)
			rt_buf_printf(&b, " %s%s", x->state == RT_TS_SLEEPING ? "in " : "", x->syscall);
		rt_buf_printf(&b, " for %.2f s; op %s; progress %" PRIu64 "\n",
			      (double)(now - x->since) / 1e9, x->op ? x->op : "-", x->progress);
		for (int h = 0; h < x->nheld; h++) {
			site_str(s1, sizeof s1, x->held[h].site);
			rt_buf_printf(&b, "      holds %-28s taken at %s, %.2f s ago%s\n",
				      rt_lock_class_name(x->held[h].lock), s1,
				      (double)(now - x->held[h].since_ns) / 1e9,
				      x->held[h].reentry ? " (re-entry)" : "");
		}
		if (x->state == RT_TS_BLOCKED_LOCK && x->wait) {
			site_str(s1, sizeof s1, x->wsite);
			struct rt_thread *o = x->owner;
			snprintf(s2, sizeof s2, "%s", o ? o->name : "nobody (being released)");
			rt_buf_printf(&b, "      waits %-28s at %s; owner %s\n", x->wait_cls,
				      s1, s2);
		}
		if (x->state == RT_TS_BLOCKED_SYSCALL) {
			site_str(s1, sizeof s1, x->wsite);
			rt_buf_printf(&b, "      in    %-28s at %s\n", x->syscall ? x->syscall : "?", s1);
		}
		if (x->note)   /* e.g. the Python stack: indented under the thread */
			rt_buf_indent(&b, "      | ", x->note);
		if (!clen && (x->state == RT_TS_BLOCKED_LOCK || x->state == RT_TS_BLOCKED_SYSCALL)) {
			struct rt_buf k = { 0 };
			rt_buf_printf(&k, "%s@%s:%d %s",
				      x->state == RT_TS_BLOCKED_LOCK ? x->wait_cls
								     : (x->syscall ? x->syscall : "?"),
				      rt_basename(x->wsite.file), x->wsite.line, x->wsite.func);
			keys[nkeys++] = k.p;
		}
	}
	if (rt_hang_report_extra)
		rt_hang_report_extra(&b);
	/* signature: the sorted, de-duplicated set of wait sites: no times,
	 * no thread names, no counts */
	qsort(keys, (size_t)nkeys, sizeof *keys, cmp_str);
	struct rt_buf canon = { 0 };
	for (int i = 0; i < nkeys; i++) {
		if (i && !strcmp(keys[i], keys[i - 1]))
			continue;
		rt_buf_printf(&canon, "%s%s", canon.len ? " | " : "", keys[i]);
	}
	if (!nkeys)
		rt_buf_printf(&canon, "no blocked thread (%s)", why);
	char sig[16384];
	rt_signature(sig, sizeof sig, clen ? "DEADLOCK" : "HANG", canon.p);
	rt_buf_printf(&b, "\nsignature: %s\nreplay: %s\n", sig, rt_report_replay());
	char title[600];
	snprintf(title, sizeof title, "%s: %s", clen ? "deadlock" : "hang", canon.p);
	rt_std_fds_restore();   /* a target may have left fd 1/2 on a pipe */
	rt_report_finding(code, clen ? "deadlock" : "hang", title, sig, b.p);
	for (int i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	rt_buf_free(&canon);
	rt_buf_free(&b);
	return code;
}

int rt_hang_report_now(const char *why)
{
	struct snap *s;
	int n = take_snapshot(&s);
	int *cyc = rt_xcalloc((size_t)n + 1, sizeof *cyc);
	int clen = find_cycle(s, n, cyc);
	int code = hang_report(s, n, cyc, clen, why, rt_now_ns());
	free(cyc);
	free_snapshot(s, n);
	return code;
}

/* Same cycle, same waits (serials) in a second snapshot: the cycle is real,
 * not an artifact of reading records at slightly different times. */
static int confirm(const struct snap *a, int na, const int *cyc, int clen)
{
	rt_sleep_ns(20 * 1000000ULL);
	struct snap *b;
	int nb = take_snapshot(&b);
	int ok = nb >= na;
	for (int i = 0; ok && i < clen; i++) {
		const struct snap *x = &a[cyc[i]], *y = &b[cyc[i]];
		ok = y->state == x->state && y->serial == x->serial && y->next == x->next &&
		     y->progress == x->progress;
	}
	free_snapshot(b, nb);
	return ok;
}

static void progress_line(uint64_t now, uint64_t *last_ops, uint64_t *last_t, int tty)
{
	double dt = (double)(now - *last_t) / 1e9;
	if (dt <= 0)
		return;
	struct rt_buf b = { 0 };
	rt_buf_printf(&b, "%s[%6.1fs]", tty ? "\r" : "", (double)(now - rt_run_start_ns()) / 1e9);
	for (int r = 0; r < RT_NROLES; r++) {
		uint64_t v = atomic_load(&rt_stats.ops[r]);
		rt_buf_printf(&b, " %s %.0f/s", rt_role_names[r], (double)(v - last_ops[r]) / dt);
		last_ops[r] = v;
	}
	rt_buf_printf(&b, " | findings %d%s", rt_report_nfindings(), tty ? "   " : "\n");
	rt_write_all(rt_err_fd(), b.p, b.len);
	rt_buf_free(&b);
	*last_t = now;
}

static void *wd_main(void *arg)
{
	(void)arg;
	uint64_t stall = (uint64_t)cfg->stall_timeout_ms * 1000000ULL;
	uint64_t tick = stall / 5 < 100000000ULL ? stall / 5 : 100000000ULL;
	uint64_t last_sum = UINT64_MAX, last_change = rt_now_ns();
	/* per thread id: last progress value and when it changed */
	uint64_t *pval = NULL, *ptime = NULL;
	int npt = 0;
	int tty = isatty(rt_err_fd());
	uint64_t period = tty ? 250000000ULL : (uint64_t)cfg->progress_ms * 1000000ULL;
	uint64_t last_ops[RT_NROLES] = { 0 }, last_prog = rt_now_ns();
	pthread_mutex_lock(&wd_mu);
	while (!wd_stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t ns = (uint64_t)ts.tv_nsec + tick;
		ts.tv_sec += (time_t)(ns / 1000000000ULL);
		ts.tv_nsec = (long)(ns % 1000000000ULL);
		pthread_cond_timedwait(&wd_cv, &wd_mu, &ts);
		if (wd_stop)
			break;
		const char *ph = phase;
		uint64_t ph_since = phase_since;
		pthread_mutex_unlock(&wd_mu);

		if (hb_fd >= 0 && write(hb_fd, "h", 1) < 0 && errno != EAGAIN)
			hb_fd = -1;
		uint64_t now = rt_now_ns();
		if (period && now - last_prog >= period)
			progress_line(now, last_ops, &last_prog, tty);

		struct snap *s;
		int n = take_snapshot(&s);
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
		if (in_run && live && no_progress)
			snprintf(why, sizeof why, "no progress for %.2f s (stall timeout %" PRId64 " ms)",
				 (double)(now - last_change) / 1e9, cfg->stall_timeout_ms);
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
				 s[i].name, (double)(now - s[i].since) / 1e9, cfg->stall_timeout_ms);
		}
		if (!why[0] && !in_run && no_progress && now - ph_since >= stall)
			snprintf(why, sizeof why, "%s for %.2f s (stall timeout %" PRId64 " ms)", ph,
				 (double)(now - ph_since) / 1e9, cfg->stall_timeout_ms);
		if (why[0]) {
			int *cyc = rt_xcalloc((size_t)n + 1, sizeof *cyc);
			int clen = find_cycle(s, n, cyc);
			if (!clen || confirm(s, n, cyc, clen)) {
				if (tty)
					rt_write_all(rt_err_fd(), "\n", 1);
				rt_run_emergency_exit(hang_report(s, n, cyc, clen, why, now));
			}
			free(cyc);
		}
		free_snapshot(s, n);
		pthread_mutex_lock(&wd_mu);
	}
	pthread_mutex_unlock(&wd_mu);
	free(pval);
	free(ptime);
	if (tty && period)
		rt_write_all(rt_err_fd(), "\n", 1);
	return NULL;
}

void rt_watchdog_start(const struct rt_config *c, int heartbeat_fd)
{
	cfg = c;
	hb_fd = heartbeat_fd;
	wd_stop = 0;
	phase = "running";
	phase_since = rt_now_ns();
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
