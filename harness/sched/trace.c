/* SPDX-License-Identifier: Apache-2.0 */
/* trace.c - export a recorded controlled execution as Chrome trace-event
 * JSON and as a standalone SVG timeline.  Both exporters share one pass over
 * the trace that turns WAIT/ACQUIRED/RELEASED events into spans. */
#include "sched/trace.h"

#include "base/json.h"
#include "base/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SP_HOLD, SP_WAIT };

struct span {
	uint64_t a, b;        /* [a, b) in steps */
	const char *cls;
	int tid, kind, depth; /* depth: holds of the thread already open at a */
	int open;             /* still open at the end of the run */
};

struct timeline {
	struct span *sp;
	size_t nsp;
	uint64_t first, end;  /* first step, last step + 1 */
	uint64_t dl_step;
	int has_dl, nlanes;
	const char **cls;     /* distinct classes, first appearance order */
	int ncls;
};

static const char *nz(const char *s) { return s ? s : "?"; }

static int is_cycle(const char *c, const char *const *cc, int ncc)
{
	for (int i = 0; c && cc && i < ncc; i++)
		if (cc[i] && strcmp(cc[i], c) == 0)
			return 1;
	return 0;
}

static int class_index(struct timeline *t, const char *c, int add)
{
	for (int i = 0; i < t->ncls; i++)
		if (strcmp(t->cls[i], c) == 0)
			return i;
	if (!add)
		return -1;
	t->cls = rt_xrealloc(t->cls, (size_t)(t->ncls + 1) * sizeof *t->cls);
	t->cls[t->ncls] = c;
	return t->ncls++;
}

/* Close the innermost open span of this thread and kind (and class, unless
 * cls is NULL) at step s. */
static void close_match(struct timeline *t, size_t *open, size_t *nopen, int tid, int kind,
			const char *cls, uint64_t s)
{
	for (size_t i = *nopen; i-- > 0;) {
		struct span *p = &t->sp[open[i]];
		if (p->tid != tid || p->kind != kind || (cls && strcmp(nz(p->cls), cls) != 0))
			continue;
		p->b = s;
		memmove(&open[i], &open[i + 1], (*nopen - i - 1) * sizeof *open);
		(*nopen)--;
		return;
	}
}

static void build(struct timeline *t, const struct rt_ctl_result *r, const char *const *cc,
		  int ncc)
{
	memset(t, 0, sizeof *t);
	t->sp = rt_xcalloc(r->ntrace + 1, sizeof *t->sp);
	size_t *open = rt_xcalloc(r->ntrace + 1, sizeof *open), nopen = 0;
	t->nlanes = r->nthreads > 0 ? r->nthreads : 0;
	uint64_t last = 0;
	for (size_t i = 0; i < r->ntrace; i++) {
		const struct rt_trace_ev *e = &r->trace[i];
		if (i == 0 || e->step < t->first)
			t->first = e->step;
		if (e->step > last)
			last = e->step;
		if (e->kind == RT_TEV_DEADLOCK && !t->has_dl) {
			t->has_dl = 1;
			t->dl_step = e->step;
		}
		if (e->tid < 0)
			continue;
		if (e->tid >= t->nlanes)
			t->nlanes = e->tid + 1;
		const char *c = nz(e->cls);
		if (e->kind == RT_TEV_WAIT || e->kind == RT_TEV_ACQUIRED || e->kind == RT_TEV_RELEASED)
			class_index(t, c, 1);
		switch (e->kind) {
		case RT_TEV_WAIT:
		case RT_TEV_ACQUIRED: {
			/* A new wait ends any unfinished one; an acquisition ends its wait. */
			close_match(t, open, &nopen, e->tid, SP_WAIT,
				    e->kind == RT_TEV_WAIT ? NULL : c, e->step);
			int depth = 0;
			for (size_t k = 0; k < nopen; k++)
				depth += t->sp[open[k]].tid == e->tid && t->sp[open[k]].kind == SP_HOLD;
			open[nopen++] = t->nsp;
			t->sp[t->nsp++] = (struct span){ e->step, e->step, c, e->tid,
							 e->kind == RT_TEV_WAIT ? SP_WAIT : SP_HOLD,
							 e->kind == RT_TEV_WAIT ? 0 : depth, 0 };
			break;
		}
		case RT_TEV_RELEASED:
			close_match(t, open, &nopen, e->tid, SP_HOLD, c, e->step);
			break;
		case RT_TEV_EXIT:
			close_match(t, open, &nopen, e->tid, SP_WAIT, NULL, e->step);
			break;
		}
	}
	t->end = last + 1;
	for (size_t k = 0; k < nopen; k++) {
		t->sp[open[k]].b = t->end;
		t->sp[open[k]].open = 1;
	}
	free(open);
	for (int i = 0; cc && i < ncc; i++)
		if (cc[i])
			class_index(t, cc[i], 1);
}

