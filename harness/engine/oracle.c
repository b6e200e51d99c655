/* SPDX-License-Identifier: Apache-2.0 */
/* oracle.c - the integrity check over every sink (runtime/sink.c). */
#include "engine/oracle.h"

#include "runtime/registry.h"
#include "base/report.h"
#include "runtime/sink.h"
#include "base/util.h"

#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* v in decimal at p; returns the digits written (no terminator) */
static int put_dec(char *p, uint64_t v)
{
	char d[20];
	int n = 0;
	do
		d[n++] = (char)('0' + v % 10);
	while (v /= 10);
	for (int i = 0; i < n; i++)
		p[i] = d[n - 1 - i];
	return n;
}

void rt_make_line(char *out, int len, char kind, int id, uint64_t seq)
{
	/* "@%c%d:%llu@ " by hand: a line is made twice per print (written,
	 * checked), and snprintf was a fifth of a controlled step */
	char tag[48];
	int n = 0;
	tag[n++] = '@';
	tag[n++] = kind;
	if (id < 0) {
		tag[n++] = '-';
		n += put_dec(tag + n, (uint64_t)-(int64_t)id);
	} else {
		n += put_dec(tag + n, (uint64_t)id);
	}
	tag[n++] = ':';
	n += put_dec(tag + n, seq);
	tag[n++] = '@';
	tag[n++] = ' ';
	if (n > len)
		n = len < 0 ? 0 : len;
	memcpy(out, tag, (size_t)n);
	/* the payload: the base-26 digits of a hash read as a fraction, h/2^64
	 * (each letter the integer part of h * 26, h keeping the fraction),
	 * 13 letters per 64-bit mix, so writing and checking a line cost a
	 * few mixes and one multiply per letter */
	uint64_t seed = rt_mix64(((uint64_t)id << 40) ^ seq ^ ((uint64_t)kind << 56)), h = 0;
	for (int i = n, left = 0; i < len; i++, left--) {
		if (!left) {
			seed = rt_mix64(seed + (uint64_t)i);
			h = seed;
			left = 13;
		}
		unsigned __int128 x = (unsigned __int128)h * 26;
		out[i] = (char)('a' + (int)(x >> 64));
		h = (uint64_t)x;
	}
	out[len] = 0;
}

/* Per writer and tag kind: how often each sequence number was seen. */
struct tally {
	uint64_t expected;
	uint32_t *count;
	uint64_t last_seq_plus1;   /* order check, per sink pass */
};

struct verdict {
	uint64_t lines, lost, dup, corrupt, order, unknown;
	char ex_lost[160], ex_dup[160], ex_corrupt[300], ex_order[200], ex_unknown[300];
};

static void example(char *dst, size_t n, const char *sink, size_t lineno, const char *line,
		    size_t len)
{
	if (dst[0])
		return;
	snprintf(dst, n, "sink %s line %zu: \"%.*s%s\"", sink, lineno, (int)(len > 120 ? 120 : len),
		 line, len > 120 ? "..." : "");
}

