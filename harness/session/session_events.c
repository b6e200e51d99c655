/* SPDX-License-Identifier: Apache-2.0 */
/* session_events.c - the record of what sessions did (start, stop, cell
 * enter/exit, captures) as a numbered ring of recent events, each session's
 * current state, and the tagged-line format.  Findings print the events
 * around the write that went wrong: the interleaving that caused it. */
#include "session/session_events.h"
#include "session/session_oracle.h"

#include "base/report.h"
#include "base/util.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

const char so_kind_ch[SO_NKINDS] = { 'P', 'C', 'K', 'L' };
const char *const so_kind_name[SO_NKINDS] = { "print", "fd-level write", "captured print",
					      "server log line" };

enum { RING = 1024 };

struct evrec {
	uint64_t step;
	int ev, sid, load, cell;
};

struct sstate {                    /* a session as the events describe it */
	char label[12];
	int load, cell, in_cell, started, ever;
	uint64_t since;            /* event that put it in this state */
};

static pthread_mutex_t ring_mu = PTHREAD_MUTEX_INITIALIZER;
static struct evrec ring[RING];
static _Atomic uint64_t nsteps;
static struct sstate st[RT_MAX_SESSIONS];
static uint64_t nloads, ncells;

void so_events_reset(void)
{
	pthread_mutex_lock(&ring_mu);
	memset(ring, 0, sizeof ring);
	memset(st, 0, sizeof st);
	for (int i = 0; i < RT_MAX_SESSIONS; i++)
		snprintf(st[i].label, sizeof st[i].label, "s%d", i);
	atomic_store(&nsteps, 0);
	nloads = ncells = 0;
	pthread_mutex_unlock(&ring_mu);
}

void so_set_label(int sid, const char *label)
{
	pthread_mutex_lock(&ring_mu);
	snprintf(st[sid].label, sizeof st[sid].label, "%s", label);
	pthread_mutex_unlock(&ring_mu);
}

/* Labels never change while sessions run. */
const char *so_label(int sid)
{
	return sid >= 0 && sid < RT_MAX_SESSIONS ? st[sid].label : "server";
}

uint64_t so_step_now(void) { return atomic_load(&nsteps); }

uint64_t so_loads(void)
{
	pthread_mutex_lock(&ring_mu);
	uint64_t n = nloads;
	pthread_mutex_unlock(&ring_mu);
	return n;
}

uint64_t so_cells(void)
{
	pthread_mutex_lock(&ring_mu);
	uint64_t n = ncells;
	pthread_mutex_unlock(&ring_mu);
	return n;
}

uint64_t so_event(int ev, int sid, int load, int cell)
{
	pthread_mutex_lock(&ring_mu);
	uint64_t step = atomic_load(&nsteps) + 1;
	atomic_store(&nsteps, step);
	ring[step % RING] = (struct evrec){ step, ev, sid, load, cell };
	struct sstate *s = &st[sid];
	switch (ev) {
	case SO_EV_START: s->load = load; s->started = 1; s->ever = 1; s->since = step; nloads++; break;
	case SO_EV_START_FAILED: s->started = 0; s->since = step; break;
	case SO_EV_STOP: s->started = 0; s->in_cell = 0; s->since = step; break;
	case SO_EV_ENTER: s->in_cell = 1; s->cell = cell; s->since = step; ncells++; break;
	case SO_EV_EXIT: s->in_cell = 0; s->since = step; break;
	default: break;
	}
	pthread_mutex_unlock(&ring_mu);
	return step;
}

void so_state_desc(int sid, char *out, size_t n)
{
	pthread_mutex_lock(&ring_mu);
	const struct sstate *s = &st[sid];
	if (!s->ever)
		snprintf(out, n, "%s never started", s->label);
	else if (!s->started)
		snprintf(out, n, "%s not running since #%" PRIu64 " (last load %d)", s->label, s->since,
			 s->load);
	else if (s->in_cell)
		snprintf(out, n, "%s in cell %d of load %d since #%" PRIu64, s->label, s->cell, s->load,
			 s->since);
	else
		snprintf(out, n, "%s idle in load %d since #%" PRIu64, s->label, s->load, s->since);
	pthread_mutex_unlock(&ring_mu);
}

static void ev_text(const struct evrec *e, char *out, size_t n)
{
	switch (e->ev) {
	case SO_EV_START: snprintf(out, n, "start (load %d)", e->load); break;
	case SO_EV_START_FAILED: snprintf(out, n, "start FAILED (load %d)", e->load); break;
	case SO_EV_STOP: snprintf(out, n, "stop (load %d)", e->load); break;
	case SO_EV_ENTER: snprintf(out, n, "enter cell %d", e->cell); break;
	case SO_EV_EXIT: snprintf(out, n, "exit cell %d", e->cell); break;
	case SO_EV_CAP_BEGIN: snprintf(out, n, "capture begin (cell %d)", e->cell); break;
	case SO_EV_CAP_END: snprintf(out, n, "capture end (cell %d)", e->cell); break;
	default: snprintf(out, n, "?"); break;
	}
}

static void ev_line(struct rt_buf *b, const struct evrec *e, int a, int c)
{
	char txt[64];
	ev_text(e, txt, sizeof txt);
	int star = e->sid >= 0 && (e->sid == a || e->sid == c);
	rt_buf_printf(b, "    %c #%-7" PRIu64 " %-8s %s\n", star ? '*' : ' ', e->step, so_label(e->sid),
		      txt);
}