static void thread_name(const struct rt_ctl_result *r, int tid, char out[40])
{
	if (r->thread_names && tid >= 0 && tid < r->nthreads && r->thread_names[tid][0])
		snprintf(out, 40, "%.31s", r->thread_names[tid]);
	else
		snprintf(out, 40, "thread %d", tid);
}

static json_t *json_classes(const char *const *cc, int ncc)
{
	json_t *a = rt_json_arr();
	for (int k = 0; cc && k < ncc; k++)
		rt_json_push_str(a, nz(cc[k]));
	return a;
}

/* A trace event {"name", "ph", "pid": 1, "tid"} to fill in. */
static json_t *event(json_t *evs, const char *name, const char *ph, int tid)
{
	json_t *e = rt_json_obj();
	rt_json_set_str(e, "name", name);
	rt_json_set_str(e, "ph", ph);
	rt_json_set_int(e, "pid", 1);
	rt_json_set_int(e, "tid", tid);
	rt_json_push(evs, e);
	return e;
}

static void meta(json_t *evs, const char *name, int tid, const char *key, json_t *v)
{
	json_t *args = rt_json_obj();
	rt_json_set(args, key, v);
	rt_json_set(event(evs, name, "M", tid), "args", args);
}

static int finish(int rc, struct timeline *t)
{
	free(t->sp);
	free(t->cls);
	return rc;
}

int rt_trace_write_chrome(const char *path, const struct rt_ctl_result *r, const char *title,
			  const char *const *cc, int ncc)
{
	struct timeline t;
	char nm[40];
	build(&t, r, cc, ncc);
	json_t *doc = rt_json_obj(), *evs = rt_json_arr();
	rt_json_set(doc, "traceEvents", evs);
	meta(evs, "process_name", 0, "name", rt_json_str(title ? title : "redirtorture"));
	for (int i = 0; i < t.nlanes; i++) {
		thread_name(r, i, nm);
		meta(evs, "thread_name", i + 1, "name", rt_json_str(nm));
		meta(evs, "thread_sort_index", i + 1, "sort_index", rt_json_int(i));
	}
	struct rt_buf name = { 0 };
	for (size_t i = 0; i < t.nsp; i++) {
		const struct span *s = &t.sp[i];
		int hold = s->kind == SP_HOLD, cyc = is_cycle(s->cls, cc, ncc);
		name.len = 0;
		rt_buf_printf(&name, "%s%s", hold ? "hold " : "wait ", s->cls);
		json_t *e = event(evs, name.p, "X", s->tid + 1);
		rt_json_set_str(e, "cat", hold ? "lock" : "wait");
		rt_json_set_int(e, "ts", (long long)s->a);
		/* a span that began and ended at one step still gets one step of
		 * width, or Perfetto draws nothing (args keep the real length) */
		rt_json_set_int(e, "dur", (long long)(s->b > s->a ? s->b - s->a : 1));
		if (cyc)
			rt_json_set_str(e, "cname", hold ? "bad" : "terrible");
		json_t *args = rt_json_obj();
		rt_json_set_str(args, "class", s->cls);
		rt_json_set_int(args, "steps", (long long)(s->b - s->a));
		if (cyc)
			rt_json_set(args, "cycle", json_true());
		if (s->open)
			rt_json_set(args, "unfinished", json_true());
		rt_json_set(e, "args", args);
	}
	rt_buf_free(&name);
	for (size_t i = 0; i < r->ntrace; i++) {
		const struct rt_trace_ev *e = &r->trace[i];
		if (e->kind == RT_TEV_SLEEP || e->kind == RT_TEV_EXIT) {
			if (e->tid < 0)
				continue;
			json_t *ev = event(evs, e->kind == RT_TEV_SLEEP ? "sleep" : "exit", "i",
					   e->tid + 1);
			rt_json_set_str(ev, "cat", "sched");
			rt_json_set_str(ev, "s", "t");
			rt_json_set_int(ev, "ts", (long long)e->step);
		} else if (e->kind == RT_TEV_DEADLOCK) {
			json_t *ev = event(evs, "DEADLOCK", "i", e->tid >= 0 ? e->tid + 1 : 1);
			rt_json_set_str(ev, "cat", "deadlock");
			rt_json_set_str(ev, "s", "g");
			rt_json_set_str(ev, "cname", "terrible");
			rt_json_set_int(ev, "ts", (long long)e->step);
			json_t *args = rt_json_obj();
			rt_json_set(args, "cycle", json_classes(cc, ncc));
			rt_json_set(ev, "args", args);
		}
	}
	rt_json_set_str(doc, "displayTimeUnit", "ms");
	json_t *other = rt_json_obj();
	rt_json_set_str(other, "title", title ? title : "redirtorture");
	rt_json_set_str(other, "time_unit", "1 us = 1 scheduler step");
	rt_json_set_int(other, "steps", (long long)r->steps);
	rt_json_set_int(other, "threads", t.nlanes);
	rt_json_set(other, "deadlock", json_boolean(r->deadlock || t.has_dl));
	rt_json_set(other, "cycle", json_classes(cc, ncc));
	rt_json_set(doc, "otherData", other);
	int rc = rt_json_write_atomic(path, doc, 0);
	json_decref(doc);
	return finish(rc, &t);
}

