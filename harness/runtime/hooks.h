/* SPDX-License-Identifier: Apache-2.0 */
/* hooks.h - calls a target makes into the modelled runtime (hooks.c):
 * allocation points, blocking syscalls, scheduling points, its own threads. */
#ifndef RT_HOOKS_H
#define RT_HOOKS_H

#include "site.h"

#include <stdatomic.h>
#include <stddef.h>

/* A point where the modelled runtime may allocate: pending finalizers (the
 * cyclic-GC model) may run here synchronously, on the calling thread, with
 * whatever locks it holds. */
void rt_alloc_point_at(struct rt_site site);
#define rt_alloc_point() rt_alloc_point_at(RT_SITE)

/* Bracket a call that can block in the kernel (write to a pipe, read), so the
 * watchdog reports "blocked in write(pipe)" instead of silence. */
void rt_syscall_begin_at(const char *what, struct rt_site site);
void rt_syscall_end(void);
#define rt_syscall_begin(what) rt_syscall_begin_at((what), RT_SITE)
/* The same for the harness's own call on the target's behalf (a Python
 * stream's line write): no scheduling point, so schedules stay as they are. */
void rt_syscall_begin_quiet_at(const char *what, struct rt_site site);

/* Threads a target starts itself (forwarders, flushers) register so they
 * appear in reports; driver threads are registered by the harness. */
void rt_thread_register(const char *name, const char *role);
void rt_thread_unregister(void);

/* Per-thread data of the code under test, kept in the thread's record so it
 * follows the record whatever runs it: controlled drivers may be fibers
 * sharing one kernel thread, and then a _Thread_local is shared by all of
 * them.  A key is a static struct rt_thread_key { .size = sizeof(T) }; the block is
 * zeroed on first use by each thread and freed with the record (at the
 * registry's reset, so every execution starts from zero). */
struct rt_thread_key {
	size_t size;
	_Atomic int slot;           /* 0: none yet; else slot + 1 */
};
void *rt_thread_data(struct rt_thread_key *k);

/* A free-form note about the calling thread (e.g. its Python stack), shown
 * under the thread in hang reports; copied; NULL clears it. */
void rt_thread_set_note(const char *text);
/* The calling thread's stack in the target's language (runtime/langstack.h),
 * recorded as it starts to wait: shown under it in hang reports, as text and
 * as frames in the JSON.  Takes s (malloc'd); NULL clears it. */
struct rt_stack;
void rt_thread_set_stack(struct rt_stack *s);

/* Scheduling/noise point for targets that want one outside a lock op. */
void rt_point_at(const char *what, struct rt_site site);
#define rt_point(what) rt_point_at((what), RT_SITE)

/* Like rt_syscall_begin, for a call that waits for input (a forwarder's
 * read() on an idle pipe): shown in hang reports, but waiting there is never
 * by itself a stall.  Ended by rt_syscall_end. */
void rt_syscall_begin_idle_at(const char *what, struct rt_site site);
#define rt_syscall_begin_idle(what) rt_syscall_begin_idle_at((what), RT_SITE)

/* Before a write(2) of len bytes to fd: 1 and a one-line state in out
 * ("pipe:[123], 61440 of 65536 bytes queued") if fd is a pipe more than half
 * full, so the writer can leave a note for the hang report; else 0. */
int rt_pipe_state(int fd, size_t len, char *out, size_t n);

/* For the harness: what an allocation point does (the cyclic-GC model in
 * engine/drivers.c runs pending finalizers); NULL: nothing. */
void rt_hooks_set_alloc_handler(void (*fn)(struct rt_site site));

#endif
