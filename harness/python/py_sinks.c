/* SPDX-License-Identifier: Apache-2.0 */
/* py_sinks.c - where the embedded-Python targets' output goes (part of the
 * plugin, see py_rich.c).
 *
 * The console's file (Rich) or harness.terminal (py: modules) is a terminal:
 * sink "terminal", one line for all writers.  The process's own sys.stdout
 * and sys.stderr (what the redirection replaces) are sinks "stdout"/"stderr"
 * that assemble lines per writing thread and finalizer nesting, i.e. a
 * line-atomic terminal, so only the code under test can split lines; for
 * every Python run their complete lines travel through fd 1/2, which
 * are pipes drained into the same sinks (py_fds.c), so what C code or an
 * fd-level redirector writes there arrives too.  "capture" gets what a
 * module's capture() returns, "capture_stdout"/"capture_stderr" the two
 * parts of a capture that keeps the streams apart.  Every sink reads text
 * as a screen does, per writer: control sequences (CSI, OSC) are dropped
 * and '\r' starts the line over, so a progress bar's redraws and
 * clear-line sequences leave only the lines it finally prints.  Under
 * `redirtorture py` fd 1/2 are such pipes too, and the drain also copies
 * what they carry to the real terminal (py_fds.c's echo), so the user sees
 * the program's output as it comes, each line as it was written.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/py_sinks.h"
#include "python/py_fds.h"
#include "python/pymodule.h"
#include "runtime/registry.h"
#include "runtime/rt.h"
#include "runtime/schedpoint.h"
#include "base/util.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

static const char *const sink_names[NSINKS] = { "terminal", "stdout", "stderr", "capture",
						 "capture_stdout", "capture_stderr" };

/* A plain pthread mutex guards them, never a harness lock. */

struct linebuf {
	int stream, tid, depth, esc;
	struct rt_buf b;
	struct rt_buf raw;   /* the same line as written, from its last '\r' */
};
static pthread_mutex_t sink_mu = PTHREAD_MUTEX_INITIALIZER;
static rt_sink *sinks[NSINKS];
static struct rt_buf term_line;          /* the terminal's current line */
static int term_esc;                     /* escape-sequence parser state */
static struct linebuf *lbufs;
static int nlbufs, caplbufs;
static int echo_tail;                    /* partial lines at close to the real fds too */

static void term_feed(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (term_esc) {
		case 0:
			if (c == 0x1b)
				term_esc = 1;
			else if (c == '\r')
				term_line.len = 0;     /* the line is drawn over */
			else if (c == '\n') {
				rt_buf_lit(&term_line, "\n");
				rt_sink_write(sinks[SINK_TERMINAL], term_line.p, term_line.len);
				term_line.len = 0;
			} else
				rt_buf_add(&term_line, (const char *)&c, 1);
			break;
		case 1: term_esc = c == '[' ? 2 : c == ']' ? 3 : 0; break;   /* CSI, OSC */
		case 2: term_esc = c >= 0x40 && c <= 0x7e ? 0 : 2; break;
		case 3: term_esc = c == 0x07 ? 0 : c == 0x1b ? 4 : 3; break;
		default: term_esc = 0; break;
		}
	}
}

static struct linebuf *linebuf_of(int stream, int tid, int depth)
{
	for (int i = 0; i < nlbufs; i++)
		if (lbufs[i].stream == stream && lbufs[i].tid == tid && lbufs[i].depth == depth)
			return &lbufs[i];
	if (nlbufs == caplbufs) {
		caplbufs = caplbufs ? caplbufs * 2 : 16;
		lbufs = rt_xrealloc(lbufs, (size_t)caplbufs * sizeof *lbufs);
	}
	lbufs[nlbufs] = (struct linebuf){ stream, tid, depth, 0, { 0 }, { 0 } };
	return &lbufs[nlbufs++];
}

/* One character of a screen stream: 1 if it belongs in the line (the
 * terminal's rules of term_feed, per writing thread). */
static int screen_char(struct linebuf *lb, unsigned char c)
{
	switch (lb->esc) {
	case 0:
		if (c == 0x1b) {
			lb->esc = 1;
			return 0;
		}
		if (c == '\r') {
			lb->b.len = 0;
			return 0;
		}
		return 1;
	case 1: lb->esc = c == '[' ? 2 : c == ']' ? 3 : 0; return 0;
	case 2: lb->esc = c >= 0x40 && c <= 0x7e ? 0 : 2; return 0;
	case 3: lb->esc = c == 0x07 ? 0 : c == 0x1b ? 4 : 3; return 0;
	default: lb->esc = 0; return 0;
	}
}

/* Text of one writer (thread tid at finalizer depth, or a pipe) to sink
 * stream, through the screen's rules; each line it completes goes to the
 * sink, or, if lines is given, as written (escape sequences kept, from the
 * last '\r' that started the line over) to *lines: for fd 1/2, whose drain
 * applies the same rules to each such line (one writer per pipe) and
 * gives the sink the same text, while a terminal that also shows the pipe
 * (py_fds.c's echo) gets the colours and redraws. */