/* ---- SVG ---- */

static void xml_esc(struct rt_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': rt_buf_lit(b, "&amp;"); break;
		case '<': rt_buf_lit(b, "&lt;"); break;
		case '>': rt_buf_lit(b, "&gt;"); break;
		case '"': rt_buf_lit(b, "&quot;"); break;
		case '\'': rt_buf_lit(b, "&apos;"); break;
		default:
			/* Control characters other than tab/newline are invalid in XML 1.0. */
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				rt_buf_lit(b, "?");
			else
				rt_buf_add(b, s, 1);
		}
	}
}

static const char *const palette[] = { "#4e79a7", "#f28e2b", "#76b7b2", "#59a14f",
					"#edc948", "#b07aa1", "#9c755f", "#bab0ac" };
/* The cycle's locks: strong colours far apart, each with a dark outline. */
static const char *const reds[] = { "#d62728", "#6a3d9a", "#ff7f00", "#1f78b4", "#33a02c",
				    "#b15928" };

enum { W = 1200, LM = 190, RM = 40, PW = W - LM - RM, Y0 = 64, LH = 30 };

static double xpos(const struct timeline *t, uint64_t s)
{
	uint64_t span = t->end > t->first ? t->end - t->first : 1;
	return LM + (double)(s - t->first) * PW / (double)span;
}

/* Legend: one swatch per class, then the two span styles; wraps into rows.
 * With b NULL only measures.  Returns the y below the last row. */
static int legend(struct rt_buf *b, const struct timeline *t, const char *const *cc, int ncc,
		  const char **col, int ly)
{
	int lx = LM;
	for (int i = 0; i <= t->ncls + 1; i++) {
		int cyc = i < t->ncls && is_cycle(t->cls[i], cc, ncc);
		int w = 40 + 7 * (int)(i < t->ncls ? strlen(t->cls[i]) + 8 * cyc : 14);
		if (lx + w > W - RM && lx > LM) {
			lx = LM;
			ly += 20;
		}
		if (b && i < t->ncls) {
			rt_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"11\" fill=\"%s\" "
					 "stroke=\"%s\" stroke-width=\"%s\"/><text x=\"%d\" y=\"%d\">",
				      lx, ly - 10, col[i], cyc ? "#5a0000" : "#333333", cyc ? "2" : "0.6",
				      lx + 22, ly);
			xml_esc(b, t->cls[i]);
			rt_buf_printf(b, "%s</text>\n", cyc ? " (cycle)" : "");
		} else if (b && i == t->ncls) {
			rt_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"11\" fill=\"#999999\" "
					 "stroke=\"#333333\" stroke-width=\"0.6\"/><text x=\"%d\" y=\"%d\">"
					 "holding</text>\n", lx, ly - 10, lx + 22, ly);
		} else if (b && i > t->ncls) {
			rt_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"16\" height=\"11\" fill=\"url(#w%d)\" "
					 "stroke=\"#666666\" stroke-dasharray=\"4 3\"/><text x=\"%d\" y=\"%d\">"
					 "waiting (hatched)</text>\n", lx, ly - 10, t->ncls, lx + 22, ly);
		}
		lx += w;
	}
	return ly + 20;
}

/* ---- the deadlock, close up ---- */

/* At the deadlock every thread of the cycle waits (an open wait span) for a
 * class another thread holds (an open hold span): one arrow each. */