/* Decimal digits at p[*i..len) into *v; 0, or -1 with none or past max. */
static int get_dec(const char *p, size_t len, size_t *i, uint64_t max, uint64_t *v)
{
	size_t start = *i;
	uint64_t x = 0;
	for (; *i < len && p[*i] >= '0' && p[*i] <= '9'; (*i)++) {
		unsigned d = (unsigned)(p[*i] - '0');
		if (x > (max - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return *i > start ? 0 : -1;
}

/* "@T<id>:<seq>@" or "@F...": digits only, as rt_make_line writes them
 * (a sign or a space in a tag is damage) */
static int parse_tag(const char *p, size_t len, char *kind, int *id, uint64_t *seq)
{
	if (len < 5 || p[0] != '@' || (p[1] != 'T' && p[1] != 'F'))
		return -1;
	size_t i = 2;
	uint64_t x, s;
	if (get_dec(p, len, &i, INT_MAX, &x) || i >= len || p[i++] != ':' ||
	    get_dec(p, len, &i, UINT64_MAX, &s) || i >= len || p[i] != '@')
		return -1;
	*kind = p[1];
	*id = (int)x;
	*seq = s;
	return 0;
}

/* The first "@T" or "@F" in p[0..len), or NULL. */
static const char *find_tag(const char *p, size_t len)
{
	for (const char *q = p; (q = memchr(q, '@', len - (size_t)(q - p))) != NULL; q++)
		if ((size_t)(q - p) + 1 < len && (q[1] == 'T' || q[1] == 'F'))
			return q;
	return NULL;
}

int rt_oracle_check(int line_len, int tag_anywhere)
{
	int nth = rt_registry_count();
	struct tally *tl = rt_xcalloc((size_t)nth * 2, sizeof *tl);
	struct verdict v = { 0 };
	for (int i = 0; i < nth; i++) {
		struct rt_thread *t = rt_registry_get(i);
		tl[2 * i].expected = t->line_seq;
		tl[2 * i + 1].expected = t->fin_seq;
		tl[2 * i].count = rt_xcalloc(t->line_seq + 1, sizeof(uint32_t));
		tl[2 * i + 1].count = rt_xcalloc(t->fin_seq + 1, sizeof(uint32_t));
	}
	char *want = rt_xmalloc((size_t)line_len + 1);
	rt_sinks_lock();
	for (int si = 0; si < rt_sinks_count(); si++) {
		const char *sname, *p;
		size_t len, lineno = 0;
		rt_sink_view(si, &sname, &p, &len);
		for (int i = 0; i < 2 * nth; i++)
			tl[i].last_seq_plus1 = 0;
		while (len) {
			const char *nl = memchr(p, '\n', len);
			size_t ll = nl ? (size_t)(nl - p) : len;
			lineno++;
			const char *tag = find_tag(p, ll);
			if (tag) {
				char kind;
				int id;
				uint64_t seq;
				/* q, ql: the tagged line; with tag_anywhere it may follow a
				 * prefix (a program's log format) */
				const char *q = tag_anywhere ? tag : p;
				size_t ql = ll - (size_t)(q - p);
				if (parse_tag(q, ql, &kind, &id, &seq) || id >= nth) {
					v.corrupt++;
					example(v.ex_corrupt, sizeof v.ex_corrupt, sname, lineno, p, ll);
				} else {
					struct tally *x = &tl[2 * id + (kind == 'F')];
					rt_make_line(want, line_len, kind, id, seq);
					if (seq >= x->expected) {
						v.unknown++;
						example(v.ex_unknown, sizeof v.ex_unknown, sname, lineno, p, ll);
					} else if (ql != (size_t)line_len || memcmp(q, want, ql)) {
						v.corrupt++;
						example(v.ex_corrupt, sizeof v.ex_corrupt, sname, lineno, p, ll);
					} else {
						v.lines++;
						x->count[seq]++;
						if (seq + 1 >= x->last_seq_plus1) {
							x->last_seq_plus1 = seq + 1;
						} else if (!v.order++) {
							snprintf(v.ex_order, sizeof v.ex_order,
								 "sink %s line %zu: @%c%d:%" PRIu64
								 "@ after @%c%d:%" PRIu64 "@",
								 sname, lineno, kind, id, seq, kind, id,
								 x->last_seq_plus1 - 1);
						}
					}
				}
			}
			if (!nl)
				break;
			p = nl + 1;
			len -= ll + 1;
		}
	}
	rt_sinks_unlock();
	uint64_t written = 0;
	for (int i = 0; i < 2 * nth; i++) {
		written += tl[i].expected;
		for (uint64_t q = 0; q < tl[i].expected; q++) {
			uint32_t c = tl[i].count[q];
			char *dst = c == 0 ? v.ex_lost : c > 1 ? v.ex_dup : NULL;
			if (c == 0)
				v.lost++;
			else if (c > 1)
				v.dup++;
			if (dst && !dst[0]) {
				struct rt_thread *t = rt_registry_get(i / 2);
				snprintf(dst, 160, "@%c%d:%" PRIu64 "@ from %s, seen %u times",
					 i % 2 ? 'F' : 'T', i / 2, q, t->name, c);
			}
		}
		free(tl[i].count);
	}
	free(tl);
	free(want);
	int bad = v.lost || v.dup || v.corrupt || v.order || v.unknown;
	if (bad) {
		struct rt_buf b = { 0 }, canon = { 0 };
		rt_buf_printf(&b, "\n======================================================\n"
				  "FINDING: output integrity violated; %s\n"
				  "------------------------------------------------------\n"
				  "  tagged lines completed by drivers: %" PRIu64 "; found intact: %" PRIu64 "\n",
			      rt_report_context(), written, v.lines);
#define KIND(field, label, ex)                                                             \
	if (v.field) {                                                                     \
		rt_buf_printf(&b, "  %-26s %" PRIu64 ", e.g. %s\n", label, v.field, ex);    \
		rt_buf_printf(&canon, "%s%s", canon.len ? "+" : "", #field);               \
	}
		KIND(lost, "lost:", v.ex_lost)
		KIND(dup, "duplicated:", v.ex_dup)
		KIND(corrupt, "split or merged:", v.ex_corrupt)
		KIND(order, "out of per-thread order:", v.ex_order)
		KIND(unknown, "never written:", v.ex_unknown)
#undef KIND
		char sig[256];
		rt_signature(sig, sizeof sig, "INTEGRITY", canon.p);
		rt_buf_printf(&b, "\nsignature: %s\nreplay: %s\n", sig, rt_report_replay());
		char title[300];
		snprintf(title, sizeof title, "output integrity violated: %s", canon.p);
		rt_report_finding(RT_EXIT_FINDING, "integrity", title, sig, b.p);
		rt_buf_free(&b);
		rt_buf_free(&canon);
	}
	return bad;
}
