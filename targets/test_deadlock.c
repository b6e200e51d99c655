/* SPDX-License-Identifier: Apache-2.0 */
/* test_deadlock.c - test helper with a guaranteed real ABBA deadlock.  The
 * first two distinct threads to call write() each take their first lock
 * (thread 1 "Deadlock.A", thread 2 "Deadlock.B"), meet at a rendezvous so
 * both surely hold it, then take the other one: neither ever returns.  Every
 * other write goes to the sink under A, so later writers pile up on A.
 * Needs at least two writer threads: a lone writer waits at the rendezvous
 * forever instead (reported as blocked in "rendezvous").
 */
#include <pthread.h>

#include "linebuf.h"
#include "rt.h"

static rt_lock *lock_a, *lock_b;
static rt_sink *terminal;
static struct lb_set bufs = LB_SET_INIT;

/* Rendezvous only (not a modelled lock): who plays which part. */
static pthread_mutex_t role_mu = PTHREAD_MUTEX_INITIALIZER;
static int nroles;
static pthread_t role_thread;
static pthread_barrier_t rendezvous;
static int rendezvous_ready;

static void emit_lines(const char *lines, size_t len)
{
	rt_lock_acquire(lock_a);
	rt_sink_write(terminal, lines, len);
	rt_lock_release(lock_a);
}

static int claim_role(void)
{
	int role = -1;
	pthread_mutex_lock(&role_mu);
	if (nroles == 0 || (nroles == 1 && !pthread_equal(role_thread, pthread_self()))) {
		role = nroles++;
		role_thread = pthread_self();
	}
	pthread_mutex_unlock(&role_mu);
	return role;
}

static void deadlock_write(enum rt_stream s, const char *buf, size_t len)
{
	int role = claim_role();
	if (role >= 0) {
		rt_lock *first = role == 0 ? lock_a : lock_b;
		rt_lock *second = role == 0 ? lock_b : lock_a;
		rt_lock_acquire(first);
		rt_syscall_begin("rendezvous");
		pthread_barrier_wait(&rendezvous);
		rt_syscall_end();
		rt_lock_acquire(second);   /* the other thread holds it: blocks forever */
		rt_lock_release(second);
		rt_lock_release(first);
	}
	lb_write(&bufs, s, 0, buf, len, emit_lines);
}

static void deadlock_flush(enum rt_stream s)
{
	(void)s;
}

static int deadlock_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	if (rendezvous_ready)
		pthread_barrier_destroy(&rendezvous);
	int e = pthread_barrier_init(&rendezvous, NULL, 2);
	if (e != 0) {
		rendezvous_ready = 0;
		if (why)
			*why = "pthread_barrier_init failed";
		return -e;
	}
	rendezvous_ready = 1;
	nroles = 0;
	lock_a = rt_lock_new("Deadlock.A", RT_LOCK_PLAIN);
	lock_b = rt_lock_new("Deadlock.B", RT_LOCK_PLAIN);
	terminal = rt_sink_new("terminal");
	lb_reset(&bufs);
	return 0;
}

/* Only reached if fewer than two threads ever wrote and none is waiting. */
static void deadlock_stop(void)
{
	lb_drain(&bufs, emit_lines);
	if (rendezvous_ready)
		pthread_barrier_destroy(&rendezvous);
	rendezvous_ready = 0;
	rt_lock_free(lock_a);
	rt_lock_free(lock_b);
	lock_a = lock_b = NULL;
	terminal = NULL;
}

const struct rt_target_ops test_deadlock_ops = {
	.name = "test_deadlock",
	.summary = "test helper: the first two writers deadlock for real (ABBA)",
	.flags = RT_TARGET_TEST | RT_TARGET_FREE_ONLY,   /* blocks outside the scheduler */
	.start = deadlock_start,
	.stop = deadlock_stop,
	.write = deadlock_write,
	.flush = deadlock_flush,
	.refresh = NULL,
};
