/* hooks.c - target-facing hooks that only touch the calling thread's record:
 * blocking-syscall brackets and plain scheduling points. */
#include "runtime/registry.h"
#include "runtime/schedpoint.h"
#include "base/util.h"

static void syscall_begin(const char *what, struct rt_site site, int state)
{
	struct rt_thread *t = rt_self();
	rt_sched_point(t, RT_EV_POINT, what);
	pthread_mutex_lock(&t->mu);
	t->syscall = what;
	t->wait_site = site;
	t->wait_serial++;
	t->state_since_ns = rt_now_ns();
	atomic_store(&t->state, state);
	pthread_mutex_unlock(&t->mu);
}

void rt_syscall_begin_at(const char *what, struct rt_site site)
{
	syscall_begin(what, site, RT_TS_BLOCKED_SYSCALL);
}

/* A wait for input (a reader on an idle pipe): the record says where it
 * waits, but as "sleeping", which the watchdog never counts as a stall. */
void rt_syscall_begin_idle_at(const char *what, struct rt_site site)
{
	syscall_begin(what, site, RT_TS_SLEEPING);
}

void rt_syscall_end(void)
{
	struct rt_thread *t = rt_self();
	pthread_mutex_lock(&t->mu);
	t->syscall = NULL;
	t->state_since_ns = rt_now_ns();
	atomic_store(&t->state, RT_TS_RUNNING);
	pthread_mutex_unlock(&t->mu);
}

void rt_point_at(const char *what, struct rt_site site)
{
	(void)site;
	rt_sched_point(rt_self(), RT_EV_POINT, what);
}
