/* SPDX-License-Identifier: Apache-2.0 */
/* pystreams.c - see pystreams.h. */
#include "pystreams.h"

#include "session/session_oracle.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Atomic(struct pys *) pys_stdout, pys_stderr;
struct pys pys_orig_out, pys_orig_err, pys_proxy_out, pys_proxy_err;
_Atomic int pys_live_threads;
void (*pys_pipe_reader)(int fd, char *out, size_t n);

int pys_fd_quiet;

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PYS_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define PYS_TSAN 1
#endif
#ifdef PYS_TSAN
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
void AnnotateIgnoreWritesBegin(const char *file, int line);
void AnnotateIgnoreWritesEnd(const char *file, int line);
void pys_fd_quiet_begin(void)
{
	AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
	AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
}
void pys_fd_quiet_end(void)
{
	AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
	AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
}
#else
void pys_fd_quiet_begin(void) {}
void pys_fd_quiet_end(void) {}
#endif

static pthread_mutex_t list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct pys_session *all;         /* this run's loads */
static struct pys_session *graveyard;   /* older loads a live thread may still use */
static _Atomic(struct pys_session *) current[RT_MAX_SESSIONS];
static int loads[RT_MAX_SESSIONS];      /* per sid; only its session thread counts */
static _Atomic unsigned tl_gen;
static _Thread_local struct {
	unsigned gen;
	struct pys *o[3];
} tl;

static void free_sessions(struct pys_session *s)
{
	while (s) {
		struct pys_session *next = s->next;
		rt_lock_free(s->cap.lock);
		lb_str_free(&s->cap.text);
		free(s);
		s = next;
	}
}

/* Loads of a finished run: freed unless a forwarder may still touch them. */
static void retire_sessions(void)
{
	pthread_mutex_lock(&list_mu);
	struct pys_session *old = all;
	all = NULL;
	if (atomic_load(&pys_live_threads) == 0) {
		free_sessions(graveyard);
		graveyard = NULL;
		free_sessions(old);
	} else if (old) {
		struct pys_session *tail = old;
		while (tail->next)
			tail = tail->next;
		tail->next = graveyard;
		graveyard = old;
	}
	pthread_mutex_unlock(&list_mu);
}

static void init_original(struct pys *o, enum rt_stream s)
{
	rt_lock_free(o->lock);
	memset(o, 0, sizeof *o);
	o->kind = PYS_ORIGINAL;
	o->which = s;
	o->fd = s == RT_STDOUT ? 1 : 2;
	o->fd_dup = -1;
	o->lock = rt_lock_new(s == RT_STDOUT ? "BufferedWriter(stdout)._lock"
					     : "BufferedWriter(stderr)._lock",
			      RT_LOCK_PLAIN);
}

static _Atomic int cell_counter;

struct pys_session *pys_cell_begin(int sid)
{
	struct pys_session *s = pys_current(sid);
	if (s)
		atomic_store(&s->cell_id, atomic_fetch_add(&cell_counter, 1) + 1);
	return s;
}

void pys_install_proxies(void)
{
	atomic_store(&pys_stdout, &pys_proxy_out);
	atomic_store(&pys_stderr, &pys_proxy_err);
}

int pys_session_open(int sid, const char **why)
{
	(void)why;
	pys_set_current(sid, pys_session_new(sid));
	return 0;
}

void pys_session_close(int sid)
{
	struct pys_session *s = pys_current(sid);
	if (s)
		atomic_store(&s->stopped, 1);
	pys_set_current(sid, NULL);
}

void pys_reset(void)
{
	atomic_store(&cell_counter, 0);
	signal(SIGPIPE, SIG_IGN);   /* as CPython does: EPIPE instead of death */
	retire_sessions();
	init_original(&pys_orig_out, RT_STDOUT);
	init_original(&pys_orig_err, RT_STDERR);
	pys_proxy_out = (struct pys){ .kind = PYS_PROXY, .which = RT_STDOUT, .fd_dup = -1 };
	pys_proxy_err = (struct pys){ .kind = PYS_PROXY, .which = RT_STDERR, .fd_dup = -1 };
	atomic_store(&pys_stdout, &pys_orig_out);
	atomic_store(&pys_stderr, &pys_orig_err);
	for (int i = 0; i < RT_MAX_SESSIONS; i++) {
		atomic_store(&current[i], NULL);
		loads[i] = 0;
	}
	atomic_fetch_add(&tl_gen, 1);
	pys_pipe_reader = NULL;
	pys_fd_quiet = 0;
}

