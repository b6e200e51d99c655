/* SPDX-License-Identifier: Apache-2.0 */
/* fiber.h - user-level contexts on one thread (fiber.c): the switch the
 * controlled scheduler's fiber backend is to use instead of a kernel hand-off
 * between driver threads.  ThreadSanitizer is told about every fiber and every
 * switch (__tsan_create_fiber / __tsan_switch_to_fiber: each fiber is a TSan
 * thread, a switch orders what came before it before what comes after), and
 * AddressSanitizer about every stack change (__sanitizer_start_switch_fiber /
 * __sanitizer_finish_switch_fiber), so both stay clean and meaningful.
 * Used by the scheduler's fiber backend (sched_ctl_fiber.c). */
#ifndef RT_FIBER_H
#define RT_FIBER_H

#include <stddef.h>

struct rt_fiber;

/* The calling thread's own context as a fiber (made once per thread; it is
 * freed with the thread's other fibers by rt_fiber_free). */
struct rt_fiber *rt_fiber_main(void);
/* A fiber that runs fn(arg) on its own stack of stack_bytes (0: 256 KiB)
 * once switched to.  fn must not return: it ends with rt_fiber_exit. */
struct rt_fiber *rt_fiber_new(void (*fn)(void *), void *arg, size_t stack_bytes);
/* Suspend the calling fiber and run `to` (same thread only). */
void rt_fiber_switch(struct rt_fiber *to);
/* End the calling fiber and run `to`; the caller is never resumed and may
 * then be freed by another fiber. */
void rt_fiber_exit(struct rt_fiber *to) __attribute__((noreturn));
/* Free a fiber that is not running (never the calling one). */
void rt_fiber_free(struct rt_fiber *f);
/* The fiber running on this thread. */
struct rt_fiber *rt_fiber_current(void);

#endif
