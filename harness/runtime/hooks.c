/* SPDX-License-Identifier: Apache-2.0 */
/* hooks.c - target-facing hooks that only touch the calling thread's record
 * or the process: blocking-syscall brackets, scheduling and allocation
 * points, threads a target starts itself, pipe state. */
#include "runtime/hooks.h"

#include "runtime/registry.h"
#include "runtime/schedpoint.h"
#include "base/util.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

static void (*_Atomic alloc_handler)(struct rt_site site);

void rt_hooks_set_alloc_handler(void (*fn)(struct rt_site site))
{
	atomic_store(&alloc_handler, fn);
}

static _Atomic int data_slots;
static pthread_mutex_t data_mu = PTHREAD_MUTEX_INITIALIZER;

void *rt_thread_data(struct rt_thread_key *k)
{
	int s = atomic_load_explicit(&k->slot, memory_order_acquire);
	if (!s) {   /* first use of the key anywhere: take the next slot */
		pthread_mutex_lock(&data_mu);
		s = atomic_load(&k->slot);
		if (!s) {
			s = atomic_fetch_add(&data_slots, 1) + 1;
			if (s > RT_THREAD_DATA_SLOTS)
				rt_die("more than %d rt_thread_key keys", RT_THREAD_DATA_SLOTS);
			atomic_store_explicit(&k->slot, s, memory_order_release);
		}
		pthread_mutex_unlock(&data_mu);
	}
	struct rt_thread *t = rt_self();
	if (!t->data[s - 1])
		t->data[s - 1] = rt_xcalloc(1, k->size);
	return t->data[s - 1];
}

void rt_alloc_point_at(struct rt_site site)
{
	void (*fn)(struct rt_site) = atomic_load(&alloc_handler);
	if (fn)
		fn(site);
}

static void syscall_state(struct rt_thread *t, const char *what, struct rt_site site, int state)
{
	pthread_mutex_lock(&t->mu);
	t->syscall = what;
	t->wait_site = site;
	t->wait_serial++;
	t->state_since_ns = rt_now_ns();
	atomic_store(&t->state, state);
	pthread_mutex_unlock(&t->mu);
}

static void syscall_begin(const char *what, struct rt_site site, int state)
{
	struct rt_thread *t = rt_self();
	rt_sched_point(t, RT_EV_POINT, what);
	syscall_state(t, what, site, state);
}

void rt_syscall_begin_at(const char *what, struct rt_site site)
{
	syscall_begin(what, site, RT_TS_BLOCKED_SYSCALL);
}

void rt_syscall_begin_quiet_at(const char *what, struct rt_site site)
{
	syscall_state(rt_self(), what, site, RT_TS_BLOCKED_SYSCALL);
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

void rt_thread_register(const char *name, const char *role)
{
	struct rt_thread *t = rt_self_or_null();
	if (t) {
		pthread_mutex_lock(&t->mu);
		snprintf(t->name, sizeof t->name, "%s", name);
		snprintf(t->role, sizeof t->role, "%s", role);
		pthread_mutex_unlock(&t->mu);
		return;
	}
	rt_registry_add(name, role);
}

void rt_thread_unregister(void)
{
	struct rt_thread *t = rt_self_or_null();
	if (t)
		rt_thread_set_state(t, RT_TS_FINISHED);
}

void rt_thread_set_note(const char *text)
{
	struct rt_thread *t = rt_self();
	char *copy = text ? rt_xstrdup(text) : NULL;
	pthread_mutex_lock(&t->mu);
	char *old = t->note;
	t->note = copy;
	pthread_mutex_unlock(&t->mu);
	free(old);
}

void rt_thread_set_stack(struct rt_stack *s)
{
	struct rt_thread *t = rt_self();
	pthread_mutex_lock(&t->mu);
	struct rt_stack *old = t->stack;
	t->stack = s;
	pthread_mutex_unlock(&t->mu);
	free(old);
}

int rt_pipe_state(int fd, size_t len, char *out, size_t n)
{
	struct stat s;
	int queued = 0;
	if (fstat(fd, &s) || !S_ISFIFO(s.st_mode) || ioctl(fd, FIONREAD, &queued))
		return 0;
	int cap = fcntl(fd, F_GETPIPE_SZ);
	if (cap <= 0)
		cap = 65536;
	if ((size_t)queued + len <= (size_t)cap / 2)
		return 0;
	snprintf(out, n, "pipe:[%lu], %d of %d bytes queued", (unsigned long)s.st_ino, queued, cap);
	return 1;
}
