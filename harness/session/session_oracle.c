/* SPDX-License-Identifier: Apache-2.0 */
/* session_oracle.c - where session output lands.  Every write into a
 * session's sink (its browser) or the server console is split into lines
 * as it lands and each tagged line is checked at once:
 *   - a line of another session, or a server log line, in a session's sink
 *     is a cross-session leak, reported with the events around its write;
 *   - a line that is not exactly as written (split, merged, foreign text) is
 *     corruption;
 * and counted, so that at the end of the run every line written inside a
 * cell is found exactly once where it belongs: prints and (unless the target
 * declares RT_TARGET_FD_NOT_FORWARDED) fd-level writes in the session's own
 * sink, fd-level writes of such targets and server log lines at the server
 * console, captured prints in the session's capture result. */
#include "session/session_checks.h"
#include "session/session_console.h"
#include "session/session_events.h"
#include "session/session_oracle.h"

#include "engine/oracle.h"
#include "base/report.h"
#include "base/util.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct counts {
	uint8_t *c;
	uint64_t cap;
};

static void cnt_inc(struct counts *x, uint64_t seq)
{
	if (seq >= x->cap) {
		uint64_t cap = x->cap ? x->cap : 1024;
		while (cap <= seq)
			cap *= 2;
		x->c = rt_xrealloc(x->c, cap);
		memset(x->c + x->cap, 0, cap - x->cap);
		x->cap = cap;
	}
	if (x->c[seq] < 255)
		x->c[seq]++;
}

static unsigned cnt_get(const struct counts *x, uint64_t seq) { return seq < x->cap ? x->c[seq] : 0; }

struct owner {                          /* a session, or the server (index RT_MAX_SESSIONS) */
	_Atomic uint64_t written[SO_NKINDS];
	_Atomic int used;
	struct counts home[SO_NKINDS];  /* P, C: own sink; K: own captures */
	struct counts console[SO_NKINDS];
	struct rt_buf part;             /* partial line of its sink */
	uint64_t lineno;
};

enum cat { LEAK_P, LEAK_C, LEAK_K, LEAK_L, LEAK_CAP, CORRUPT, UNKNOWN, NCATS };
static const char *const cat_canon[NCATS] = {
	"print -> another session", "fd-level write -> another session",
	"captured print -> another session", "server log -> a session",
	"another session -> a capture", "session sink", "never written",
};

static const struct rt_config *cfg;
static const struct rt_target_ops *tgt;
static pthread_mutex_t so_mu = PTHREAD_MUTEX_INITIALIZER;     /* everything below */
static struct owner own[RT_MAX_SESSIONS + 1];
static struct rt_buf console_part;
static uint64_t console_lineno;
static uint64_t cat_n[NCATS];
static int cat_done[NCATS];
static struct { char *title, *canon, *body; int corrupt; } pend[NCATS];
static int npend;
static pthread_mutex_t sink_mu = PTHREAD_MUTEX_INITIALIZER;   /* never under so_mu */
static rt_sink *sinks[RT_MAX_SESSIONS];

const struct rt_config *so_cfg(void) { return cfg; }
const struct rt_target_ops *so_tgt(void) { return tgt; }

void so_init(const struct rt_config *c, const struct rt_target_ops *t)
{
	pthread_mutex_lock(&so_mu);
	cfg = c;
	tgt = t;
	for (int i = 0; i <= RT_MAX_SESSIONS; i++) {
		struct owner *o = &own[i];
		for (int k = 0; k < SO_NKINDS; k++) {
			free(o->home[k].c);
			free(o->console[k].c);
			o->home[k] = o->console[k] = (struct counts){ 0 };
			atomic_store(&o->written[k], 0);
		}
		atomic_store(&o->used, 0);
		rt_buf_free(&o->part);
		o->lineno = 0;
	}
	rt_buf_free(&console_part);
	console_lineno = 0;
	memset(cat_n, 0, sizeof cat_n);
	memset(cat_done, 0, sizeof cat_done);
	npend = 0;
	pthread_mutex_unlock(&so_mu);
	pthread_mutex_lock(&sink_mu);
	memset(sinks, 0, sizeof sinks);   /* the sinks themselves belong to oracle.c */
	pthread_mutex_unlock(&sink_mu);
	so_events_reset();
	so_checks_reset();
}