struct arrow { int waiter, owner, ci; };

static int dl_arrows(const struct timeline *t, struct arrow *out, int max)
{
	int n = 0;
	for (size_t i = 0; i < t->nsp && n < max; i++) {
		const struct span *w = &t->sp[i];
		if (w->kind != SP_WAIT || !w->open)
			continue;
		for (size_t j = 0; j < t->nsp; j++) {
			const struct span *h = &t->sp[j];
			if (h->kind == SP_HOLD && h->open && h->tid != w->tid && !strcmp(h->cls, w->cls)) {
				out[n++] = (struct arrow){ w->tid, h->tid,
							   class_index((struct timeline *)t, w->cls, 0) };
				break;
			}
		}
	}
	return n;
}

enum { IN_K = 40, IN_LH = 34, IN_ARROWS = 280 };

/* The inset's lanes: the threads of the arrows, in cycle order. */
static int inset_lanes(const struct arrow *a, int na, int *lane)
{
	int n = 0;
	for (int i = 0; i < na; i++)
		for (int k = 0; k < 2; k++) {
			int tid = k ? a[i].owner : a[i].waiter, seen = 0;
			for (int j = 0; j < n; j++)
				seen |= lane[j] == tid;
			if (!seen)
				lane[n++] = tid;
		}
	return n;
}

static int inset_height(const struct timeline *t)
{
	struct arrow a[16];
	int lane[32], na = t->has_dl ? dl_arrows(t, a, 16) : 0;
	return na ? 58 + inset_lanes(a, na, lane) * IN_LH + 14 * na : 0;
}

static void inset_spans(struct rt_buf *b, const struct timeline *t, const char **col, int tid,
			int y, uint64_t z0, double x0, double sx)
{
	for (size_t n = 0; n < 2 * t->nsp; n++) {   /* holds, then waits on top */
		const struct span *s = &t->sp[n % t->nsp];
		if (s->tid != tid || s->b < z0 || s->kind != (n < t->nsp ? SP_HOLD : SP_WAIT))
			continue;
		uint64_t a = s->a > z0 ? s->a : z0;
		double x = x0 + (double)(a - z0) * sx, w = (double)(s->b - a) * sx;
		int ci = class_index((struct timeline *)t, s->cls, 0);
		if (w < 2)
			w = 2;
		if (s->kind == SP_HOLD)
			rt_buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
					 "stroke=\"#222222\" stroke-width=\"1\"/>\n", x, y + 5, w, IN_LH - 10,
				      col[ci]);
		else
			rt_buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
					 "fill=\"url(#w%d)\" stroke=\"%s\" stroke-width=\"2\" "
					 "stroke-dasharray=\"4 3\"/>\n", x, y + 9, w, IN_LH - 18, ci, col[ci]);
		if (s->open && s->kind == SP_WAIT) {
			rt_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" font-size=\"11\" "
					 "fill=\"%s\">waits for ", x + w - 4, y + 4, col[ci]);
			xml_esc(b, s->cls);
			rt_buf_printf(b, "</text>\n");
		}
	}
}

/* Below the timeline: the last IN_K steps before the deadlock, zoomed, only
 * the cycle's threads, and an arrow from each waiting thread to the owner of
 * the lock it waits for, in that lock's colour, labelled. */
