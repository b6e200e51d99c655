/* SPDX-License-Identifier: Apache-2.0 */
/* fiberbench.c - what one hand-off between two controlled drivers costs:
 * today's kernel hand-off (the token passed under a mutex, each side asleep
 * on its own condvar, as sched_ctl.c's switch_and_wait does) next to a
 * user-level context switch (sched/fiber.c), interleaved sample by sample.
 * Output: one table row per variant, min/median/max ns per hand-off.
 *   build/default/fiberbench [SAMPLES] [ROUNDTRIPS]   (bench/controlled.py runs it) */
#include "sched/fiber.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* ---- kernel hand-off: token under M, one condvar per side ---- */
static pthread_mutex_t M = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv[2] = { PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER };
static int token;
static long rounds;

static void pass_to(int me, int other)
{
	token = other;
	pthread_cond_signal(&cv[other]);
	while (token != me)
		pthread_cond_wait(&cv[me], &M);
}

static void *partner(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&M);
	while (token != 1)
		pthread_cond_wait(&cv[1], &M);
	for (long i = 0; i < rounds; i++)
		pass_to(1, 0);
	token = 0;
	pthread_cond_signal(&cv[0]);
	pthread_mutex_unlock(&M);
	return NULL;
}

static double time_threads(long n)
{
	pthread_t pt;
	rounds = n;
	token = 0;
	pthread_create(&pt, NULL, partner, NULL);
	pthread_mutex_lock(&M);
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++)
		pass_to(0, 1);
	uint64_t t1 = now_ns();
	token = 1;   /* let it leave its loop */
	pthread_cond_signal(&cv[1]);
	pthread_mutex_unlock(&M);
	pthread_join(pt, NULL);
	return (double)(t1 - t0) / (double)(2 * n);
}

/* ---- user-level contexts ---- */
static struct rt_fiber *mainf, *other;

static void ping(void *arg)
{
	long n = (long)arg;
	for (long i = 0; i < n; i++)
		rt_fiber_switch(mainf);
	rt_fiber_exit(mainf);
}

static double time_fibers(long n)
{
	mainf = rt_fiber_main();
	other = rt_fiber_new(ping, (void *)n, 0);
	uint64_t t0 = now_ns();
	for (long i = 0; i < n; i++)
		rt_fiber_switch(other);
	uint64_t t1 = now_ns();
	rt_fiber_switch(other);   /* it exits */
	rt_fiber_free(other);
	return (double)(t1 - t0) / (double)(2 * n);
}

int main(int argc, char **argv)
{
	int samples = argc > 1 ? atoi(argv[1]) : 7;
	long n = argc > 2 ? atol(argv[2]) : 20000;
	if (samples < 1 || samples > 1000 || n < 1) {
		fprintf(stderr, "usage: fiberbench [SAMPLES 1..1000] [ROUNDTRIPS >= 1]\n");
		return 64;
	}
	double *th = calloc((size_t)samples, sizeof *th), *fb = calloc((size_t)samples, sizeof *fb);
	double load[3] = { 0 }, load1[3] = { 0 };
	getloadavg(load, 1);
	for (int s = 0; s < samples; s++) {
		th[s] = time_threads(n);
		fb[s] = time_fibers(n);
	}
	getloadavg(load1, 1);
	printf("%d sample%s x %ld round trips, threads and fibers interleaved; load average %.2f "
	       "before, %.2f after\n\n", samples, samples == 1 ? "" : "s", n, load[0], load1[0]);
	qsort(th, (size_t)samples, sizeof *th, cmp_d);
	qsort(fb, (size_t)samples, sizeof *fb, cmp_d);
	printf("| hand-off between two drivers | min ns | median ns | max ns | x fiber (median) |\n");
	printf("|---|---|---|---|---|\n");
	double fm = fb[samples / 2];
	printf("| threads: token under a mutex, a condvar each (the thread backend) | %.0f | %.0f | %.0f | %.1f |\n",
	       th[0], th[samples / 2], th[samples - 1], th[samples / 2] / fm);
	printf("| fibers: sched/fiber.c (x86-64: its own register switch; else swapcontext) | %.0f | %.0f | %.0f | 1.0 |\n", fb[0],
	       fm, fb[samples - 1]);
	free(th);
	free(fb);
	return 0;
}