rt_sink *rt_session_sink(int sid)
{
	if (sid < 0 || sid >= RT_MAX_SESSIONS)
		rt_die("rt_session_sink(%d): session ids are 0..%d", sid, RT_MAX_SESSIONS - 1);
	pthread_mutex_lock(&sink_mu);
	if (!sinks[sid]) {
		char name[32];
		snprintf(name, sizeof name, "session-%d", sid);
		sinks[sid] = rt_sink_new_observed(name, sid, rt_session_sink_observe);
	}
	rt_sink *s = sinks[sid];
	pthread_mutex_unlock(&sink_mu);
	return s;
}

static struct owner *owner_of(int kind, int sid)
{
	return &own[kind == SO_L ? RT_MAX_SESSIONS : sid];
}

uint64_t so_next_seq(int sid, int kind)
{
	struct owner *o = owner_of(kind, sid);
	atomic_store(&o->used, 1);
	return atomic_fetch_add(&o->written[kind], 1);
}

uint64_t so_written(int sid, int kind) { return atomic_load(&owner_of(kind, sid)->written[kind]); }

/* ---- findings made while a line lands (so_mu held; printed after) ------- */

static void quote(struct rt_buf *b, const char *p, size_t len)
{
	rt_buf_printf(b, "\"%.*s%s\"", (int)(len > 120 ? 120 : len), p, len > 120 ? "..." : "");
}

static void queue(int cat, char *title, struct rt_buf *body)
{
	cat_done[cat] = 1;
	pend[npend].title = title;
	pend[npend].canon = rt_xstrdup(cat_canon[cat]);
	pend[npend].body = body->p;
	pend[npend].corrupt = cat == CORRUPT || cat == UNKNOWN;
	npend++;
}

static void flush_pending(void)
{
	for (;;) {
		pthread_mutex_lock(&so_mu);
		if (!npend) {
			pthread_mutex_unlock(&so_mu);
			return;
		}
		npend--;
		char *title = pend[npend].title, *canon = pend[npend].canon, *body = pend[npend].body;
		int corrupt = pend[npend].corrupt;
		pthread_mutex_unlock(&so_mu);
		so_report(corrupt ? "session-integrity" : "session-leak", corrupt ? "SESSION" : "LEAK",
			  title, canon, body);
		free(title);
		free(canon);
		free(body);
	}
}

/* where: "session s7's browser (sink session-7, line 88)" etc. */
static void leak(int cat, int kind, int id, uint64_t step, int dest, const char *where,
		 const char *p, size_t len)
{
	cat_n[cat]++;
	if (cat_done[cat])
		return;
	struct rt_buf b = { 0 };
	char s1[160], s2[160];
	int from = kind == SO_L ? -1 : id;
	rt_buf_printf(&b, "  line:    ");
	quote(&b, p, len);
	if (kind == SO_L)
		rt_buf_printf(&b, "\n  written: by the server (its logger, bound to the original stderr), "
				  "after session event #%" PRIu64 "\n", step);
	else
		rt_buf_printf(&b, "\n  written: by %s, a %s inside a cell, after session event #%" PRIu64
				  "\n", so_label(id), so_kind_name[kind], step);
	rt_buf_printf(&b, "  landed:  in %s\n", where);
	if (from >= 0) {
		so_state_desc(from, s1, sizeof s1);
		so_state_desc(dest, s2, sizeof s2);
		rt_buf_printf(&b, "  now:     %s; %s\n", s1, s2);
	} else {
		so_state_desc(dest, s2, sizeof s2);
		rt_buf_printf(&b, "  now:     %s\n", s2);
	}
	so_ring_dump(&b, step > 12 ? step - 12 : 1, step + 24, step, from, dest);
	struct rt_buf t = { 0 };
	if (cat == LEAK_CAP)
		rt_buf_printf(&t, "cross-session leak: output of %s reached the capture of %s",
			      kind == SO_L ? "the server" : so_label(id), so_label(dest));
	else if (kind == SO_L)
		rt_buf_printf(&t, "cross-session leak: server output reached %s's browser", so_label(dest));
	else
		rt_buf_printf(&t, "cross-session leak: %s's %s reached %s's browser", so_label(id),
			      so_kind_name[kind], so_label(dest));
	queue(cat, t.p, &b);
}

static void corrupt(int cat, const char *what, const char *where, const char *p, size_t len)
{
	cat_n[cat]++;
	if (cat_done[cat])
		return;
	struct rt_buf b = { 0 }, t = { 0 };
	rt_buf_printf(&b, "  line:    ");
	quote(&b, p, len);
	rt_buf_printf(&b, "\n  landed:  in %s\n  problem: %s\n", where, what);
	so_ring_dump(&b, so_step_now() > 24 ? so_step_now() - 24 : 1, so_step_now(), SO_NO_MARK, -1, -1);
	rt_buf_printf(&t, "session output %s", cat == UNKNOWN ? "that was never written" : "split or merged");
	queue(cat, t.p, &b);
}

