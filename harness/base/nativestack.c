/* SPDX-License-Identifier: Apache-2.0 */
/* nativestack.c - native stacks (nativestack.h).
 *
 * Why these libraries: unwinding in-process needs an unwinder that works
 * from a signal handler: glibc's backtrace() (libgcc's .eh_frame unwinder,
 * which steps through signal frames) does, with no allocation once it has
 * run once.  Names and file:line need DWARF line tables: elfutils' libdw
 * (Debian libdw-dev) reads them (dwfl_module_getsrc), and falls back to the
 * ELF symbol table for code without debug info.  libunwind unwinds as well
 * but has no line information, and libdw cannot unwind its own process
 * (its unwinder attaches with ptrace).
 *
 * Another thread's stack: tgkill(SIGRTMIN+5) and its handler writes
 * backtrace() into a static slot; the asker waits a bounded time.  A crash:
 * the handler writes raw frames (backtrace_symbols_fd, no allocation), then
 * a child made with _Fork() (no atfork handlers) symbolizes the same frames
 * from its copy of memory, while the crashing process waits at most 3 s. */
#include "base/nativestack.h"

#include "base/json.h"
#include "base/util.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RT_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RT_SANITIZED 1
#endif

#define SLOTS 512
#define SKIP 2                  /* the handler and the signal trampoline */

static struct slot {
	_Atomic int tid;            /* 0: free */
	_Atomic int done;
	int n;
	void *pc[RT_NATIVE_MAX_FRAMES + SKIP];
} slots[SLOTS];
static pthread_mutex_t cap_mu = PTHREAD_MUTEX_INITIALIZER;
static int inited;

static void on_capture(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	int saved = errno;
	int tid = (int)syscall(SYS_gettid);
	for (int i = 0; i < SLOTS; i++)
		if (atomic_load(&slots[i].tid) == tid && !atomic_load(&slots[i].done)) {
			slots[i].n = backtrace(slots[i].pc, RT_NATIVE_MAX_FRAMES + SKIP);
			atomic_store(&slots[i].done, 1);
			break;
		}
	errno = saved;
}

static void init_locked(void)
{
	if (inited)
		return;
	void *warm[4];
	backtrace(warm, 4);     /* loads libgcc_s now, not in a handler */
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_capture;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGRTMIN + 5, &sa, NULL);
	inited = 1;
}

void rt_native_init(void)
{
	pthread_mutex_lock(&cap_mu);
	init_locked();
	pthread_mutex_unlock(&cap_mu);
}

void rt_native_capture(struct rt_native_stack *st, int n, uint64_t timeout_ns)
{
#ifdef RT_SANITIZED
	/* TSan defers signals and checks what handlers call; the sanitizers
	 * print their own stacks for the errors they find */
	for (int i = 0; i < n; i++)
		st[i].n = -2;
	(void)timeout_ns;
	return;
#endif
	pthread_mutex_lock(&cap_mu);
	init_locked();
	pid_t pid = getpid();
	for (int i = 0; i < n; i++) {
		st[i].n = -1;
		if (i >= SLOTS || st[i].tid <= 0)
			continue;
		atomic_store(&slots[i].done, 0);
		atomic_store(&slots[i].tid, st[i].tid);
		if (syscall(SYS_tgkill, pid, st[i].tid, SIGRTMIN + 5) != 0)
			atomic_store(&slots[i].tid, 0);
	}
	uint64_t end = rt_now_ns() + timeout_ns;
	for (;;) {
		int missing = 0;
		for (int i = 0; i < n && i < SLOTS; i++)
			missing += atomic_load(&slots[i].tid) && !atomic_load(&slots[i].done);
		if (!missing || rt_now_ns() >= end)
			break;
		rt_sleep_ns(1000000ULL);
	}
	for (int i = 0; i < n && i < SLOTS; i++) {
		if (atomic_load(&slots[i].tid) && atomic_load(&slots[i].done)) {
			int k = slots[i].n - SKIP;
			st[i].n = k > 0 ? k : 0;
			if (k > 0)
				memcpy(st[i].pc, slots[i].pc + SKIP, (size_t)k * sizeof *st[i].pc);
		}
		atomic_store(&slots[i].tid, 0);   /* a late answer finds no slot */
	}
	pthread_mutex_unlock(&cap_mu);
}

/* ---- names and lines ----------------------------------------------------- */

static char *debuginfo_path;
static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};
static pthread_mutex_t dw_mu = PTHREAD_MUTEX_INITIALIZER;
static Dwfl *dw;