void pys_teardown(void)
{
	for (int i = 0; i < RT_MAX_SESSIONS; i++)
		atomic_store(&current[i], NULL);
	atomic_store(&pys_stdout, &pys_orig_out);
	atomic_store(&pys_stderr, &pys_orig_err);
	retire_sessions();
}

_Atomic(struct pys *) *pys_global(enum rt_stream s)
{
	return s == RT_STDOUT ? &pys_stdout : &pys_stderr;
}

struct pys_session *pys_session_new(int sid)
{
	struct pys_session *s = calloc(1, sizeof *s);
	if (!s) {
		fputs("redirtorture: out of memory in target\n", stderr);
		abort();
	}
	s->sid = sid;
	s->load = ++loads[sid];
	s->sink = rt_session_sink(sid);
	struct pys *st[2] = { &s->out, &s->err };
	for (int i = 0; i < 2; i++) {
		st[i]->kind = PYS_SESSION;
		st[i]->which = i ? RT_STDERR : RT_STDOUT;
		st[i]->sess = s;
		st[i]->fd_dup = -1;
		st[i]->original_fd = st[i]->pipe_r = st[i]->pipe_w = -1;
	}
	s->cap.kind = PYS_BUFFER;
	s->cap.which = RT_STDOUT;
	s->cap.sess = s;
	s->cap.fd_dup = -1;
	s->cap.lock = rt_lock_new("io.StringIO(GIL)", RT_LOCK_PLAIN);
	pthread_mutex_lock(&list_mu);
	s->next = all;
	all = s;
	pthread_mutex_unlock(&list_mu);
	return s;
}

struct pys_session *pys_current(int sid) { return atomic_load(&current[sid]); }
void pys_set_current(int sid, struct pys_session *s) { atomic_store(&current[sid], s); }

void pys_each_session(int (*fn)(struct pys_session *s, void *arg), void *arg)
{
	pthread_mutex_lock(&list_mu);
	for (struct pys_session *s = all; s; s = s->next)
		if (fn(s, arg))
			break;
	pthread_mutex_unlock(&list_mu);
}

/* ---- writing ------------------------------------------------------------- */

void pys_fd_write(int fd, const char *buf, size_t len)
{
	char st[128], who[256], note[512];
	int noted = 0;
	if (rt_pipe_state(fd, len, st, sizeof st)) {
		snprintf(who, sizeof who, "not a pipe of any session");
		if (pys_pipe_reader)
			pys_pipe_reader(fd, who, sizeof who);
		snprintf(note, sizeof note, "write(2) of %zu bytes to fd %d: %s; %s", len, fd, st, who);
		rt_thread_set_note(note);
		noted = 1;
	}
	rt_syscall_begin(fd == 1 ? "write(fd 1)" : fd == 2 ? "write(fd 2)" : "write(fd)");
	while (len) {
		if (pys_fd_quiet)
			pys_fd_quiet_begin();
		ssize_t n = write(fd, buf, len);
		if (pys_fd_quiet)
			pys_fd_quiet_end();
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;   /* EPIPE, EBADF: the text is lost, as OSError would lose it */
		}
		buf += n;
		len -= (size_t)n;
	}
	rt_syscall_end();
	if (noted)
		rt_thread_set_note(NULL);
}

void pys_tl_set(enum rt_stream s, struct pys *o)
{
	unsigned g = atomic_load(&tl_gen);
	if (tl.gen != g) {
		memset(&tl, 0, sizeof tl);
		tl.gen = g;
	}
	tl.o[s] = o;
}

struct pys *pys_tl_get(enum rt_stream s)
{
	return tl.gen == atomic_load(&tl_gen) ? tl.o[s] : NULL;
}

