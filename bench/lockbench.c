/* SPDX-License-Identifier: Apache-2.0 */
/* lockbench.c - the cost of one uncontended instrumented acquire + release
 * (runtime/lock.c: chain cache, held list, scheduling points) next to a
 * plain pthread mutex, with 0, 1, 64 and 256 other locks held, and the
 * memory the lock-order bookkeeping holds.  Interleaved: each sample times
 * every variant once, in turn.  Output: one table row per variant,
 * min/median/max ns per acquire+release over the samples, the load average
 * before and after, and the thread's bookkeeping (chain keys, held list).
 *   build/default/lockbench [SAMPLES] [ITERS]      (bench/controlled.py runs it) */
#include "runtime/registry.h"
#include "runtime/rt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXHELD 256

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static rt_lock *held[MAXHELD], *target;
static pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;

/* ns per acquire+release of the instrumented lock with nheld others held */
static double time_rt(int nheld, long iters)
{
	for (int i = 0; i < nheld; i++)
		rt_lock_acquire(held[i]);
	uint64_t t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		rt_lock_acquire(target);
		rt_lock_release(target);
	}
	double ns = (double)(now_ns() - t0) / (double)iters;
	for (int i = nheld - 1; i >= 0; i--)
		rt_lock_release(held[i]);
	return ns;
}

static double time_plain(long iters)
{
	uint64_t t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		pthread_mutex_lock(&plain);
		pthread_mutex_unlock(&plain);
	}
	return (double)(now_ns() - t0) / (double)iters;
}

static double loadavg(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l = -1;
	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = atol(line + 6);
	if (f)
		fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	int samples = argc > 1 ? atoi(argv[1]) : 9;
	long iters = argc > 2 ? atol(argv[2]) : 200000;
	if (samples < 1 || samples > 1000 || iters < 1) {
		fprintf(stderr, "usage: lockbench [SAMPLES 1..1000] [ITERS >= 1]\n");
		return 64;
	}
	rt_thread_register("bench", "bench");
	char name[32];
	for (int i = 0; i < MAXHELD; i++) {
		snprintf(name, sizeof name, "held-%d", i);
		held[i] = rt_lock_new(name, RT_LOCK_PLAIN);
	}
	target = rt_lock_new("target", RT_LOCK_PLAIN);
	const int variants[] = { -1, 0, 1, 64, 256 };   /* -1: plain mutex */
	enum { NV = sizeof variants / sizeof variants[0] };
	double *v[NV];
	for (int k = 0; k < NV; k++)
		v[k] = calloc((size_t)samples, sizeof(double));
	long rss0 = rss_kb();
	double load0 = loadavg();
	for (int s = 0; s < samples; s++)
		for (int k = 0; k < NV; k++)
			v[k][s] = variants[k] < 0 ? time_plain(iters) : time_rt(variants[k], iters);
	long rss1 = rss_kb();
	double load1 = loadavg();
	printf("%d samples x %ld acquire+release, interleaved; load average %.2f before, %.2f after\n\n",
	       samples, iters, load0, load1);
	printf("| lock (uncontended acquire+release) | min ns | median ns | max ns | x plain (median) |\n");
	printf("|---|---|---|---|---|\n");
	double base = 0;
	for (int k = 0; k < NV; k++) {
		uint64_t *u = calloc((size_t)samples, sizeof *u);
		for (int s = 0; s < samples; s++)
			u[s] = (uint64_t)(v[k][s] * 1000);
		qsort(u, (size_t)samples, sizeof *u, cmp_u64);
		double med = (double)u[samples / 2] / 1000;
		if (k == 0)
			base = med;
		if (variants[k] < 0)
			printf("| plain pthread mutex ");
		else
			printf("| instrumented, %d other locks held ", variants[k]);
		printf("| %.1f | %.1f | %.1f | %.2f |\n", (double)u[0] / 1000, med,
		       (double)u[samples - 1] / 1000, med / base);
		free(u);
		free(v[k]);
	}
	printf("\nRSS growth over the samples: %ld kB (lock-order bookkeeping for %d classes)\n",
	       rss1 - rss0, MAXHELD + 1);
	struct rt_thread *t = rt_self();
	printf("this thread's bookkeeping, %d locks held at most: %zu chain keys (%zu bytes), "
	       "held list of %d entries (%zu bytes)\n", MAXHELD + 1, t->chains.n,
	       (t->chains.mask + 1) * sizeof *t->chains.keys, t->capheld,
	       (size_t)t->capheld * sizeof *t->held);
	return 0;
}