/* A damaged line: report a leak for any foreign tag inside it. */
static void scan_tags(int dest, const char *where, const char *p, size_t len)
{
	for (size_t i = 0; i + 6 < len; i++) {
		int kind, id;
		uint64_t seq, step;
		if (p[i] != '@' || so_parse(p + i, len - i, &kind, &id, &seq, &step))
			continue;
		if (kind == SO_L)
			leak(LEAK_L, kind, id, step, dest, where, p, len);
		else if (id != dest)
			leak(kind == SO_P ? LEAK_P : kind == SO_C ? LEAK_C : LEAK_K, kind, id, step, dest,
			     where, p, len);
	}
}

/* One complete line (no '\n') landed in a session sink (owner >= 0) or at
 * the server console. */
static void on_line(int owner, const char *p, size_t len, uint64_t lineno)
{
	int kind, id;
	uint64_t seq, step;
	char where[96], want[4200];
	if (owner >= 0)
		snprintf(where, sizeof where, "%s's browser (sink session-%d, line %" PRIu64 ")",
			 so_label(owner), owner, lineno);
	else
		snprintf(where, sizeof where, "the server console (line %" PRIu64 ")", lineno);
	int ll = so_line_len();
	int bad = so_parse(p, len, &kind, &id, &seq, &step) != 0;
	if (!bad) {
		so_make_line_at(want, ll, kind, id, seq, step);
		bad = len != (size_t)ll || memcmp(p, want, len);
	}
	if (bad) {
		if (owner < 0) {
			/* not ours: a sanitizer report, say; keep it visible */
			struct rt_buf b = { 0 };
			rt_buf_printf(&b, "[fd 1/2] %.*s\n", (int)len, p);
			rt_write_all(rt_err_fd(), b.p, b.len);
			rt_buf_free(&b);
			return;
		}
		corrupt(CORRUPT, "not a line exactly as some session or the server wrote it", where, p,
			len);
		scan_tags(owner, where, p, len);
		return;
	}
	struct owner *w = owner_of(kind, id);
	if (seq >= atomic_load(&w->written[kind])) {
		corrupt(UNKNOWN, "its tag was never written", where, p, len);
		return;
	}
	if (owner < 0) {
		cnt_inc(&w->console[kind], seq);
		return;
	}
	if (kind == SO_L)
		leak(LEAK_L, kind, id, step, owner, where, p, len);
	else if (id != owner)
		leak(kind == SO_P ? LEAK_P : kind == SO_C ? LEAK_C : LEAK_K, kind, id, step, owner, where,
		     p, len);
	else if (kind != SO_K)
		cnt_inc(&w->home[kind], seq);
	/* an own captured line in the sink: the capture missed it (a loss) */
}

void rt_session_sink_observe(int owner, const char *buf, size_t len)
{
	pthread_mutex_lock(&so_mu);
	struct rt_buf *part = owner >= 0 ? &own[owner].part : &console_part;
	uint64_t *lineno = owner >= 0 ? &own[owner].lineno : &console_lineno;
	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;
		if (!nl) {
			rt_buf_add(part, buf, n);
			break;
		}
		++*lineno;
		if (part->len) {
			rt_buf_add(part, buf, n);
			on_line(owner, part->p, part->len, *lineno);
			part->len = 0;
		} else {
			on_line(owner, buf, n, *lineno);
		}
		buf += n + 1;
		len -= n + 1;
	}
	pthread_mutex_unlock(&so_mu);
	flush_pending();
}

void so_capture_check(int sid, const char *text, size_t len, uint64_t k_from, uint64_t k_to)
{
	char where[96];
	snprintf(where, sizeof where, "the capture %s read back (mo.capture_stdout)", so_label(sid));
	pthread_mutex_lock(&so_mu);
	uint64_t lineno = 0;
	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;
		int kind, id;
		uint64_t seq, step;
		char want[4200];
		lineno++;
		int bad = so_parse(text, n, &kind, &id, &seq, &step) != 0;
		if (!bad) {
			so_make_line_at(want, so_line_len(), kind, id, seq, step);
			bad = n != (size_t)so_line_len() || memcmp(text, want, n);
		}
		if (bad) {
			corrupt(CORRUPT, "not a line exactly as some session or the server wrote it",
				where, text, n);
			scan_tags(sid, where, text, n);
		} else if (kind == SO_L || id != sid) {
			leak(LEAK_CAP, kind, id, step, sid, where, text, n);
		} else if (kind == SO_K && seq >= k_from && seq < k_to) {
			cnt_inc(&own[sid].home[SO_K], seq);
		}
		/* an own line from outside this window: the loss oracle sees it */
		if (!nl)
			break;
		text += n + 1;
		len -= n + 1;
	}
	pthread_mutex_unlock(&so_mu);
	flush_pending();
}

