/* SPDX-License-Identifier: Apache-2.0 */
/* util.c - see util.h */
#include "base/util.h"

#include "base/report.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

_Atomic uint64_t rt_tick_last_ns;

uint64_t rt_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	/* every reading, unconditionally: a branch on the time here made
	 * coverage differ from run to run of the same input (AFL++ stability
	 * 96.6% -> 95.1%, below the CI smoke's 95%); a racing thread may put
	 * back a reading a few ns older, which the next one corrects */
	atomic_store_explicit(&rt_tick_last_ns, now, memory_order_relaxed);
	return now;
}

struct timespec rt_deadline_in(clockid_t clk, uint64_t ns)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	uint64_t sum = (uint64_t)ts.tv_nsec + ns;
	ts.tv_sec += (time_t)(sum / 1000000000ULL);
	ts.tv_nsec = (long)(sum % 1000000000ULL);
	return ts;
}

void rt_sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL) };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

void rt_die(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rt_fdprintf(rt_err_fd(), "redirtorture: internal error: %s\n", msg);
	_exit(70);
}

void *rt_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		rt_die("out of memory (%zu bytes)", n);
	return p;
}

void *rt_xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);
	if (!p)
		rt_die("out of memory (%zu x %zu bytes)", n, sz);
	return p;
}

void *rt_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		rt_die("out of memory (%zu bytes)", n);
	return p;
}

char *rt_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(rt_xmalloc(n), s, n);
}

uint64_t rt_fnv1a(const void *p, size_t n, uint64_t h)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t rt_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t rt_rng_next(struct rt_rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return rt_mix64(r->s);
}

uint32_t rt_rng_below(struct rt_rng *r, uint32_t n)
{
	if (n <= 1)
		return 0;
	return (uint32_t)(((rt_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

const char *rt_basename(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : (path ? path : "?");
}

static int out_fd = 1, err_fd = 2;

void rt_out_init(void)
{
	/* F_DUPFD_CLOEXEC above 100 keeps the copies clear of the low numbers
	 * a target may dup2 over. */
	int o = fcntl(1, F_DUPFD_CLOEXEC, 100), e = fcntl(2, F_DUPFD_CLOEXEC, 100);
	/* a low open-files limit has no fd 100: any copy beats none */
	if (o < 0)
		o = fcntl(1, F_DUPFD_CLOEXEC, 3);
	if (e < 0)
		e = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (o >= 0)
		out_fd = o;
	if (e >= 0)
		err_fd = e;
}

int rt_out_fd(void) { return out_fd; }
int rt_err_fd(void) { return err_fd; }

void rt_std_fds_restore(void)
{
	if (out_fd > 2)
		dup2(out_fd, 1);
	if (err_fd > 2)
		dup2(err_fd, 2);
}

int rt_out_closed(void)
{
	struct pollfd p = { rt_out_fd(), 0, 0 };   /* POLLERR is always reported */
	return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

int rt_heartbeat(int fd)
{
	if (fd < 0 || write(fd, "h", 1) >= 0 || errno == EAGAIN)
		return fd;
	if (errno == EPIPE)
		_exit(RT_EXIT_INTERRUPTED);
	return -1;
}

int rt_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENOSPC;   /* no progress: treat as full */
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

void rt_fdprintf(int fd, const char *fmt, ...)
{
	struct rt_buf b = { 0 };
	va_list ap;
	va_start(ap, fmt);
	rt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	rt_write_all(fd, b.p, b.len);
	rt_buf_free(&b);
}

void rt_buf_add(struct rt_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = rt_xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

int rt_u64map_get(const struct rt_u64map *m, uint64_t key, int *val)
{
	if (!m->cap)
		return 0;
	for (size_t i = rt_mix64(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->keys[i])
			return 0;
		if (m->keys[i] == key + 1) {
			if (val)
				*val = m->vals[i];
			return 1;
		}
	}
}

void rt_u64map_put(struct rt_u64map *m, uint64_t key, int val)
{
	if ((m->n + 1) * 2 > m->cap) {   /* at most half full: probes stay short */
		struct rt_u64map old = *m;
		m->cap = m->cap ? m->cap * 2 : 64;
		m->keys = rt_xcalloc(m->cap, sizeof *m->keys);
		m->vals = rt_xcalloc(m->cap, sizeof *m->vals);
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				rt_u64map_put(m, old.keys[i] - 1, old.vals[i]);
		rt_u64map_free(&old);
	}
	size_t i = rt_mix64(key) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != key + 1)
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i])
		m->n++;
	m->keys[i] = key + 1;
	m->vals[i] = val;
}

void rt_u64map_free(struct rt_u64map *m)
{
	free(m->keys);
	free(m->vals);
	*m = (struct rt_u64map){ 0 };
}

void rt_buf_vprintf(struct rt_buf *b, const char *fmt, va_list ap)
{
	char tmp[512];
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if ((size_t)n < sizeof tmp) {
		rt_buf_add(b, tmp, (size_t)n);
	} else {
		char *big = rt_xmalloc((size_t)n + 1);
		vsnprintf(big, (size_t)n + 1, fmt, ap2);
		rt_buf_add(b, big, (size_t)n);
		free(big);
	}
	va_end(ap2);
}

void rt_buf_printf(struct rt_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rt_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void rt_buf_indent(struct rt_buf *b, const char *prefix, const char *text)
{
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		rt_buf_printf(b, "%s%.*s\n", prefix, (int)len, p);
		p += len + (e != NULL);
	}
}

/* Length of the well-formed UTF-8 sequence (RFC 3629) at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
		 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	/* the second byte's range excludes overlongs, surrogates, > U+10FFFF */
	unsigned char lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
	unsigned char hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
	for (size_t i = 1; i < n; i++)
		if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf))
			return 0;
	return n;
}

