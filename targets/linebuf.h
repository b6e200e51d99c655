/* SPDX-License-Identifier: Apache-2.0 */
/* linebuf.h - growable strings and per-thread line buffers shared by targets.
 *
 * Per-thread buffers (struct lb_set) keep each thread's partial line to
 * itself, so concurrent partial writes can never merge or drop text.  They
 * live in per-thread slots (rt_thread_data) but are heap buffers registered in the set, so
 * stop() can flush and free every thread's buffer (threads may be gone by
 * then), and an epoch number lets start() invalidate all thread-local slots
 * at once without touching other threads' TLS.  Only one target's set is
 * meant to be active at a time (the slots are shared between sets).
 */
#ifndef RT_TARGETS_LINEBUF_H
#define RT_TARGETS_LINEBUF_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "rt.h"

/* ---- growable string ---------------------------------------------------- */
struct lb_str {
	char *p;
	size_t len, cap;
};
/* Append n bytes (aborts on out-of-memory: a harness cannot limp on). */
void lb_str_add(struct lb_str *s, const char *buf, size_t n);
void lb_str_free(struct lb_str *s);

/* ---- per-thread line buffers -------------------------------------------- */
/* Nesting depths with separate buffers: a finalizer that runs inside a
 * target's print (depth 1) must not glue its line onto the partial line its
 * thread was writing at depth 0.  Deeper nesting shares the last slot. */
#define LB_DEPTHS 4

struct lb_buf;
struct lb_set {
	pthread_mutex_t mu;            /* guards head only; never held across a callback */
	struct lb_buf *head;           /* every buffer of the current epoch */
	_Atomic uint64_t epoch;        /* TLS slots from another epoch are stale */
};
#define LB_SET_INIT { PTHREAD_MUTEX_INITIALIZER, NULL, 0 }

/* Called with one or more complete lines, the last ending in '\n'. */
typedef void (*lb_emit_fn)(const char *lines, size_t len);

/* start(): new epoch, frees leftovers of a run that was never drained. */
void lb_reset(struct lb_set *set);
/* Append to this thread's (stream, depth) buffer; hand every complete line
 * to emit.  The buffer is consistent before emit runs, so emit may re-enter
 * lb_write on the same thread. */
void lb_write(struct lb_set *set, enum rt_stream s, int depth,
	      const char *buf, size_t len, lb_emit_fn emit);
/* stop(): emit each partial line (with '\n' appended, like print()) if emit
 * is non-NULL, and free all buffers, including ones emit itself creates. */
void lb_drain(struct lb_set *set, lb_emit_fn emit);

#endif
