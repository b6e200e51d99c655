/* SPDX-License-Identifier: Apache-2.0 */
/* py_sinks.c - where the embedded-Python targets' output goes (part of the
 * plugin, see py_rich.c).
 *
 * The console's file (Rich) or harness.terminal (py: modules) is a terminal:
 * sink "terminal", where control sequences are dropped and '\r' starts the
 * line over, as on a screen.  The process's own sys.stdout and sys.stderr
 * (what the redirection replaces) are sinks "stdout"/"stderr" that assemble
 * lines per writing thread and finalizer nesting, i.e. a line-atomic
 * terminal, so only the code under test can split lines.  "capture" gets
 * what a module's capture() returns.  Under `redirtorture py` they are the
 * program's real terminal (its text also goes to fd 1/2, from
 * redirtorture_program.py): control sequences are dropped and '\r' starts
 * the line over there too, per writing thread.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "python/py_sinks.h"
#include "python/pylocks.h"
#include "runtime/registry.h"
#include "runtime/rt.h"
#include "base/util.h"

#include <pthread.h>
#include <string.h>

static const char *const sink_names[NSINKS] = { "terminal", "stdout", "stderr", "capture" };

/* A plain pthread mutex guards them, never a harness lock. */

struct linebuf {
	int stream, tid, depth, esc;
	struct rt_buf b;
};
static pthread_mutex_t sink_mu = PTHREAD_MUTEX_INITIALIZER;
static rt_sink *sinks[NSINKS];
static struct rt_buf term_line;          /* the terminal's current line */
static int term_esc;                     /* escape-sequence parser state */
static struct linebuf *lbufs;
static int nlbufs, caplbufs;
static int screen;   /* stdout/stderr are a real terminal (py_sinks_screen) */

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
	lbufs[nlbufs] = (struct linebuf){ stream, tid, depth, 0, { 0 } };
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

static void stream_feed(int stream, int tid, int depth, const char *s, size_t n)
{
	struct linebuf *lb = linebuf_of(stream, tid, depth);
	for (; screen && n; s++, n--) {
		if (!screen_char(lb, (unsigned char)*s))
			continue;
		rt_buf_add(&lb->b, s, 1);
		if (*s == '\n') {
			rt_sink_write(sinks[stream], lb->b.p, lb->b.len);
			lb->b.len = 0;
		}
	}
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t k = nl ? (size_t)(nl - s) + 1 : n;
		rt_buf_add(&lb->b, s, k);
		if (nl) {
			rt_sink_write(sinks[stream], lb->b.p, lb->b.len);
			lb->b.len = 0;
		}
		s += k;
		n -= k;
	}
}

/* _sink_write(sink, text): the glue's SinkFile.write (GIL held). */
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
	int tid = sink == SINK_STDOUT || sink == SINK_STDERR ? rt_py_self()->id : 0;
	int depth = rt_py_fin_depth();
	pthread_mutex_lock(&sink_mu);
	if (!sinks[sink] && sink == SINK_CAPTURE)
		sinks[sink] = rt_sink_new(sink_names[sink]);
	if (!sinks[sink])
		; /* between runs: dropped */
	else if (sink == SINK_TERMINAL)
		term_feed(s, (size_t)n);
	else if (sink == SINK_CAPTURE)
		rt_sink_write(sinks[sink], s, (size_t)n);
	else
		stream_feed(sink, tid, depth, s, (size_t)n);
	pthread_mutex_unlock(&sink_mu);
	Py_RETURN_NONE;
}

PyMethodDef py_sink_write_def = { "sink_write", py_sink_write, METH_VARARGS,
				      "sink_write(sink, text)" };

void py_sinks_screen(int on)
{
	pthread_mutex_lock(&sink_mu);
	screen = on;
	pthread_mutex_unlock(&sink_mu);
}

void py_sinks_open(int with_capture)
{
	pthread_mutex_lock(&sink_mu);
	screen = 0;
	for (int i = 0; i < NSINKS; i++)
		sinks[i] = i == SINK_CAPTURE && !with_capture ? NULL : rt_sink_new(sink_names[i]);
	term_line.len = 0;
	term_esc = 0;
	nlbufs = 0;
	pthread_mutex_unlock(&sink_mu);
}

/* Partial lines come out at the end, newline added. */
void py_sinks_close(void)
{
	pthread_mutex_lock(&sink_mu);
	if (term_line.len) {
		rt_buf_lit(&term_line, "\n");
		rt_sink_write(sinks[SINK_TERMINAL], term_line.p, term_line.len);
	}
	term_line.len = 0;
	for (int i = 0; i < nlbufs; i++) {
		if (lbufs[i].b.len) {
			rt_buf_lit(&lbufs[i].b, "\n");
			rt_sink_write(sinks[lbufs[i].stream], lbufs[i].b.p, lbufs[i].b.len);
		}
		rt_buf_free(&lbufs[i].b);
	}
	nlbufs = 0;
	for (int i = 0; i < NSINKS; i++)
		sinks[i] = NULL;
	pthread_mutex_unlock(&sink_mu);
}
