/* SPDX-License-Identifier: Apache-2.0 */
/* pool.c - see pool.h.  Each worker has its own mutex and condvar; a job is
 * handed over and joined through them, which gives the same happens-before
 * edges as pthread_create and pthread_join. */
#include "engine/pool.h"

#include "base/util.h"

#include <pthread.h>
#include <stdlib.h>

struct worker {
	pthread_t pt;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	void *(*fn)(void *);
	void *arg;
	int has_job, done, busy;
};

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static struct worker **workers;
static int nworkers, capworkers;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void *worker_main(void *p)
{
	struct worker *w = p;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->has_job)
			pthread_cond_wait(&w->cv, &w->mu);
		void *(*fn)(void *) = w->fn;
		void *arg = w->arg;
		pthread_mutex_unlock(&w->mu);
		fn(arg);
		pthread_mutex_lock(&w->mu);
		w->has_job = 0;
		w->done = 1;
		pthread_cond_broadcast(&w->cv);
	}
	return NULL;
}

/* A forked child has none of the parent's pool threads: forget them (the
 * records leak in the child, which is short-lived or exits soon). */
static void after_fork_child(void)
{
	pthread_mutex_init(&pool_mu, NULL);
	workers = NULL;
	nworkers = capworkers = 0;
}

static void install_atfork(void) { pthread_atfork(NULL, NULL, after_fork_child); }

int rt_pool_run(void *(*fn)(void *), void *arg)
{
	pthread_once(&atfork_once, install_atfork);
	pthread_mutex_lock(&pool_mu);
	int h = -1;
	for (int i = 0; i < nworkers && h < 0; i++)
		if (!workers[i]->busy)
			h = i;
	if (h < 0) {
		struct worker *w = rt_xcalloc(1, sizeof *w);
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->cv, NULL);
		if (pthread_create(&w->pt, NULL, worker_main, w) != 0) {
			pthread_mutex_unlock(&pool_mu);
			free(w);
			return -1;
		}
		pthread_detach(w->pt);
		if (nworkers == capworkers) {
			capworkers = capworkers ? capworkers * 2 : 16;
			workers = rt_xrealloc(workers, (size_t)capworkers * sizeof *workers);
		}
		h = nworkers++;
		workers[h] = w;
	}
	struct worker *w = workers[h];
	w->busy = 1;
	pthread_mutex_unlock(&pool_mu);
	pthread_mutex_lock(&w->mu);
	w->fn = fn;
	w->arg = arg;
	w->done = 0;
	w->has_job = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return h;
}

void rt_pool_join(int h)
{
	pthread_mutex_lock(&pool_mu);
	struct worker *w = workers[h];
	pthread_mutex_unlock(&pool_mu);
	pthread_mutex_lock(&w->mu);
	while (!w->done)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
	pthread_mutex_lock(&pool_mu);
	w->busy = 0;
	pthread_mutex_unlock(&pool_mu);
}