void rt_buf_utf8(struct rt_buf *b, const char *s)
{
	static const char fffd[] = "\xef\xbf\xbd";   /* U+FFFD in UTF-8 */
	for (const unsigned char *p = (const unsigned char *)s; p && *p;) {
		size_t n = utf8_len(p);
		if (n)
			rt_buf_add(b, (const char *)p, n);
		else
			rt_buf_add(b, fffd, sizeof fffd - 1);   /* a byte that is not UTF-8 */
		p += n ? n : 1;
	}
}

void rt_buf_shell_quote(struct rt_buf *b, const char *s)
{
	if (s[0] && !s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+")]) {
		rt_buf_add(b, s, strlen(s));
		return;
	}
	rt_buf_lit(b, "'");
	for (; *s; s++)
		if (*s == '\'')
			rt_buf_lit(b, "'\\''");
		else
			rt_buf_add(b, s, 1);
	rt_buf_lit(b, "'");
}

void rt_buf_free(struct rt_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* The temporary is made by mkstemp in the target's directory: a new file,
 * never a planted one or a symlink (O_EXCL), on the same file system as
 * the target so rename() replaces it in one step.  Every write is checked;
 * on any failure the temporary goes and the old file stays. */
int rt_write_file_atomic(const char *path, const char *data, size_t len)
{
	size_t pl = strlen(path);
	char *tmp = rt_xmalloc(pl + 16);
	snprintf(tmp, pl + 16, "%s.tmp.XXXXXX", path);
	int rc = 0, fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	if (fchmod(fd, 0644) != 0 || (rc = rt_write_all(fd, data, len)) != 0 || fsync(fd) != 0) {
		rc = rc ? rc : -errno;
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		rc = -errno;
		unlink(tmp);
		goto out;
	}
	/* the rename itself durable (best effort: a directory may not sync) */
	char *dir = rt_xstrdup(path), *slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = 0;
	int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
out:
	free(tmp);
	return rc;
}

static const char *file_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
	     : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "a special file";
}

int rt_read_input(const char *path, const char *what, const char *expected, size_t max,
		  struct rt_buf *out, char *err, size_t errlen)
{
	struct stat st;
	char chunk[8192];
	int rc = -1;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open %s: %s (expected %s)", path, what,
			 strerror(errno), expected);
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errlen, "%s: cannot read %s: %s (expected %s)", path, what,
			 strerror(errno), expected);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot read %s: %s, not a regular file (expected %s)", path,
			 what, file_kind(st.st_mode), expected);
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: cannot read %s: %s (expected %s)", path, what,
				 strerror(errno), expected);
			goto out;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > max) {
			snprintf(err, errlen, "%s: %s too large (more than %zu bytes; expected %s)", path,
				 what, max, expected);
			goto out;
		}
		rt_buf_add(out, chunk, (size_t)n);
	}
	rc = 0;
out:
	close(fd);
	if (rc)
		rt_buf_free(out);
	return rc;
}

void rt_buf_add_escaped(struct rt_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *e = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t"
			      : c == '\\' ? "\\\\" : NULL;
		if (e)
			rt_buf_add(b, e, 2);
		else if (c < 0x20 || c == 0x7f)
			rt_buf_printf(b, "\\x%02x", c);
		else
			rt_buf_add(b, s + i, 1);
	}
}

void rt_input_error(const char *err)
{
	struct rt_buf line = { 0 };
	rt_buf_lit(&line, "redirtorture: ");
	rt_buf_add_escaped(&line, err, strlen(err));
	rt_buf_lit(&line, "\n");
	rt_write_all(rt_err_fd(), line.p, line.len);
	rt_buf_free(&line);
}