void so_ring_dump(struct rt_buf *b, uint64_t lo, uint64_t hi, uint64_t mark, int a, int c)
{
	pthread_mutex_lock(&ring_mu);
	uint64_t n = atomic_load(&nsteps), oldest = n >= RING ? n - RING + 1 : 1;
	if (hi > n)
		hi = n;
	if (lo < oldest)
		lo = oldest;
	if (lo > hi) {
		rt_buf_printf(b, "  (no session events recorded)\n");
		pthread_mutex_unlock(&ring_mu);
		return;
	}
	rt_buf_printf(b, "  session events");
	if (a >= 0 || c >= 0)
		rt_buf_printf(b, " (* = %s%s%s)", a >= 0 ? st[a].label : "",
			      a >= 0 && c >= 0 && c != a ? " or " : "",
			      c >= 0 && c != a ? st[c].label : "");
	rt_buf_printf(b, ":\n");
	/* what put the starred sessions in their state, if before the window */
	uint64_t early[4];
	int ne = 0, na = 0, nc = 0;
	for (uint64_t s = lo - 1; s >= oldest && s > 0 && ne < 4 && (na < 2 || nc < 2); s--) {
		const struct evrec *e = &ring[s % RING];
		if (e->sid == a && a >= 0 && na < 2) {
			early[ne++] = s;
			na++;
		} else if (e->sid == c && c >= 0 && nc < 2) {
			early[ne++] = s;
			nc++;
		}
	}
	for (int i = ne - 1; i >= 0; i--) {
		ev_line(b, &ring[early[i] % RING], a, c);
		if (early[i] == mark)
			rt_buf_printf(b, "      -> the line was written here\n");
	}
	if (ne)
		rt_buf_printf(b, "      ...\n");
	if (mark != SO_NO_MARK && mark < lo && mark + 1 < lo)
		rt_buf_printf(b, "      (the line was written after #%" PRIu64 ")\n", mark);
	if (mark == 0 || (mark != SO_NO_MARK && mark + 1 == lo))
		rt_buf_printf(b, "      -> the line was written here\n");
	int repeats = 0;
	for (uint64_t s = lo; s <= hi; s++) {
		const struct evrec *e = &ring[s % RING], *p = &ring[(s - 1) % RING];
		/* a session that keeps failing to start: one line for the run */
		if (s > lo && s != mark + 1 && e->ev == SO_EV_START_FAILED &&
		    p->ev == SO_EV_START_FAILED && p->sid == e->sid && s < hi) {
			repeats++;
			continue;
		}
		if (repeats)
			rt_buf_printf(b, "      ... %d more failed starts of %s\n", repeats,
				      so_label(p->sid));
		repeats = 0;
		ev_line(b, e, a, c);
		if (s == mark)
			rt_buf_printf(b, "      -> the line was written here\n");
	}
	pthread_mutex_unlock(&ring_mu);
}

/* ---- tagged lines -------------------------------------------------------- */

void so_make_line_at(char *out, int len, int kind, int id, uint64_t seq, uint64_t step)
{
	int n = snprintf(out, (size_t)len + 1, "@%c%d:%" PRIu64 "@ e%" PRIu64 " ", so_kind_ch[kind],
			 id, seq, step);
	if (n > len)
		n = len;
	uint64_t h = rt_mix64(((uint64_t)id << 40) ^ seq ^ ((uint64_t)(kind + 1) << 58));
	for (int i = n; i < len; i++) {
		out[i] = (char)('a' + (h % 26));
		h = rt_mix64(h + (uint64_t)i);
	}
	out[len] = 0;
}

int so_line_len(void)
{
	int l = so_cfg()->line_len;
	return l < 48 ? 48 : l;   /* room for the tag and the event number */
}

size_t so_make_line(char *out, int kind, int id, uint64_t seq)
{
	int len = so_line_len();
	so_make_line_at(out, len, kind, id, seq, so_step_now());
	out[len] = '\n';
	out[len + 1] = 0;
	return (size_t)len + 1;
}

int so_parse(const char *p, size_t len, int *kind, int *id, uint64_t *seq, uint64_t *step)
{
	if (len < 6 || p[0] != '@')
		return -1;
	const char *k = memchr(so_kind_ch, p[1], SO_NKINDS);
	if (!k || !p[1])
		return -1;
	char tmp[96];
	size_t n = len < sizeof tmp - 1 ? len : sizeof tmp - 1;
	memcpy(tmp, p, n);
	tmp[n] = 0;
	int i;
	unsigned long long s, e;
	if (!(tmp[2] >= '0' && tmp[2] <= '9') ||
	    sscanf(tmp + 2, "%d:%llu@ e%llu", &i, &s, &e) != 3 || i < 0 || i >= RT_MAX_SESSIONS)
		return -1;
	*kind = (int)(k - so_kind_ch);
	*id = i;
	*seq = s;
	*step = e;
	return 0;
}

void so_report(const char *kind, const char *sigkind, const char *title, const char *canon,
	       const char *body)
{
	struct rt_buf b = { 0 };
	char sig[512];
	rt_signature(sig, sizeof sig, sigkind, canon);
	rt_buf_printf(&b, "\n======================================================\n"
			  "FINDING: %s; %s\n"
			  "------------------------------------------------------\n%s"
			  "\nsignature: %s\nreplay: %s\n",
		      title, rt_report_context(), body, sig, rt_report_replay());
	rt_report_finding(RT_EXIT_FINDING, kind, title, sig, b.p);
	rt_buf_free(&b);
}
