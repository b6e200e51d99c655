/* SPDX-License-Identifier: Apache-2.0 */
/* util.h - small helpers shared by the engine: time, memory, hashing,
 * a seeded RNG, and output that bypasses the redirection under test. */
#ifndef RT_UTIL_H
#define RT_UTIL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

uint64_t rt_now_ns(void);                 /* CLOCK_MONOTONIC */
/* The process's coarse clock, a load instead of a clock read: the last
 * rt_now_ns() reading of any thread.  Never ahead of rt_now_ns; behind it
 * by at most RT_TICK_NS plus the longest time no thread read the clock (the watchdog
 * reads it at least every 10 ms while it runs, engine/watchdog.c).  For the age
 * stamps of held locks on the lock fast path (runtime/lock_fast.h), which
 * reports print in hundredths of a second. */
#define RT_TICK_NS 1000000ULL
extern _Atomic uint64_t rt_tick_last_ns;
static inline uint64_t rt_tick_ns(void)
{
	return atomic_load_explicit(&rt_tick_last_ns, memory_order_relaxed);
}
void rt_sleep_ns(uint64_t ns);
/* The absolute time ns from now on clock clk: the deadline of a
 * pthread_cond_timedwait (CLOCK_REALTIME, the default condvar clock). */
struct timespec rt_deadline_in(clockid_t clk, uint64_t ns);

void *rt_xmalloc(size_t n);
void *rt_xcalloc(size_t n, size_t sz);
void *rt_xrealloc(void *p, size_t n);
char *rt_xstrdup(const char *s);
void rt_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

uint64_t rt_fnv1a(const void *p, size_t n, uint64_t h);
#define RT_FNV_INIT 0xcbf29ce484222325ULL

/* splitmix64: tiny, seedable, good enough for noise and choices. */
struct rt_rng { uint64_t s; };
uint64_t rt_rng_next(struct rt_rng *r);
uint32_t rt_rng_below(struct rt_rng *r, uint32_t n);   /* uniform in [0,n) */
uint64_t rt_mix64(uint64_t x);

const char *rt_basename(const char *path);
/* A count's plural ending: "%d thread%s", n, rt_s(n); any integer type */
static inline const char *rt_s(unsigned long long n) { return n == 1 ? "" : "s"; }

/* Saved descriptors: taken before any target starts, so reports never go
 * through the redirection under test. */
void rt_out_init(void);
int rt_out_fd(void);                      /* saved stdout */
int rt_err_fd(void);                      /* saved stderr */
/* Point fd 1/2 back at the saved originals (a target may have dup2-ed over
 * them); before a hang report and at the end of a run. */
void rt_std_fds_restore(void);
/* 1 once the saved stdout's reader has gone where the kernel says so with
 * POLLERR: a pipe's (`| head -1`), or a pseudo-terminal's whose master
 * closed (POLLERR|POLLHUP).  Never for a file or a live terminal, nor for a
 * socket whose peer closed (a Unix socket gives POLLHUP, TCP nothing until
 * a write fails): this does not see those. */
int rt_out_closed(void);
/* One heartbeat on fd (a non-blocking pipe to the supervisor): fd, or -1
 * once it fails.  EPIPE: the supervisor is gone, and this process ends, as
 * SIGPIPE ended it before the harness ignored SIGPIPE. */
int rt_heartbeat(int fd);
void rt_fdprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 0, or -errno of the write that failed (a 0-byte write counts as ENOSPC). */
int rt_write_all(int fd, const char *buf, size_t len);

/* Growable string buffer. */
struct rt_buf { char *p; size_t len, cap; };
void rt_buf_add(struct rt_buf *b, const char *s, size_t n);
void rt_buf_printf(struct rt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Every line of text, each after prefix and ending in a newline. */
void rt_buf_indent(struct rt_buf *b, const char *prefix, const char *text);
void rt_buf_vprintf(struct rt_buf *b, const char *fmt, va_list ap);
/* A string literal, its length counted by the compiler. */
#define rt_buf_lit(b, lit) rt_buf_add((b), "" lit, sizeof(lit) - 1)
/* s as well-formed UTF-8 (RFC 3629): each byte that does not start a
 * well-formed sequence (a stray continuation, an overlong form, a surrogate,
 * a truncated sequence) becomes U+FFFD, one per byte; the rest unchanged. */
void rt_buf_utf8(struct rt_buf *b, const char *s);
void rt_buf_free(struct rt_buf *b);
/* s as one word for a POSIX shell: as it is if it only has safe
 * characters, else in single quotes ('' for the empty string). */
void rt_buf_shell_quote(struct rt_buf *b, const char *s);

/* Open-addressing hash map from uint64_t keys (any but UINT64_MAX) to int
 * values; zero-initialized is empty. */
struct rt_u64map {
	uint64_t *keys;    /* key + 1; 0 = empty slot */
	int *vals;
	size_t cap, n;
};
/* 1 and *val (if val) if key is in m, else 0. */
int rt_u64map_get(const struct rt_u64map *m, uint64_t key, int *val);
/* Insert key, or replace its value. */
void rt_u64map_put(struct rt_u64map *m, uint64_t key, int val);
void rt_u64map_free(struct rt_u64map *m);

/* Write a whole file atomically: a new temp file (mkstemp) in the same
 * directory, every write checked, fsync, rename.  0, or -errno with the temp
 * removed and the old file untouched. */
int rt_write_file_atomic(const char *path, const char *data, size_t len);

/* Read a whole input file (scenario, repro, script) into out: regular files
 * only (opened non-blocking, so a FIFO is refused instead of waited on),
 * every read checked, at most max bytes.  0, or -1 with one line in err:
 * "PATH: cannot open|cannot read WHAT: why (expected EXPECTED)". */
int rt_read_input(const char *path, const char *what, const char *expected, size_t max,
		  struct rt_buf *out, char *err, size_t errlen);
/* s with control bytes and backslashes as C escapes (\r, \x1b, \\). */
void rt_buf_add_escaped(struct rt_buf *b, const char *s, size_t n);
/* "redirtorture: ERR" on the saved stderr as one line, control bytes of
 * the input it echoes escaped. */
void rt_input_error(const char *err);

#endif
