/* SPDX-License-Identifier: Apache-2.0 */
/* lockbench.c - the cost of one uncontended instrumented acquire + release
 * (runtime/lock.c and its inline common case, lock_fast.h: chain cache,
 * held list) next to a plain pthread mutex, with 0, 1, 64 and 256 other
 * locks held, and the memory the lock-order bookkeeping holds.
 *
 * Two kinds of process, because glibc takes a mutex without an atomic
 * instruction while a process has one thread (pthread_mutex_lock and
 * unlock; never pthread_mutex_trylock, which an instrumented acquire uses
 * once a second thread exists, so that a thread about to block records its
 * wait first; lock_fast.h): a single-threaded one, and one with a
 * second (idle) thread, as every harness process that runs a target has
 * (the watchdog, drivers).  Each sample forks one child of each kind; a
 * child times every variant once, in turn.  Output: one table per kind,
 * min/median/max ns per acquire+release over the samples, the load average
 * before and after, and the bench thread's bookkeeping.
 *   build/default/lockbench [SAMPLES] [ITERS]      (bench/controlled.py runs it) */
#include "runtime/registry.h"
#include "runtime/rt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXHELD 256
static const int variants[] = { -1, 0, 1, 64, 256 };   /* -1: plain mutex */
enum { NV = sizeof variants / sizeof variants[0] };

/* what a child sends back */
struct result {
	double ns[NV];
	long rss_kb;           /* growth over its timed variants */
	size_t chains, chain_bytes;
	int capheld;
};

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

static void *idle_main(void *arg)
{
	for (;;)
		pause();
	return arg;
}

/* One child: every variant once, the result into fd. */
static void child(int fd, int threaded, long iters)
{
	pthread_t idle;
	if (threaded && pthread_create(&idle, NULL, idle_main, NULL) != 0)
		_exit(70);
	rt_thread_register("bench", "bench");
	char name[32];
	for (int i = 0; i < MAXHELD; i++) {
		snprintf(name, sizeof name, "held-%d", i);
		held[i] = rt_lock_new(name, RT_LOCK_PLAIN);
	}
	target = rt_lock_new("target", RT_LOCK_PLAIN);
	struct result r = { 0 };
	long rss0 = rss_kb();
	for (int k = 0; k < NV; k++)
		r.ns[k] = variants[k] < 0 ? time_plain(iters) : time_rt(variants[k], iters);
	r.rss_kb = rss_kb() - rss0;
	struct rt_thread *t = rt_self();
	r.chains = t->chains.n;
	r.chain_bytes = (t->chains.mask + 1) * sizeof *t->chains.keys;
	r.capheld = t->capheld;
	_exit(write(fd, &r, sizeof r) == (ssize_t)sizeof r ? 0 : 70);
}

static int run_child(int threaded, long iters, struct result *r)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		child(p[1], threaded, iters);
	}
	close(p[1]);
	ssize_t n = pid > 0 ? read(p[0], r, sizeof *r) : -1;
	close(p[0]);
	int st = 0;
	if (pid > 0)
		waitpid(pid, &st, 0);
	return n == (ssize_t)sizeof *r && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void table(const char *title, struct result *res, int samples)
{
	printf("%s\n\n", title);
	printf("| lock (uncontended acquire+release) | min ns | median ns | max ns | x plain (median) |\n");
	printf("|---|---|---|---|---|\n");
	double base = 0;
	uint64_t *u = calloc((size_t)samples, sizeof *u);
	for (int k = 0; k < NV; k++) {
		for (int s = 0; s < samples; s++)
			u[s] = (uint64_t)(res[s].ns[k] * 1000);
		qsort(u, (size_t)samples, sizeof *u, cmp_u64);
		double med = (double)u[samples / 2] / 1000;
		if (k == 0)
			base = med;
		if (variants[k] < 0)
			printf("| plain pthread mutex ");
		else
			printf("| instrumented, %d other lock%s held ", variants[k], variants[k] == 1 ? "" : "s");
		printf("| %.1f | %.1f | %.1f | %.2f |\n", (double)u[0] / 1000, med,
		       (double)u[samples - 1] / 1000, med / base);
	}
	free(u);
	printf("\n");
}

int main(int argc, char **argv)
{
	int samples = argc > 1 ? atoi(argv[1]) : 9;
	long iters = argc > 2 ? atol(argv[2]) : 200000;
	if (samples < 1 || samples > 1000 || iters < 1) {
		fprintf(stderr, "usage: lockbench [SAMPLES 1..1000] [ITERS >= 1]\n");
		return 64;
	}
	struct result *res[2];
	for (int m = 0; m < 2; m++)
		res[m] = calloc((size_t)samples, sizeof **res);
	double load0 = loadavg();
	for (int s = 0; s < samples; s++)
		for (int m = 0; m < 2; m++)
			if (run_child(m, iters, &res[m][s]) != 0) {
				fprintf(stderr, "lockbench: a child process failed\n");
				return 70;
			}
	double load1 = loadavg();
	printf("%d samples x %ld acquire+release, each sample a fresh process of each kind, "
	       "interleaved; load average %.2f before, %.2f after\n\n", samples, iters, load0, load1);
	table("One thread in the process (glibc's mutex then uses no atomic instruction):",
	      res[0], samples);
	table("A second thread alive, as in every harness process that runs a target:",
	      res[1], samples);
	long rss = 0;
	for (int m = 0; m < 2; m++)
		for (int s = 0; s < samples; s++)
			rss = res[m][s].rss_kb > rss ? res[m][s].rss_kb : rss;
	printf("RSS growth while one process timed every variant: %ld kB at most "
	       "(lock-order bookkeeping for %d classes)\n", rss, MAXHELD + 1);
	printf("the bench thread's bookkeeping, %d locks held at most: %zu chain keys (%zu bytes), "
	       "held list of %d entries (%zu bytes)\n", MAXHELD + 1, res[0][0].chains,
	       res[0][0].chain_bytes, res[0][0].capheld,
	       (size_t)res[0][0].capheld * sizeof(struct rt_held));
	return 0;
}