static void inset(struct rt_buf *b, const struct timeline *t, const struct rt_ctl_result *r,
		  const char **col, int y0)
{
	struct arrow a[16];
	int lane[32], na = dl_arrows(t, a, 16), nl = inset_lanes(a, na, lane);
	uint64_t z0 = t->dl_step > t->first + IN_K ? t->dl_step - IN_K : t->first;
	double x0 = LM, x1 = W - RM - IN_ARROWS, sx = (x1 - x0) / (double)(t->end - z0);
	int h = inset_height(t);
	char nm[40];
	rt_buf_printf(b, "<rect x=\"12\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fffaf5\" "
			 "stroke=\"#e00000\" stroke-width=\"1.5\"/>\n<text x=\"22\" y=\"%d\" "
			 "font-weight=\"bold\" fill=\"#a00000\">The deadlock, close up: steps %" PRIu64
			 "-%" PRIu64 "; each thread waits (hatched) for a lock another holds (solid)"
			 "</text>\n", y0, W - 24, h - 8, y0 + 20, z0, t->end - 1);
	for (int i = 0; i < nl; i++) {
		int y = y0 + 34 + i * IN_LH;
		thread_name(r, lane[i], nm);
		rt_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-weight=\"bold\">",
			      LM - 8, y + IN_LH / 2 + 4);
		xml_esc(b, nm);
		rt_buf_printf(b, "</text>\n");
		inset_spans(b, t, col, lane[i], y, z0, x0, sx);
	}
	for (int k = 0; k < na; k++) {
		int yw = 0, yo = 0;
		for (int i = 0; i < nl; i++) {
			yw = lane[i] == a[k].waiter ? y0 + 34 + i * IN_LH + IN_LH / 2 : yw;
			yo = lane[i] == a[k].owner ? y0 + 34 + i * IN_LH + IN_LH / 2 : yo;
		}
		double cx = x1 + 30 + 40 * k;
		const char *c = col[a[k].ci];
		rt_buf_printf(b, "<path d=\"M%.1f %d C%.1f %d %.1f %d %.1f %d\" fill=\"none\" "
				 "stroke=\"%s\" stroke-width=\"2.5\" marker-end=\"url(#ah%d)\"/>\n",
			      x1 + 4, yw, cx, yw, cx, yo, x1 + 8, yo, c, a[k].ci);
		rt_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">&#8594; ", LM,
			      y0 + 34 + nl * IN_LH + 12 + 14 * k, c);
		thread_name(r, a[k].waiter, nm);
		xml_esc(b, nm);
		rt_buf_printf(b, " waits for ");
		xml_esc(b, t->cls[a[k].ci]);
		rt_buf_printf(b, ", held by ");
		thread_name(r, a[k].owner, nm);
		xml_esc(b, nm);
		rt_buf_printf(b, "</text>\n");
	}
}

