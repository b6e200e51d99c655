/* SPDX-License-Identifier: Apache-2.0 */
/* linebuf.c - see linebuf.h. */
#include "linebuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lb_str_add(struct lb_str *s, const char *buf, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 128;
		while (cap < s->len + n + 1)
			cap *= 2;
		char *p = realloc(s->p, cap);
		if (!p) {
			fputs("redirtorture: out of memory in target\n", stderr);
			abort();
		}
		s->p = p;
		s->cap = cap;
	}
	if (n)
		memcpy(s->p + s->len, buf, n);
	s->len += n;
	s->p[s->len] = '\0';   /* handy for debugging; never relied on */
}

void lb_str_free(struct lb_str *s)
{
	free(s->p);
	s->p = NULL;
	s->len = s->cap = 0;
}

struct lb_buf {
	struct lb_buf *next;
	struct lb_str text;    /* partial line: never contains '\n' between calls */
};

/* Unique across all sets, so a slot can never look current for the wrong
 * set or run. */
static _Atomic uint64_t lb_epoch_gen;

struct lb_tls {
	uint64_t epoch;
	struct lb_buf *slot[2][LB_DEPTHS];   /* [stream == RT_STDERR][depth] */
};
/* per thread of the harness, not _Thread_local: controlled drivers may be
 * fibers sharing one kernel thread */
static struct rt_thread_key lb_key = { .size = sizeof(struct lb_tls) };

static void lb_free_list(struct lb_buf *b)
{
	while (b) {
		struct lb_buf *next = b->next;
		lb_str_free(&b->text);
		free(b);
		b = next;
	}
}

void lb_reset(struct lb_set *set)
{
	atomic_store(&set->epoch, atomic_fetch_add(&lb_epoch_gen, 1) + 1);
	pthread_mutex_lock(&set->mu);
	struct lb_buf *old = set->head;
	set->head = NULL;
	pthread_mutex_unlock(&set->mu);
	lb_free_list(old);
}

static struct lb_buf *lb_get(struct lb_set *set, enum rt_stream s, int depth)
{
	uint64_t epoch = atomic_load(&set->epoch);
	struct lb_tls *tl = rt_thread_data(&lb_key);
	if (tl->epoch != epoch) {
		/* Slots point at buffers a previous stop() freed: forget them. */
		memset(tl, 0, sizeof *tl);
		tl->epoch = epoch;
	}
	if (depth < 0)
		depth = 0;
	if (depth >= LB_DEPTHS)
		depth = LB_DEPTHS - 1;
	struct lb_buf **slot = &tl->slot[s == RT_STDERR][depth];
	if (!*slot) {
		struct lb_buf *b = calloc(1, sizeof *b);
		if (!b) {
			fputs("redirtorture: out of memory in target\n", stderr);
			abort();
		}
		pthread_mutex_lock(&set->mu);
		b->next = set->head;
		set->head = b;
		pthread_mutex_unlock(&set->mu);
		*slot = b;
	}
	return *slot;
}

void lb_write(struct lb_set *set, enum rt_stream s, int depth,
	      const char *buf, size_t len, lb_emit_fn emit)
{
	if (!len)
		return;
	struct lb_buf *b = lb_get(set, s, depth);
	const char *nl = memrchr(buf, '\n', len);
	if (!nl) {
		lb_str_add(&b->text, buf, len);
		return;
	}
	/* Move the complete lines out and keep only the new tail, before
	 * emitting: emit may run finalizers that write on this thread. */
	size_t head = (size_t)(nl - buf) + 1;
	struct lb_str out = { 0 };
	lb_str_add(&out, b->text.p, b->text.len);
	lb_str_add(&out, buf, head);
	b->text.len = 0;
	lb_str_add(&b->text, nl + 1, len - head);
	emit(out.p, out.len);
	lb_str_free(&out);
}

void lb_drain(struct lb_set *set, lb_emit_fn emit)
{
	for (;;) {
		/* New epoch first: slots pointing at buffers we are about to free
		 * become stale, and writes made by emit land in fresh buffers
		 * that the next round picks up. */
		atomic_store(&set->epoch, atomic_fetch_add(&lb_epoch_gen, 1) + 1);
		pthread_mutex_lock(&set->mu);
		struct lb_buf *list = set->head;
		set->head = NULL;
		pthread_mutex_unlock(&set->mu);
		if (!list)
			return;
		for (struct lb_buf *b = list; b; b = b->next) {
			if (emit && b->text.len) {
				lb_str_add(&b->text, "\n", 1);
				emit(b->text.p, b->text.len);
			}
		}
		lb_free_list(list);
	}
}
