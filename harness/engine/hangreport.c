/* SPDX-License-Identifier: Apache-2.0 */
/* hangreport.c - the DEADLOCK / HANG report from a snapshot of every
 * thread's record: the wait-for cycle if there is one (DEADLOCK), else the
 * blocked threads (HANG), each with held and awaited locks and sites. */
#include "engine/hangreport.h"
#include "runtime/langstack.h"
#include "runtime/lockgraph.h"
#include "runtime/site.h"

#include "engine/drivers.h"
#include "engine/hangjson.h"
#include "base/json.h"
#include "base/nativestack.h"
#include "base/report.h"
#include "base/signature.h"
#include "base/util.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

void (*rt_hang_report_extra)(struct rt_buf *b);
void (*rt_hang_lang_stacks)(const pid_t *tids, int n, struct rt_stack **out);
void (*rt_hang_fiber_stacks)(const struct rt_snap *s, int n, struct rt_native_stack *ns);

/* lang[i]: the language runtime's stack of live thread i, taken now, when it
 * has none recorded (nor a note). */
static struct rt_stack **lang_stacks(const struct rt_snap *s, int n)
{
	struct rt_stack **lang = rt_xcalloc((size_t)n + 1, sizeof *lang);
	if (!rt_hang_lang_stacks)
		return lang;
	pid_t *tids = rt_xcalloc((size_t)n + 1, sizeof *tids);
	int *at = rt_xcalloc((size_t)n + 1, sizeof *at), m = 0;
	for (int i = 0; i < n; i++)
		if (s[i].state != RT_TS_FINISHED && s[i].tid && !s[i].note && !s[i].stack) {
			tids[m] = s[i].tid;
			at[m++] = i;
		}
	struct rt_stack **out = rt_xcalloc((size_t)m + 1, sizeof *out);
	if (m)
		rt_hang_lang_stacks(tids, m, out);
	for (int k = 0; k < m; k++)
		lang[at[k]] = out[k];
	free(out);
	free(at);
	free(tids);
	return lang;
}