static Dwfl *dw_open(void)
{
	Dwfl *d = dwfl_begin(&callbacks);
	if (!d)
		return NULL;
	dwfl_report_begin(d);
	if (dwfl_linux_proc_report(d, getpid()) != 0) {
		dwfl_end(d);
		return NULL;
	}
	dwfl_report_end(d, NULL, NULL);
	return d;
}

/* The module of a, with the modules re-read once if a is in none (a plugin
 * loaded since). */
static Dwfl_Module *module_of(Dwarf_Addr a)
{
	Dwfl_Module *m = dw ? dwfl_addrmodule(dw, a) : NULL;
	if (!m) {
		if (dw)
			dwfl_end(dw);
		dw = dw_open();
		m = dw ? dwfl_addrmodule(dw, a) : NULL;
	}
	return m;
}

/* A line the line table gives as 0 (code made of several lines: clang
 * merges like calls, e.g. real_lock()'s three pthread_mutex_lock() calls,
 * inlined): the call site of the innermost inlined function around it, a
 * real line of its caller, or 0 when it is in none.  *file: the call's. */
static int inline_call_line(Dwfl_Module *m, Dwarf_Addr a, const char **file)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu = dwfl_module_addrdie(m, a, &bias), *scopes = NULL;
	int n = cu ? dwarf_getscopes(cu, a - bias, &scopes) : 0, line = 0;
	for (int i = 0; i < n && !line; i++) {
		Dwarf_Attribute at;
		Dwarf_Word ln, fi;
		Dwarf_Files *files;
		size_t nf;
		if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine ||
		    dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &at), &ln) || !ln)
			continue;
		line = (int)ln;
		if (!dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &at), &fi) &&
		    !dwarf_getsrcfiles(cu, &files, &nf) && fi < nf && dwarf_filesrc(files, fi, NULL, NULL))
			*file = dwarf_filesrc(files, fi, NULL, NULL);
	}
	free(scopes);
	return line;
}

/* Frame k at pc, resolved (under dw_mu; the strings are libdw's).  line 0:
 * not known (file may still be). */
struct frame {
	const char *fn, *file, *mod;
	int line;
	unsigned long long off;   /* in mod, when there is no file */
};

static struct frame resolve(int k, void *pc)
{
	/* a return address points after the call; the interrupted frame's
	 * (k == 0) is exact */
	Dwarf_Addr a = (Dwarf_Addr)(uintptr_t)pc - (k ? 1 : 0);
	Dwfl_Module *m = module_of(a);
	struct frame f = { 0 };
	f.fn = m ? dwfl_module_addrname(m, a) : NULL;
	Dwarf_Addr base = 0;
	if (m)
		f.mod = dwfl_module_info(m, NULL, &base, NULL, NULL, NULL, NULL, NULL);
	Dwfl_Line *l = m ? dwfl_module_getsrc(m, a) : NULL;
	f.file = l ? dwfl_lineinfo(l, NULL, &f.line, NULL, NULL, NULL) : NULL;
	if (f.file && f.line <= 0)
		f.line = inline_call_line(m, a, &f.file);
	f.off = (unsigned long long)(a - base);
	return f;
}

/* Frame k is in the controlled scheduler or the hang report (harness/sched/,
 * harness/engine/). */
static int scheduler_frame(int k, void *pc)
{
	struct frame f = resolve(k, pc);
	return f.file && (strstr(f.file, "harness/sched/") || strstr(f.file, "harness/engine/"));
}

static void frame_line(struct rt_buf *b, const char *prefix, int k, void *pc)
{
	struct frame f = resolve(k, pc);
	rt_buf_printf(b, "%s#%-2d %s", prefix, k, f.fn ? f.fn : "??");
	if (f.file && f.line > 0)
		rt_buf_printf(b, " (%s:%d)\n", f.file, f.line);
	else if (f.file)   /* no line: where it is, for addr2line */
		rt_buf_printf(b, " (%s, %s+0x%llx)\n", f.file, f.mod ? rt_basename(f.mod) : "?",
			      f.off);
	else
		rt_buf_printf(b, " (%s+0x%llx)\n", f.mod ? rt_basename(f.mod) : "?", f.off);
}

json_t *rt_native_json(const struct rt_native_stack *st)
{
	if (st->n < 0)
		return json_null();
	json_t *a = rt_json_arr();
	pthread_mutex_lock(&dw_mu);
	for (int k = 0; k < st->n; k++) {
		struct frame f = resolve(k, st->pc[k]);
		json_t *o = rt_json_obj();
		rt_json_set(o, "function", f.fn ? rt_json_str(f.fn) : json_null());
		if (f.file)
			rt_json_set_str(o, "file", f.file);
		if (f.file && f.line > 0) {
			rt_json_set_int(o, "line", f.line);
		} else {
			rt_json_set_str(o, "module", f.mod ? rt_basename(f.mod) : "?");
			rt_json_set_int(o, "offset", (long long)f.off);
		}
		rt_json_push(a, o);
	}
	pthread_mutex_unlock(&dw_mu);
	return a;
}

