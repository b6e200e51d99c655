/* SPDX-License-Identifier: Apache-2.0 */
/* nativestack.h - native (C) stacks for reports (nativestack.c): program
 * counters by glibc's backtrace() (libgcc's .eh_frame unwinder), names and
 * file:line from DWARF by elfutils' libdw.  Other threads are asked by a
 * signal to unwind themselves; a crashing thread writes its own stack to the
 * saved stderr before it dies. */
#ifndef RT_NATIVESTACK_H
#define RT_NATIVESTACK_H

#include <stdint.h>

struct rt_buf;

#define RT_NATIVE_MAX_FRAMES 48

struct rt_native_stack {
	int tid;
	int n;                          /* frames; -1: no answer; -2: sanitizer build */
	int fiber;                      /* taken from a fiber (a user-level context of tid) */
	void *pc[RT_NATIVE_MAX_FRAMES];
};

/* Once, before any thread starts: the capture signal's handler, and a
 * first backtrace() (it may load libgcc_s; later calls do not allocate). */
void rt_native_init(void);
/* Ask each thread (kernel thread ids st[i].tid of this process) for its
 * stack, waiting at most timeout_ns in all; st[i].n is -1 for a thread
 * that did not answer (gone, or blocked with signals masked), -2 for all in
 * sanitizer builds (not taken).  One capture at a time; never call it from
 * a signal handler. */
void rt_native_capture(struct rt_native_stack *st, int n, uint64_t timeout_ns);
/* Append one line per frame, "prefix#k function (file:line)" or
 * "prefix#k function (module+0xoff)", innermost first; a fiber's innermost
 * frames in the scheduler or the hang report are one line saying so. */
void rt_native_format(struct rt_buf *b, const char *prefix, const struct rt_native_stack *st);
/* The same frames as a JSON array (base/json.h), innermost first: each
 * {"function", "file", "line"} or, without line information,
 * {"function", "module", "offset"}; null if the stack was not taken. */
struct json_t;
struct json_t *rt_native_json(const struct rt_native_stack *st);
/* SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT: write the crashing thread's
 * stack to fd (signal-safe: raw frames first, then names and file:line from
 * a forked helper, waited for at most 3 s), then die of the signal.  Not in
 * sanitizer builds (they print their own). */
void rt_native_crash_handler(int fd);
/* Optional: more of the crash report, written by the crash handler after
 * the crashing thread's native stack; signal-safe (write(2) only, no lock, no allocation).  The
 * run installs the registry's list of threads. */
extern void (*rt_native_crash_extra)(int fd);
/* Signal-safe output: s; v in base (10 or 16) with at least width digits. */
void rt_sigsafe_put(int fd, const char *s);
void rt_sigsafe_put_num(int fd, unsigned long v, int base, int width);

#endif