int rt_snapshot_take(struct rt_snap **out)
{
	rt_registry_lock();   /* no reset while we read records */
	int n = rt_registry_count();
	struct rt_snap *s = rt_xcalloc((size_t)n + 1, sizeof *s);
	for (int i = 0; i < n; i++) {
		struct rt_thread *t = rt_registry_get_locked(i);
		struct rt_snap *x = &s[i];
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
		x->wait_ext = x->wait ? rt_lock_is_external(x->wait) : 0;
		x->wsite = t->wait_site;
		x->syscall = t->syscall;
		x->tid = t->tid;
		x->notify_on = t->notify_on;
		x->notify_deadline = t->notify_deadline_ns;
		x->op = t->op;
		x->note = t->note ? rt_xstrdup(t->note) : NULL;
		x->stack = rt_stack_dup(t->stack);
		x->wait_deadline = t->wait_deadline_ns;
		x->idle = t->idle;
		x->nnotified = t->nnotified;
		x->notified = rt_xmalloc((size_t)(t->nnotified + 1) * sizeof *x->notified);
		if (t->nnotified)
			memcpy(x->notified, t->notified, (size_t)t->nnotified * sizeof *x->notified);
		int cap = 0;   /* one version of the list its owner writes alone */
		x->held = NULL;
		x->nheld = rt_held_copy(t, &x->held, &cap);
		pthread_mutex_unlock(&t->mu);
		x->progress = atomic_load(&t->progress);
		x->harness_work = atomic_load(&t->harness_work) > 0;
		x->next = x->inext = -1;
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

void rt_snapshot_free(struct rt_snap *s, int n)
{
	for (int i = 0; i < n; i++) {
		free(s[i].held);
		free(s[i].notified);
		free(s[i].note);
		free(s[i].stack);
	}
	free(s);
}

/* A cycle of the graph i -> next[i]; fills cyc[] and returns its length. */
static int find_cycle(const struct rt_snap *s, int n, int inferred, int *cyc);

int rt_snapshot_cycle(const struct rt_snap *s, int n, int *cyc)
{
	return find_cycle(s, n, 0, cyc);
}

static int find_cycle(const struct rt_snap *s, int n, int inferred, int *cyc)
{
#define NEXT(c) (inferred ? s[c].inext : s[c].next)
	int *mark = rt_xcalloc((size_t)n + 1, sizeof *mark);
	int len = 0;
	for (int i = 0; i < n && !len; i++) {
		/* walk at most n steps from i; a revisit within this walk is a cycle */
		int c = i, steps = 0;
		while (c >= 0 && steps <= n && mark[c] != i + 1) {
			mark[c] = i + 1;
			c = NEXT(c);
			steps++;
		}
		if (c >= 0 && mark[c] == i + 1) {
			int start = c;
			do {
				cyc[len++] = c;
				c = NEXT(c);
			} while (c != start && len < n);
		}
	}
	free(mark);
	return len;
#undef NEXT
}

/* The kernel's view of a thread that sleeps there: "pipe_write, in
 * write(fd 5)" from /proc/self/task/TID/wchan and .../syscall; 0 (nothing
 * written) if it is running, gone, or /proc does not say. */
static int kernel_view(int tid, char *out, size_t n)
{
	char path[64], wchan[64] = "", sc[256] = "";
	snprintf(path, sizeof path, "/proc/self/task/%d/wchan", tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(wchan, sizeof wchan, f))
		wchan[0] = 0;
	fclose(f);
	wchan[strcspn(wchan, "\n")] = 0;
	if (!wchan[0] || !strcmp(wchan, "0"))
		return 0;
	snprintf(path, sizeof path, "/proc/self/task/%d/syscall", tid);
	if ((f = fopen(path, "r"))) {
		if (!fgets(sc, sizeof sc, f))
			sc[0] = 0;
		fclose(f);
	}
	static const struct { long nr; const char *name; int fd; } calls[] = {
		{ SYS_read, "read", 1 }, { SYS_write, "write", 1 }, { SYS_futex, "futex", 0 },
		{ SYS_ppoll, "ppoll", 0 }, { SYS_pselect6, "pselect6", 0 },
		{ SYS_epoll_pwait, "epoll_pwait", 1 }, { SYS_clock_nanosleep, "clock_nanosleep", 0 },
		{ SYS_readv, "readv", 1 }, { SYS_writev, "writev", 1 }, { SYS_wait4, "wait4", 0 },
#ifdef SYS_poll
		{ SYS_poll, "poll", 0 }, { SYS_select, "select", 0 }, { SYS_nanosleep, "nanosleep", 0 },
		{ SYS_epoll_wait, "epoll_wait", 1 },
#endif
	};
	long nr = -1;
	unsigned long long a0 = 0;
	int got = sscanf(sc, "%ld 0x%llx", &nr, &a0);
	const char *name = NULL;
	int fd = 0;
	for (size_t i = 0; got >= 1 && i < sizeof calls / sizeof calls[0]; i++)
		if (calls[i].nr == nr) {
			name = calls[i].name;
			fd = calls[i].fd && got == 2;
		}
	if (name && fd)
		snprintf(out, n, "%s, in %s(fd %llu)", wchan, name, a0);
	else if (name)
		snprintf(out, n, "%s, in %s", wchan, name);
	else if (got >= 1 && nr >= 0)
		snprintf(out, n, "%s, in syscall %ld", wchan, nr);
	else
		snprintf(out, n, "%s", wchan);
	return 1;
}

/* ---- inferred edges through notify waits -------------------------------- */

/* Blocked with no timeout to end it: a lock somebody holds (a lock without
 * owner is being handed over: a waiter is about to get it, however long a
 * loaded machine takes to run it), an untimed notify wait. */
static int blocked_for_good(const struct rt_snap *x)
{
	return (x->state == RT_TS_BLOCKED_LOCK && x->wait && x->owner && !x->wait_deadline) ||
	       (x->state == RT_TS_WAITING_NOTIFY && !x->notify_deadline);
}

static int has_notified(const struct rt_snap *x, const char *what)
{
	for (int k = 0; k < x->nnotified; k++)
		if (x->notified[k] == what)   /* names are interned: a class is a pointer */
			return 1;
	return 0;
}

/* j notified i's condition class before: a candidate to end i's wait. */
static int notifier_of(const struct rt_snap *s, int i, int j)
{
	return j != i && s[i].state == RT_TS_WAITING_NOTIFY && s[i].notify_on &&
	       has_notified(&s[j], s[i].notify_on);
}

static int is_driver(const char *role)
{
	for (int r = 0; r < RT_NROLES; r++)
		if (!strcmp(role, rt_role_names[r]))
			return 1;
	return 0;
}

int rt_snapshot_all_asleep(const struct rt_snap *s, int n)
{
	int driver = 0;
	for (int i = 0; i < n; i++) {
		const struct rt_snap *x = &s[i];
		if (x->state == RT_TS_FINISHED || (x->idle && x->state == RT_TS_SLEEPING))
			continue;
		if (!blocked_for_good(x))
			return 0;
		driver |= is_driver(x->role);
	}
	return driver;
}

/* One pass of a greatest fixpoint.  stuck: in[i] stays 1 while i can only
 * be woken by threads in `in` (or finished ones, which never will).
 * !stuck (on the stuck set): drop i if none of its wakers is in `in` (a
 * dead end, on no cycle). */
static int prune(const struct rt_snap *s, int n, char *in, int all_asleep, int stuck)
{
	int changed = 0;
	for (int i = 0; i < n; i++) {
		if (!in[i])
			continue;
		int keep = 1, succ = 0, any = 0;
		if (s[i].state == RT_TS_BLOCKED_LOCK) {
			int o = s[i].next;
			keep = o >= 0 && (in[o] || s[o].state == RT_TS_FINISHED);
			succ = o >= 0 && in[o];
		} else {
			for (int j = 0; j < n; j++) {
				if (!notifier_of(s, i, j))
					continue;
				any = 1;
				succ |= in[j];
				keep &= in[j] || s[j].state == RT_TS_FINISHED;
			}
			keep = keep && (any || all_asleep);
		}
		if (stuck ? !keep : !succ) {
			in[i] = 0;
			changed = 1;
		}
	}
	return changed;
}

int rt_snapshot_inferred_cycle(struct rt_snap *s, int n, int all_asleep, int *cyc)
{
	char *in = rt_xcalloc((size_t)n + 1, 1);
	for (int i = 0; i < n; i++) {
		in[i] = (char)blocked_for_good(&s[i]);
		s[i].inext = -1;
	}
	while (prune(s, n, in, all_asleep, 1))
		;
	while (prune(s, n, in, all_asleep, 0))   /* only threads that lead on to a cycle */
		;
	for (int i = 0; i < n; i++) {
		if (!in[i])
			continue;
		if (s[i].state == RT_TS_BLOCKED_LOCK)
			s[i].inext = s[i].next;
		for (int j = 0; j < n && s[i].inext < 0; j++)
			if (in[j] && notifier_of(s, i, j))
				s[i].inext = j;
	}
	free(in);
	return find_cycle(s, n, 1, cyc);
}

int rt_snapshot_confirm_inferred(const struct rt_snap *a, int na, int all_asleep, int clen)
{
	rt_sleep_ns(20 * 1000000ULL);
	struct rt_snap *b;
	int nb = rt_snapshot_take(&b);
	int *cyc = rt_xcalloc((size_t)nb + 1, sizeof *cyc);
	int ok = nb >= na && (!all_asleep || rt_snapshot_all_asleep(b, nb)) &&
		 rt_snapshot_inferred_cycle(b, nb, all_asleep, cyc) == clen;
	for (int i = 0; ok && i < na; i++) {
		const struct rt_snap *x = &a[i], *y = &b[i];
		if (blocked_for_good(x) || (all_asleep && x->state != RT_TS_FINISHED))
			ok = y->state == x->state && y->serial == x->serial &&
			     y->progress == x->progress && y->inext == x->inext;
	}
	free(cyc);
	rt_snapshot_free(b, nb);
	return ok;
}

/* "blocked on lock X", "waits for notify on Y", ...: what x does now. */
static void doing_str(char *out, size_t n, const struct rt_snap *x)
{
	if (x->state == RT_TS_BLOCKED_LOCK && x->wait)
		snprintf(out, n, "blocked on lock %s", x->wait_cls);
	else if (x->state == RT_TS_WAITING_NOTIFY)
		snprintf(out, n, "waits for notify on %s", x->notify_on ? x->notify_on : "?");
	else
		snprintf(out, n, "%s", rt_tstate_name(x->state));
}

/* The cycle's line for x; with inferred edges, x's notify wait names the
 * evidence: who notified that condition before, and what each does now. */
static void cycle_line(struct rt_buf *b, const struct rt_snap *s, int n, const struct rt_snap *x,
		       int inferred)
{
	char at[256], what[512];
	rt_site_str(at, sizeof at, x->wsite);
	int nx = inferred ? x->inext : x->next;
	if (x->state != RT_TS_WAITING_NOTIFY) {
		rt_buf_printf(b, "  %s [%s] waits for %s (at %s), held by %s\n", x->name, x->role,
			      x->wait_cls, at, s[nx].name);
		return;
	}
	int i = (int)(x - s), k = 0;
	rt_buf_printf(b, "  %s [%s] waits for notify on %s (at %s, no timeout); inferred: "
			  "notified before only by ", x->name, x->role,
		      x->notify_on ? x->notify_on : "?", at);
	for (int j = 0; j < n; j++) {
		if (!notifier_of(s, i, j))
			continue;
		doing_str(what, sizeof what, &s[j]);
		rt_buf_printf(b, "%s%s (now %s)", k++ ? ", " : "", s[j].name, what);
	}
	if (!k)
		rt_buf_printf(b, "nobody, and every thread is asleep");
	rt_buf_printf(b, "\n");
}

/* Signature key of a cycle member: the class (or condition) and the site. */
static char *cycle_key(const struct rt_snap *x)
{
	struct rt_buf k = { 0 };   /* "CLASS@FUNC", no line (base/signature.h) */
	if (x->state == RT_TS_WAITING_NOTIFY) {
		rt_buf_printf(&k, "notify ");
		rt_sig_key(&k, x->notify_on, x->wsite.func);
	} else {
		rt_sig_key(&k, x->wait_cls, x->wsite.func);
	}
	return k.p;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rt_hang_report(struct rt_snap *s, int n, const int *cyc, int clen, unsigned how,
		   const char *why, uint64_t now, uint64_t start_ns)
{
	int dead = clen || (how & RT_HANG_ASLEEP);
	int code = dead ? RT_EXIT_DEADLOCK : RT_EXIT_HANG;
	int inferred = !!(how & RT_HANG_INFERRED);
	struct rt_buf b = { 0 };
	char s1[256], s2[256];
	double el = (double)(now - start_ns) / 1e9;
	rt_buf_printf(&b, "\n======================================================\n");
	if (how & RT_HANG_ASLEEP)
		rt_buf_printf(&b, "DEADLOCK: all threads are asleep (blocked on locks or in notify "
				  "waits, no timeout left); %s\n", rt_report_context());
	else if (inferred)
		rt_buf_printf(&b, "DEADLOCK: %d thread%s for %s in a cycle through notify "
				  "waits (edges inferred); %s\n", clen, clen == 1 ? " waits" : "s wait",
			      clen == 1 ? "itself" : "each other", rt_report_context());
	else if (clen == 1)
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
		rt_buf_printf(&b, "wait-for cycle%s:\n",
			      inferred ? " (an 'inferred' edge: the condition's class was notified before "
					 "only by the threads named, all stuck now)" : "");
		for (int i = 0; i < clen; i++) {
			cycle_line(&b, s, n, &s[cyc[i]], inferred);
			keys[nkeys++] = cycle_key(&s[cyc[i]]);
		}
		rt_buf_printf(&b, "\n");
	}
	int shown = 0;
	struct rt_native_stack *ns = rt_xcalloc((size_t)n + 1, sizeof *ns);
	for (int i = 0; i < n; i++) {
		shown += s[i].state != RT_TS_FINISHED;
		ns[i].tid = s[i].state != RT_TS_FINISHED ? s[i].tid : 0;
	}
	rt_native_capture(ns, n, 300 * 1000000ULL);   /* each thread unwinds itself */
	if (rt_hang_fiber_stacks)
		rt_hang_fiber_stacks(s, n, ns);
	struct rt_stack **lang = lang_stacks(s, n);
	rt_buf_printf(&b, "threads (%d live of %d):\n", shown, n);
	for (int i = 0; i < n; i++) {
		const struct rt_snap *x = &s[i];
		if (x->state == RT_TS_FINISHED)
			continue;
		rt_buf_printf(&b, "  %s [%s] %s", x->name, x->role, rt_tstate_name(x->state));
		if (x->state == RT_TS_BLOCKED_LOCK && x->wait)
			rt_buf_printf(&b, " %s", x->wait_cls);
		if ((x->state == RT_TS_BLOCKED_SYSCALL || x->state == RT_TS_SLEEPING) && x->syscall)
			rt_buf_printf(&b, " %s%s", x->state == RT_TS_SLEEPING ? "in " : "", x->syscall);
		if (x->state == RT_TS_WAITING_NOTIFY)
			rt_buf_printf(&b, " on %s", x->notify_on ? x->notify_on : "?");
		rt_buf_printf(&b, " for %.2f s; op %s; progress %" PRIu64 "\n",
			      (double)(now - x->since) / 1e9, x->op ? x->op : "-", x->progress);
		for (int h = 0; h < x->nheld; h++) {
			rt_site_str(s1, sizeof s1, x->held[h].site);
			rt_buf_printf(&b, "      holds %-28s taken at %s, %.2f s ago%s\n",
				      x->held[h].cls->name, s1,
				      (double)(now - x->held[h].since_ns) / 1e9,
				      x->held[h].reentry ? " (re-entry)" : "");
		}
		if (x->state == RT_TS_BLOCKED_LOCK && x->wait) {
			rt_site_str(s1, sizeof s1, x->wsite);
			struct rt_thread *o = x->owner;
			snprintf(s2, sizeof s2, "%s", o ? o->name : "nobody (being released)");
			rt_buf_printf(&b, "      waits %-28s at %s; owner %s\n", x->wait_cls,
				      s1, s2);
		}
		if (x->state == RT_TS_BLOCKED_SYSCALL) {
			rt_site_str(s1, sizeof s1, x->wsite);
			rt_buf_printf(&b, "      in    %-28s at %s\n", x->syscall ? x->syscall : "?", s1);
		}
		if (x->state == RT_TS_WAITING_NOTIFY) {
			rt_site_str(s1, sizeof s1, x->wsite);
			if (x->notify_deadline)
				snprintf(s2, sizeof s2, "timed, %.2f s left",
					 x->notify_deadline > now
						 ? (double)(x->notify_deadline - now) / 1e9 : 0.0);
			else
				snprintf(s2, sizeof s2, "no timeout");
			rt_buf_printf(&b, "      waits for notify at %s (%s)\n", s1, s2);
		}
		if (x->tid && !ns[i].fiber && kernel_view(x->tid, s2, sizeof s2))
			rt_buf_printf(&b, "      kernel: %s\n", s2);
		if (x->note)
			rt_buf_indent(&b, "      | ", x->note);
		/* its Python stack: recorded as it started to wait, else taken
		 * now, wherever it is */
		const struct rt_stack *st = x->stack ? x->stack : lang[i];
		if (st) {
			struct rt_buf sb = { 0 };
			rt_stack_text(&sb, st);
			rt_buf_indent(&b, "      | ", sb.p);
			rt_buf_free(&sb);
		}
		if (x->tid) {
			rt_buf_printf(&b, "      | native stack%s (most recent call first):\n",
				      ns[i].fiber ? " of its fiber" : "");
			rt_native_format(&b, "      |   ", &ns[i]);
		}
		if (!clen && (x->state == RT_TS_BLOCKED_LOCK || x->state == RT_TS_BLOCKED_SYSCALL)) {
			struct rt_buf k = { 0 };
			rt_sig_key(&k, x->state == RT_TS_BLOCKED_LOCK ? x->wait_cls
								  : (x->syscall ? x->syscall : "?"),
				   x->wsite.func);
			keys[nkeys++] = k.p;
		}
		/* untimed notify waits only: a timed one (a refresh loop's tick)
		 * may or may not be caught in it */
		if (!clen && x->state == RT_TS_WAITING_NOTIFY && !x->notify_deadline) {
			struct rt_buf k = { 0 };
			rt_buf_printf(&k, "notify ");
			rt_sig_key(&k, x->notify_on, x->wsite.func);
			keys[nkeys++] = k.p;
		}
	}
	json_t *data = rt_hang_json(s, n, cyc, clen, inferred, ns, (struct rt_stack *const *)lang, now);
	free(ns);
	for (int i = 0; i < n; i++)
		free(lang[i]);
	free(lang);
	if (rt_hang_report_extra)
		rt_hang_report_extra(&b);
	/* signature: the sorted, de-duplicated set of "CLASS@FUNC" wait keys
	 * (base/signature.h): no lines, times, thread names or counts */
	qsort(keys, (size_t)nkeys, sizeof *keys, cmp_str);
	struct rt_buf canon = { 0 };
	for (int i = 0; i < nkeys; i++) {
		if (i && !strcmp(keys[i], keys[i - 1]))
			continue;
		rt_buf_printf(&canon, "%s%s", canon.len ? " | " : "", keys[i]);
	}
	if (!nkeys) {
		rt_buf_printf(&canon, "no blocked thread (");
		rt_sig_text(&canon, why);
		rt_buf_printf(&canon, ")");
	}
	char sig[16384];
	rt_signature(sig, sizeof sig, dead ? "DEADLOCK" : "HANG", canon.p);
	rt_buf_printf(&b, "\nsignature: %s\nreplay: %s\n", sig, rt_report_replay());
	char title[600];
	snprintf(title, sizeof title, "%s: %s", dead ? "deadlock" : "hang", canon.p);
	rt_std_fds_restore();   /* a target may have left fd 1/2 on a pipe */
	const char **cls = rt_xcalloc((size_t)clen + 1, sizeof *cls);
	for (int i = 0; i < clen; i++)
		cls[i] = s[cyc[i]].state == RT_TS_WAITING_NOTIFY ? s[cyc[i]].notify_on
								 : s[cyc[i]].wait_cls;
	rt_report_finding_data(code, dead ? "deadlock" : "hang", title, sig, b.p, cls, clen, data);
	free(cls);
	for (int i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	rt_buf_free(&canon);
	rt_buf_free(&b);
	return code;
}

int rt_hang_report_now(const char *why, uint64_t start_ns)
{
	struct rt_snap *s;
	int n = rt_snapshot_take(&s);
	int *cyc = rt_xcalloc((size_t)n + 1, sizeof *cyc);
	int clen = rt_snapshot_cycle(s, n, cyc);
	int code = rt_hang_report(s, n, cyc, clen, 0, why, rt_now_ns(), start_ns);
	free(cyc);
	rt_snapshot_free(s, n);
	return code;
}

/* Same cycle, same waits (serials) in a second snapshot: the cycle is real,
 * not an artifact of reading records at slightly different times. */
int rt_snapshot_confirm(const struct rt_snap *a, int na, const int *cyc, int clen)
{
	rt_sleep_ns(20 * 1000000ULL);
	struct rt_snap *b;
	int nb = rt_snapshot_take(&b);
	int ok = nb >= na;
	for (int i = 0; ok && i < clen; i++) {
		const struct rt_snap *x = &a[cyc[i]], *y = &b[cyc[i]];
		ok = y->state == x->state && y->serial == x->serial && y->next == x->next &&
		     y->progress == x->progress;
	}
	rt_snapshot_free(b, nb);
	return ok;
}