/* ---- end of run: exactly once -------------------------------------------- */

struct tally {
	uint64_t written, lost, dup;
	char ex[200];
};

static void tally(struct tally *t, const struct counts *c, uint64_t written, int kind, int id)
{
	t->written += written;
	for (uint64_t q = 0; q < written; q++) {
		unsigned n = cnt_get(c, q);
		if (n == 1)
			continue;
		if (n == 0)
			t->lost++;
		else
			t->dup++;
		if (!t->ex[0])
			snprintf(t->ex, sizeof t->ex, "@%c%d:%" PRIu64 "@ of %s, %s", so_kind_ch[kind], id, q,
				 kind == SO_L ? "the server" : so_label(id),
				 n ? "seen more than once" : "never arrived");
	}
}

void so_final(void)
{
	int fd_home = !(tgt->flags & RT_TARGET_FD_NOT_FORWARDED);
	struct tally t[SO_NKINDS];
	memset(t, 0, sizeof t);
	pthread_mutex_lock(&so_mu);
	/* a last partial line in a sink is a line too */
	for (int i = 0; i < RT_MAX_SESSIONS; i++)
		if (own[i].part.len) {
			on_line(i, own[i].part.p, own[i].part.len, ++own[i].lineno);
			own[i].part.len = 0;
		}
	int nused = 0;
	for (int i = 0; i < RT_MAX_SESSIONS; i++) {
		struct owner *o = &own[i];
		if (!atomic_load(&o->used))
			continue;
		nused++;
		tally(&t[SO_P], &o->home[SO_P], atomic_load(&o->written[SO_P]), SO_P, i);
		tally(&t[SO_C], fd_home ? &o->home[SO_C] : &o->console[SO_C],
		      atomic_load(&o->written[SO_C]), SO_C, i);
		tally(&t[SO_K], &o->home[SO_K], atomic_load(&o->written[SO_K]), SO_K, i);
	}
	struct owner *srv = &own[RT_MAX_SESSIONS];
	tally(&t[SO_L], &srv->console[SO_L], atomic_load(&srv->written[SO_L]), SO_L, 0);
	uint64_t leaks = 0;
	for (int c = 0; c < NCATS; c++)
		leaks += cat_n[c];
	pthread_mutex_unlock(&so_mu);
	flush_pending();

	struct rt_buf b = { 0 }, canon = { 0 }, sum = { 0 };
	static const char *const where[SO_NKINDS] = { "its session's browser", NULL,
						      "its session's capture", "the server console" };
	for (int k = 0; k < SO_NKINDS; k++) {
		if (!t[k].lost && !t[k].dup)
			continue;
		const char *w = where[k] ? where[k] : fd_home ? "its session's browser"
							      : "the server console";
		rt_buf_printf(&b, "  %-16s %" PRIu64 " of %" PRIu64 " lost, %" PRIu64
				  " duplicated (expected exactly once in %s); e.g. %s\n",
			      so_kind_name[k], t[k].lost, t[k].written, t[k].dup, w, t[k].ex);
		rt_buf_printf(&canon, "%s%s%s", canon.len ? "+" : "", so_kind_name[k],
			      t[k].lost ? " lost" : " duplicated");
	}
	rt_buf_printf(&sum, "sessions: %d ids, %" PRIu64 " loads, %" PRIu64 " cells; lines written: "
			    "print %" PRIu64 ", fd-level %" PRIu64 ", captured %" PRIu64 ", server log %"
			    PRIu64 "; lost or duplicated %" PRIu64 "; misplaced or damaged %" PRIu64 "\n",
		      nused, so_loads(), so_cells(), t[SO_P].written, t[SO_C].written, t[SO_K].written,
		      t[SO_L].written,
		      t[0].lost + t[0].dup + t[1].lost + t[1].dup + t[2].lost + t[2].dup + t[3].lost +
			      t[3].dup,
		      leaks);
	rt_write_all(rt_out_fd(), sum.p, sum.len);
	if (canon.len) {
		rt_buf_printf(&b, "  (a line misplaced in another session's sink counts as lost "
				  "from its own)\n");
		so_report("session-loss", "LOSS", "session output lost or duplicated", canon.p, b.p);
	}
	rt_buf_free(&b);
	rt_buf_free(&canon);
	rt_buf_free(&sum);
}
