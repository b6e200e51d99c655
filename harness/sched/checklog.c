/* SPDX-License-Identifier: Apache-2.0 */
/* checklog.c - see checklog.h */
#include "sched/checklog.h"

#include "sched/checkhash.h"

#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* One choice: its nwords words follow the previous choice's in w. */
struct ckrec {
	int nwords, ev;
	const char *cls;    /* NULL: not an acquire */
};

struct rt_checklog {
	uint64_t *w;
	size_t nw, capw;
	struct ckrec *rec;
	size_t nrec, caprec;
	int filled;
};

uint8_t rt_check_byte(uint64_t h, int ev, const char *cls)
{
	h = rt_fnv1a(&ev, sizeof ev, h);
	if (cls)
		h = rt_fnv1a(cls, strlen(cls), h);
	return (uint8_t)(h ^ (h >> 8) ^ (h >> 16) ^ (h >> 24));
}

void rt_checklog_add(struct rt_checklog **logp, const uint64_t *w, int nw, int ev, const char *cls)
{
	struct rt_checklog *l = *logp;
	if (!l)   /* new each execution: nothing here depends on earlier ones (AFL++) */
		l = *logp = rt_xcalloc(1, sizeof *l);
	/* room for 4096 choices of up to 128 threads at first: an execution
	 * that fits grows nothing (pages it does not touch cost nothing; freed
	 * memory stays in the process, main.c) */
	if (l->nw + (size_t)nw > l->capw) {
		l->capw = 2 * l->capw > l->nw + (size_t)nw + 8192 ? 2 * l->capw : l->nw + (size_t)nw + 8192;
		l->w = rt_xrealloc(l->w, l->capw * sizeof *l->w);
	}
	if (l->nrec == l->caprec) {
		l->caprec = l->caprec ? 2 * l->caprec : 4096;
		l->rec = rt_xrealloc(l->rec, l->caprec * sizeof *l->rec);
	}
	for (int j = 0; j < nw; j++)   /* a word or two: no call to memcpy */
		l->w[l->nw + (size_t)j] = w[j];
	l->rec[l->nrec++] = (struct ckrec){ nw, ev, cls };
	l->nw += (size_t)nw;
}

void rt_checklog_fill(struct rt_checklog *l, struct rt_choice *choices, size_t n)
{
	if (!l || l->filled)
		return;
	struct rt_checkhash h = { 0 };
	const uint64_t *w = l->w;
	for (size_t i = 0; i < n && i < l->nrec; i++) {
		const struct ckrec *r = &l->rec[i];
		uint64_t set = rt_checkhash_bits(&h, w, r->nwords);
		choices[i].check = rt_check_byte(set, r->ev, r->cls);
		w += r->nwords;
	}
	rt_checkhash_free(&h);
	l->filled = 1;
}

void rt_checklog_free(struct rt_checklog *l)
{
	if (!l)
		return;
	free(l->w);
	free(l->rec);
	free(l);
}