int pys_write(struct pys *o, const char *buf, size_t len)
{
	switch (o->kind) {
	case PYS_ORIGINAL:
		rt_lock_acquire(o->lock);
		pys_fd_write(o->fd, buf, len);
		rt_lock_release(o->lock);
		return 0;
	case PYS_SESSION:
		rt_point("ThreadSafeStdout.write");
		if (!atomic_load(&o->sess->cell_id))
			return -1;   /* assert cell_id is not None */
		rt_sink_write(o->sess->sink, buf, len);
		return 0;
	case PYS_BUFFER:
		rt_lock_acquire(o->lock);
		lb_str_add(&o->text, buf, len);
		rt_lock_release(o->lock);
		return 0;
	case PYS_PROXY: {
		struct pys *t = pys_tl_get(o->which);
		return pys_write(t ? t : o->which == RT_STDOUT ? &pys_orig_out : &pys_orig_err, buf,
				 len);
	}
	}
	return -1;
}

void pys_print(enum rt_stream s, const char *buf, size_t len)
{
	/* print() looks sys.stdout up at call time */
	pys_write(atomic_load(pys_global(s)), buf, len);
}

void pys_server_log(const char *buf, size_t len) { pys_write(&pys_orig_err, buf, len); }

/* ---- capture buffers ------------------------------------------------------ */

void pys_buffer_reset(struct pys *b)
{
	rt_lock_acquire(b->lock);
	b->text.len = 0;
	rt_lock_release(b->lock);
}

char *pys_buffer_take(struct pys *b, size_t *len)
{
	rt_lock_acquire(b->lock);
	char *out = malloc(b->text.len + 1);
	if (out) {
		if (b->text.len)
			memcpy(out, b->text.p, b->text.len);
		out[b->text.len] = 0;
	}
	*len = out ? b->text.len : 0;
	b->text.len = 0;
	rt_lock_release(b->lock);
	return out;
}

void pys_redirect_begin(struct pys_session *s)
{
	pys_buffer_reset(&s->cap);
	rt_point("redirect_stdout.__enter__: save sys.stdout");
	s->cap_saved = atomic_load(&pys_stdout);
	rt_point("redirect_stdout.__enter__: set sys.stdout");
	atomic_store(&pys_stdout, &s->cap);
}

char *pys_redirect_end(struct pys_session *s, size_t *len)
{
	rt_point("redirect_stdout.__exit__: restore sys.stdout");
	atomic_store(&pys_stdout, s->cap_saved);
	return pys_buffer_take(&s->cap, len);
}

/* ---- descriptions ---------------------------------------------------------- */

void pys_describe(const struct pys *o, char *out, size_t n)
{
	const char *name = o->which == RT_STDOUT ? "stdout" : "stderr";
	switch (o->kind) {
	case PYS_ORIGINAL: snprintf(out, n, "the original sys.__%s__", name); break;
	case PYS_PROXY: snprintf(out, n, "the thread-local %s proxy", name); break;
	case PYS_SESSION:
		snprintf(out, n, "session %d (load %d)'s %s stream%s%s", o->sess->sid, o->sess->load, name,
			 atomic_load(&o->sess->stopped) ? ", stopped" : "",
			 o->pipe_w >= 0 && atomic_load(&o->fd_dup) < 0 ? ", not redirected" : "");
		break;
	case PYS_BUFFER:
		snprintf(out, n, "session %d (load %d)'s capture buffer (io.StringIO)", o->sess->sid,
			 o->sess->load);
		break;
	}
}

int pys_idle_check(struct pys *want_out, struct pys *want_err, char *why, size_t n)
{
	struct pys *g1 = atomic_load(&pys_stdout), *g2 = atomic_load(&pys_stderr);
	if (g1 == want_out && g2 == want_err)
		return 0;
	char d1[160] = "", d2[160] = "";
	if (g1 != want_out)
		pys_describe(g1, d1, sizeof d1);
	if (g2 != want_err)
		pys_describe(g2, d2, sizeof d2);
	snprintf(why, n, "%s%s%s%s%s", d1[0] ? "sys.stdout is " : "", d1, d1[0] && d2[0] ? "; " : "",
		 d2[0] ? "sys.stderr is " : "", d2);
	return -1;
}

int pys_idle_check_originals(char *why, size_t n)
{
	return pys_idle_check(&pys_orig_out, &pys_orig_err, why, n);
}

int pys_idle_check_proxies(char *why, size_t n)
{
	return pys_idle_check(&pys_proxy_out, &pys_proxy_err, why, n);
}

void pys_c_write(enum rt_stream s, const char *buf, size_t len)
{
	pys_fd_write(s == RT_STDOUT ? 1 : 2, buf, len);
}