void rt_native_format(struct rt_buf *b, const char *prefix, const struct rt_native_stack *st)
{
	if (st->n < 0) {
		rt_buf_printf(b, "%s(%s)\n", prefix, st->n == -2 ? "not taken in sanitizer builds"
					: "no answer: the thread did not unwind itself in time");
		return;
	}
	pthread_mutex_lock(&dw_mu);
	int k = 0;
	/* a parked fiber's innermost frames are the scheduler's (parking it,
	 * or for the fiber that found the deadlock, the report itself): left
	 * out, so its stack starts where the target called the harness */
	while (st->fiber && k < st->n && scheduler_frame(k, st->pc[k]))
		k++;
	if (k)
		rt_buf_printf(b, "%s(#0-#%d: the scheduler's own frames, left out)\n", prefix, k - 1);
	for (; k < st->n; k++)
		frame_line(b, prefix, k, st->pc[k]);
	pthread_mutex_unlock(&dw_mu);
}

/* ---- a crashing thread ---------------------------------------------------- */

void rt_sigsafe_put(int fd, const char *s)
{
	size_t n = strlen(s);
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w <= 0 && errno != EINTR)
			return;
		if (w > 0) {
			s += w;
			n -= (size_t)w;
		}
	}
}

void rt_sigsafe_put_num(int fd, unsigned long v, int base, int width)
{
	char d[72];
	int i = (int)sizeof d;
	d[--i] = 0;
	do
		d[--i] = "0123456789abcdef"[v % (unsigned)base];
	while (((v /= (unsigned)base) || (int)sizeof d - 1 - i < width) && i > 1);
	rt_sigsafe_put(fd, d + i);
}

void (*rt_native_crash_extra)(int fd);

#ifndef RT_SANITIZED

static int crash_fd = -1;
static _Atomic int crashing;

static void put(const char *s) { rt_sigsafe_put(crash_fd, s); }

static void put_int(long v)
{
	if (v < 0)
		put("-");
	rt_sigsafe_put_num(crash_fd, v < 0 ? 0UL - (unsigned long)v : (unsigned long)v, 10, 1);
}

/* The forked helper: names and lines of the frames, from its copy. */
static void symbolize_child(void *const *pc, int n)
{
	struct rt_native_stack st = { .n = n };
	memcpy(st.pc, pc, (size_t)n * sizeof *pc);
	struct rt_buf b = { 0 };
	rt_buf_printf(&b, "  with names and lines (libdw):\n");
	rt_native_format(&b, "    ", &st);
	put(b.p ? b.p : "");
	_exit(0);
}

static void on_crash(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	if (atomic_exchange(&crashing, 1) == 0) {
		static void *pc[RT_NATIVE_MAX_FRAMES + SKIP];
		int n = backtrace(pc, RT_NATIVE_MAX_FRAMES + SKIP) - SKIP;
		put("\n*** crash: signal ");
		put_int(sig);
		put(" (");
		put(sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
		put(") in thread ");
		put_int((long)syscall(SYS_gettid));
		put("; its native stack (raw):\n");
		if (n > 0)
			backtrace_symbols_fd(pc + SKIP, n, crash_fd);
		pid_t c = n > 0 ? _Fork() : -1;
		if (c == 0)
			symbolize_child(pc + SKIP, n);
		for (int i = 0; c > 0 && i < 300; i++) {   /* 3 s at most */
			if (waitpid(c, NULL, WNOHANG) == c) {
				c = 0;
				break;
			}
			struct timespec ts = { 0, 10000000L };
			nanosleep(&ts, NULL);
		}
		if (c > 0) {
			kill(c, SIGKILL);
			waitpid(c, NULL, 0);
			put("  (no names: the helper did not finish in 3 s)\n");
		}
		if (rt_native_crash_extra)
			rt_native_crash_extra(crash_fd);
	}
	struct sigaction sa = { 0 };
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	raise(sig);
}

void rt_native_crash_handler(int fd)
{
	crash_fd = fd;
	rt_native_init();       /* backtrace() warmed up */
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_crash;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}
#else
void rt_native_crash_handler(int fd)
{
	(void)fd;       /* the sanitizers print their own */
}
#endif
