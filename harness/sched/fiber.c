/* SPDX-License-Identifier: Apache-2.0 */
/* fiber.c - see fiber.h.  ucontext (makecontext/swapcontext) does the
 * switch; the sanitizer calls around it are those the sanitizers document
 * for user-level context switches. */
#include "sched/fiber.h"

#include "base/util.h"

#include <stdlib.h>
#include <ucontext.h>

#if defined(__SANITIZE_THREAD__)
#define RT_FIBER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RT_FIBER_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RT_FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RT_FIBER_ASAN 1
#endif
#endif

#ifdef RT_FIBER_TSAN
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
#endif
#ifdef RT_FIBER_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
				     size_t *size_old);
#endif

struct rt_fiber {
	ucontext_t uc;
	void *stack;                 /* NULL: a thread's own context */
	size_t stack_bytes;
	void (*fn)(void *);
	void *arg;
	void *tsan;                  /* TSan's fiber (the thread's own for main) */
	/* the stack as ASan knows it: for a thread's own context, learnt from
	 * the first switch away from it */
	const void *asan_bottom;
	size_t asan_size;
	struct rt_fiber *from;       /* who switched to this fiber last */
};

static _Thread_local struct rt_fiber *cur;
static _Thread_local struct rt_fiber *main_fiber;

struct rt_fiber *rt_fiber_main(void)
{
	if (!main_fiber) {
		main_fiber = rt_xcalloc(1, sizeof *main_fiber);
#ifdef RT_FIBER_TSAN
		main_fiber->tsan = __tsan_get_current_fiber();
#endif
		cur = main_fiber;
	}
	return main_fiber;
}

struct rt_fiber *rt_fiber_current(void)
{
	return cur ? cur : rt_fiber_main();
}

#ifdef RT_FIBER_ASAN
/* On me, just switched to: tell ASan, and learn the stack of the fiber we
 * came from if it is a thread's own. */
static void finish_switch(struct rt_fiber *me, void *fake)
{
	const void *bottom;
	size_t size;
	__sanitizer_finish_switch_fiber(fake, &bottom, &size);
	if (me->from && !me->from->stack) {
		me->from->asan_bottom = bottom;
		me->from->asan_size = size;
	}
}
#endif

/* The stack switch itself.  exiting: the old fiber never runs again (ASan
 * frees its fake stack). */
static void do_switch(struct rt_fiber *to, int exiting)
{
	struct rt_fiber *me = rt_fiber_current();
	to->from = me;
	cur = to;
#ifdef RT_FIBER_ASAN
	void *fake = NULL;
	__sanitizer_start_switch_fiber(exiting ? NULL : &fake, to->asan_bottom, to->asan_size);
#else
	(void)exiting;
#endif
#ifdef RT_FIBER_TSAN
	__tsan_switch_to_fiber(to->tsan, 0);
#endif
	swapcontext(&me->uc, &to->uc);
	/* back on me */
#ifdef RT_FIBER_ASAN
	finish_switch(me, fake);
#endif
}

static void trampoline(void)
{
	struct rt_fiber *me = cur;
#ifdef RT_FIBER_ASAN
	finish_switch(me, NULL);
#endif
	me->fn(me->arg);
	rt_die("fiber returned instead of calling rt_fiber_exit");
}

struct rt_fiber *rt_fiber_new(void (*fn)(void *), void *arg, size_t stack_bytes)
{
	rt_fiber_main();
	struct rt_fiber *f = rt_xcalloc(1, sizeof *f);
	f->stack_bytes = stack_bytes ? stack_bytes : 256 * 1024;
	f->stack = rt_xmalloc(f->stack_bytes);
	f->asan_bottom = f->stack;
	f->asan_size = f->stack_bytes;
	f->fn = fn;
	f->arg = arg;
	if (getcontext(&f->uc) != 0)
		rt_die("getcontext failed");
	f->uc.uc_stack.ss_sp = f->stack;
	f->uc.uc_stack.ss_size = f->stack_bytes;
	f->uc.uc_link = NULL;
	makecontext(&f->uc, trampoline, 0);
#ifdef RT_FIBER_TSAN
	f->tsan = __tsan_create_fiber(0);
#endif
	return f;
}

void rt_fiber_switch(struct rt_fiber *to)
{
	if (to != rt_fiber_current())
		do_switch(to, 0);
}

void rt_fiber_exit(struct rt_fiber *to)
{
	do_switch(to, 1);
	rt_die("an exited fiber was resumed");
}

void rt_fiber_free(struct rt_fiber *f)
{
	if (!f)
		return;
	if (f == cur)
		rt_die("rt_fiber_free of the running fiber");
#ifdef RT_FIBER_TSAN
	if (f->stack)
		__tsan_destroy_fiber(f->tsan);
#endif
	if (f == main_fiber)
		main_fiber = NULL;
	free(f->stack);
	free(f);
}
