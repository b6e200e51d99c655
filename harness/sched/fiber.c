/* SPDX-License-Identifier: Apache-2.0 */
/* fiber.c - see fiber.h.  On x86-64 the switch is our own: the callee-saved
 * registers, the SSE and x87 control words and the stack pointer, nothing
 * else (glibc's swapcontext also saves the signal mask with a system call
 * on every switch, which fibers that never change it do not need).
 * Elsewhere ucontext (makecontext/swapcontext) does it.  The sanitizer
 * calls around it are those the sanitizers document for user-level context
 * switches. */
#include "sched/fiber.h"

#include "base/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

#if defined(__x86_64__)
#define RT_FIBER_REGS 1
/* rt_fiber_jump(&from->sp, to->sp): push the callee-saved registers and the
 * control words on this stack, save the stack pointer, load the other one,
 * pop its registers and return where it was suspended (or, a new fiber, into
 * fiber_entry).  System V ABI: rbx, rbp, r12-r15, MXCSR's control bits and
 * the x87 control word survive a call. */
__asm__(".text\n"
	".p2align 4\n"
	".type rt_fiber_jump,@function\n"
	"rt_fiber_jump:\n"
	"\tpushq %rbp\n\tpushq %rbx\n\tpushq %r12\n\tpushq %r13\n\tpushq %r14\n\tpushq %r15\n"
	"\tsubq $8, %rsp\n\tstmxcsr (%rsp)\n\tfnstcw 4(%rsp)\n"
	"\tmovq %rsp, (%rdi)\n"
	"\tmovq %rsi, %rsp\n"
	"\tldmxcsr (%rsp)\n\tfldcw 4(%rsp)\n\taddq $8, %rsp\n"
	"\tpopq %r15\n\tpopq %r14\n\tpopq %r13\n\tpopq %r12\n\tpopq %rbx\n\tpopq %rbp\n"
	"\tret\n"
	".size rt_fiber_jump, .-rt_fiber_jump\n");
void rt_fiber_jump(void **from_sp, void *to_sp) __asm__("rt_fiber_jump");
#endif

struct rt_fiber {
	ucontext_t uc;
	void *sp;                    /* RT_FIBER_REGS: saved stack pointer */
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
#ifdef RT_FIBER_REGS
	rt_fiber_jump(&me->sp, to->sp);
#else
	swapcontext(&me->uc, &to->uc);
#endif
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

#ifdef RT_FIBER_REGS
/* A new fiber's stack as rt_fiber_jump leaves a suspended one: from the
 * top, a zero return address (where unwinders stop), the entry point that
 * rt_fiber_jump's ret goes to, rbp = 0, five more registers, the control
 * words of the calling thread. */
static void regs_init(struct rt_fiber *f)
{
	uintptr_t top = ((uintptr_t)f->stack + f->stack_bytes) & ~(uintptr_t)15;
	void **sp = (void **)top;
	*--sp = NULL;                         /* fiber_entry's return address */
	*--sp = (void *)(uintptr_t)trampoline;
	for (int i = 0; i < 6; i++)           /* rbp rbx r12 r13 r14 r15 */
		*--sp = NULL;
	uint32_t ctl[2];
	__asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(ctl[0]), "=m"(ctl[1]));
	*--sp = NULL;
	memcpy(sp, ctl, sizeof ctl);
	f->sp = sp;
}
#endif

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
#ifdef RT_FIBER_REGS
	regs_init(f);
#else
	if (getcontext(&f->uc) != 0)
		rt_die("getcontext failed");
	f->uc.uc_stack.ss_sp = f->stack;
	f->uc.uc_stack.ss_size = f->stack_bytes;
	f->uc.uc_link = NULL;
	makecontext(&f->uc, trampoline, 0);
#endif
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