int rt_trace_write_svg(const char *path, const struct rt_ctl_result *r, const char *title,
		       const char *const *cc, int ncc)
{
	struct timeline t;
	struct rt_buf b = { 0 };
	char nm[40];
	build(&t, r, cc, ncc);
	const char **col = rt_xcalloc((size_t)t.ncls + 1, sizeof *col);
	for (int i = 0, nr = 0, np = 0; i < t.ncls; i++)
		col[i] = is_cycle(t.cls[i], cc, ncc) ? reds[nr++ % 6] : palette[np++ % 8];
	int ya = Y0 + t.nlanes * LH + 6;   /* axis line */
	int ih = inset_height(&t), ly = ya + 54 + (ih ? ih + 10 : 0);
	int height = legend(NULL, &t, cc, ncc, col, ly) + 10;
	const char *ttl = title ? title : "redirtorture";

	rt_buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
			  "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" "
			  "font-size=\"12\">\n<title>", W, height, W, height);
	xml_esc(&b, ttl);
	rt_buf_printf(&b, "</title>\n<defs>\n");
	col[t.ncls] = "#666666";   /* the legend's wait swatch */
	for (int i = 0; i < t.ncls; i++)   /* arrowheads for the inset, one per colour */
		rt_buf_printf(&b, "<marker id=\"ah%d\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
				  "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L10 5L0 "
				  "10z\" fill=\"%s\"/></marker>\n", i, col[i]);
	for (int i = 0; i <= t.ncls; i++)
		rt_buf_printf(&b, "<pattern id=\"w%d\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
				  " patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\""
				  " fill-opacity=\"0.85\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"%s\""
				  " stroke-width=\"2.5\"/></pattern>\n", i, col[i]);
	rt_buf_printf(&b, "</defs>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
			  "<text x=\"12\" y=\"26\" font-size=\"16\" font-weight=\"bold\">", W, height);
	xml_esc(&b, ttl);
	rt_buf_printf(&b, "</text>\n<text x=\"%d\" y=\"26\" text-anchor=\"end\" fill=\"#666\">%d thread%s,"
			  " steps %" PRIu64 "-%" PRIu64 "%s</text>\n", W - RM, t.nlanes, rt_s(t.nlanes), t.first,
		      t.end - 1, t.has_dl ? ", deadlocked" : "");

	for (int i = 0; i < t.nlanes; i++) {
		int y = Y0 + i * LH;
		thread_name(r, i, nm);
		rt_buf_printf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n"
				  "<text x=\"%d\" y=\"%d\" text-anchor=\"end\"", LM, y, PW, LH,
			      i % 2 ? "#ffffff" : "#f3f3f3", LM - 8, y + LH / 2 + 4);
		if (strlen(nm) > 24)   /* squeeze long names into the margin */
			rt_buf_printf(&b, " font-size=\"%.1f\"", 12.0 * 24 / (double)strlen(nm));
		rt_buf_lit(&b, ">");
		xml_esc(&b, nm);
		rt_buf_printf(&b, "</text>\n");
	}
	/* Holds first, waits on top (a wait usually sits inside another hold). */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < t.nsp; i++) {
			const struct span *s = &t.sp[i];
			if (s->kind != (pass ? SP_WAIT : SP_HOLD))
				continue;
			int ci = class_index(&t, s->cls, 0), cyc = is_cycle(s->cls, cc, ncc);
			double x = xpos(&t, s->a), w = xpos(&t, s->b) - x;
			int d = s->depth < 3 ? s->depth : 3, y = Y0 + s->tid * LH;
			if (w < 1.5)
				w = 1.5;
			if (pass == 0)
				rt_buf_printf(&b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
						  "fill=\"%s\" fill-opacity=\"0.9\" stroke=\"%s\" stroke-width=\"%s\">",
					      x, y + 4 + 3 * d, w, LH - 8 - 6 * d, col[ci],
					      cyc ? "#3a0000" : "#333333", cyc ? "1.2" : "0.6");
			else
				rt_buf_printf(&b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
						  "fill=\"url(#w%d)\" stroke=\"%s\" stroke-width=\"%s\" "
						  "stroke-dasharray=\"4 3\">", x, y + 7, w, LH - 14, ci,
					      cyc ? "#5a0000" : col[ci], cyc ? "2" : "1.2");
			rt_buf_printf(&b, "<title>%s ", s->kind == SP_HOLD ? "hold" : "wait");
			xml_esc(&b, s->cls);
			rt_buf_printf(&b, ": steps %" PRIu64 "-%" PRIu64 "%s%s</title></rect>\n", s->a,
				      s->b, s->open ? " (never ended)" : "", cyc ? " [cycle]" : "");
		}
	for (size_t i = 0; i < r->ntrace; i++) {
		const struct rt_trace_ev *e = &r->trace[i];
		if (e->tid < 0 || (e->kind != RT_TEV_SLEEP && e->kind != RT_TEV_EXIT))
			continue;
		double x = xpos(&t, e->step);
		int y = Y0 + e->tid * LH + LH / 2;
		if (e->kind == RT_TEV_SLEEP)
			rt_buf_printf(&b, "<circle cx=\"%.1f\" cy=\"%d\" r=\"3\" fill=\"#777777\">"
					  "<title>sleep at step %" PRIu64 "</title></circle>\n", x, y, e->step);
		else
			rt_buf_printf(&b, "<path d=\"M%.1f %dl6 12m0 -12l-6 12\" stroke=\"#000000\" "
					  "stroke-width=\"1.5\"><title>exit at step %" PRIu64 "</title></path>\n",
				      x - 3, y - 6, e->step);
	}

	/* Axis with ticks at 1/2/5 x 10^k, at most ~8 of them. */
	static const uint64_t f125[] = { 1, 2, 5 };
	uint64_t span = t.end - t.first, st = 1, p = 1;
	for (int k = 0; span / (st = f125[k] * p) > 8; k = (k + 1) % 3)
		p *= k == 2 ? 10 : 1;
	rt_buf_printf(&b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000000\"/>\n", LM, ya,
		      LM + PW, ya);
	for (uint64_t s = (t.first + st - 1) / st * st; s <= t.end; s += st) {
		double x = xpos(&t, s);
		rt_buf_printf(&b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000000\"/>"
				  "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%" PRIu64
				  "</text>\n", x, ya, x, ya + 5, x, ya + 17, s);
	}
	rt_buf_printf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#666\">scheduler step"
			  "</text>\n", LM + PW / 2, ya + 32);

	if (t.has_dl) {
		double x = xpos(&t, t.dl_step);
		int right = x > W - RM - 80;
		rt_buf_printf(&b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e00000\" "
				  "stroke-width=\"2\"/>\n<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" "
				  "fill=\"#e00000\" font-weight=\"bold\">DEADLOCK<title>deadlock at step %"
				  PRIu64 "</title></text>\n", x, Y0 - 14, x, ya, right ? x - 4 : x + 4,
			      Y0 - 4, right ? "end" : "start", t.dl_step);
	}

	if (ih)
		inset(&b, &t, r, col, ya + 44);
	legend(&b, &t, cc, ncc, col, ly);
	rt_buf_printf(&b, "</svg>\n");
	free(col);
	int rc = rt_write_file_atomic(path, b.p ? b.p : "", b.len);
	rt_buf_free(&b);
	return finish(rc, &t);
}