static void stream_feed(int stream, int tid, int depth, const char *s, size_t n,
			struct rt_buf *lines)
{
	struct linebuf *lb = linebuf_of(stream, tid, depth);
	for (; n; s++, n--) {
		int over = !lb->esc && *s == '\r';   /* screen_char starts the line over */
		int keep = screen_char(lb, (unsigned char)*s);
		if (lines) {
			if (over)
				lb->raw.len = 0;
			rt_buf_add(&lb->raw, s, 1);
		}
		if (!keep)
			continue;
		rt_buf_add(&lb->b, s, 1);
		if (*s != '\n')
			continue;
		if (lines)
			rt_buf_add(lines, lb->raw.p, lb->raw.len);
		else
			rt_sink_write(sinks[stream], lb->b.p, lb->b.len);
		lb->b.len = lb->raw.len = 0;
	}
}

/* What fd 1 (stream 0) or fd 2 carried (py_fds.c's drain thread): one
 * writer per stream, as on a terminal. */
static void feed_fd(int stream, const char *s, size_t n)
{
	int sink = stream ? SINK_STDERR : SINK_STDOUT;
	pthread_mutex_lock(&sink_mu);
	if (sinks[sink])
		stream_feed(sink, -1, 0, s, n, NULL);
	pthread_mutex_unlock(&sink_mu);
}

/* _sink_write(sink, text): the glue's SinkFile.write (GIL held).  The
 * process's stdout/stderr assemble lines per writing thread; while fd 1/2
 * are the harness's pipes (py_fds.c) complete lines go there, written with
 * the GIL released as a real file's write does, so an fd-level redirector
 * that took over fd 1/2 gets them. */
static PyObject *py_sink_write(PyObject *self, PyObject *args)
{
	(void)self;
	int sink;
	const char *s;
	Py_ssize_t n;
	if (!PyArg_ParseTuple(args, "is#:sink_write", &sink, &s, &n))
		return NULL;
	if (sink < 0 || sink >= NSINKS) {
		PyErr_SetString(PyExc_ValueError, "no such sink");
		return NULL;
	}
	int stream = sink == SINK_STDOUT || sink == SINK_STDERR;
	int tid = stream ? rt_py_self()->id : 0;
	int depth = rt_py_fin_depth();
	struct rt_buf lines = { 0 };
	int to_fd = stream && py_fds_on();
	pthread_mutex_lock(&sink_mu);
	if (!sinks[sink])
		; /* between runs, or no such sink in this run: dropped */
	else if (sink == SINK_TERMINAL)
		term_feed(s, (size_t)n);
	else
		stream_feed(sink, tid, depth, s, (size_t)n, to_fd ? &lines : NULL);
	pthread_mutex_unlock(&sink_mu);
	int rc = 0;
	if (lines.len) {
		/* free-running, a write that blocks (a pipe over fd 1/2 that
		 * nobody drains) is a wait the watchdog sees: a HANG after the
		 * stall timeout, naming the write, not "running" until the end */
		int mark = !rt_sched->controlled;
		if (mark)
			rt_syscall_begin_quiet_at(sink == SINK_STDERR ? "write(fd 2)" : "write(fd 1)",
						  RT_SITE);
		Py_BEGIN_ALLOW_THREADS
		rc = rt_write_all(sink == SINK_STDERR ? 2 : 1, lines.p, lines.len);
		Py_END_ALLOW_THREADS
		if (mark)
			rt_syscall_end();
	}
	rt_buf_free(&lines);
	if (rc < 0) {
		errno = -rc;
		return PyErr_SetFromErrno(PyExc_OSError);
	}
	Py_RETURN_NONE;
}

PyMethodDef py_sink_write_def = { "sink_write", py_sink_write, METH_VARARGS,
				      "sink_write(sink, text)" };

void py_sinks_open(int with_capture)
{
	pthread_mutex_lock(&sink_mu);
	for (int i = 0; i < NSINKS; i++)
		sinks[i] = i >= SINK_CAPTURE && !with_capture ? NULL : rt_sink_new(sink_names[i]);
	term_line.len = 0;
	term_esc = 0;
	nlbufs = 0;
	pthread_mutex_unlock(&sink_mu);
}

int py_sinks_fds_open(int echo)
{
	echo_tail = echo;
	return py_fds_open(feed_fd, echo);
}

/* Partial lines come out at the end, newline added. */
void py_sinks_close(void)
{
	/* fd 1/2 back, the pipes drained; a stuck echo gets no more */
	int tail = !py_fds_close() && echo_tail;
	echo_tail = 0;
	pthread_mutex_lock(&sink_mu);
	if (term_line.len) {
		rt_buf_lit(&term_line, "\n");
		rt_sink_write(sinks[SINK_TERMINAL], term_line.p, term_line.len);
	}
	term_line.len = 0;
	for (int i = 0; i < nlbufs; i++) {
		struct linebuf *lb = &lbufs[i];
		if (lb->b.len) {
			rt_buf_lit(&lb->b, "\n");
			rt_sink_write(sinks[lb->stream], lb->b.p, lb->b.len);
		}
		if (tail && lb->raw.len && lb->tid >= 0)   /* as the program left it */
			rt_write_all(lb->stream == SINK_STDERR ? rt_err_fd() : rt_out_fd(), lb->raw.p,
				     lb->raw.len);
		rt_buf_free(&lb->b);
		rt_buf_free(&lb->raw);
	}
	nlbufs = 0;
	for (int i = 0; i < NSINKS; i++)
		sinks[i] = NULL;
	pthread_mutex_unlock(&sink_mu);
}
