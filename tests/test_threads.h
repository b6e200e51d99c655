/* SPDX-License-Identifier: Apache-2.0 */
/* test_threads.h - the scaffolding the C lock tests share: the report set
 * up quiet, a failed check counted and said on one line, numbered locks of
 * a class each, a function run on a thread of its own (its lock bookkeeping
 * in a fresh thread record) and joined.  Header only: each test is one file. */
#ifndef RT_TEST_THREADS_H
#define RT_TEST_THREADS_H

#include "base/config.h"
#include "base/report.h"
#include "runtime/rt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static int rt_test_fails;

/* The report of test `name`, quiet: findings are read back, not printed. */
static inline void rt_test_init(const char *name)
{
	struct rt_config c;
	rt_config_defaults(&c);
	rt_report_init(&c, name, NULL);
	rt_report_set_quiet(1);
}

static inline void rt_test_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "FAIL: %s\n", what);
		rt_test_fails++;
	}
}

/* n plain locks, each of its own class: fmt with the index (e.g. "L%03d"). */
static inline void rt_test_new_locks(rt_lock **out, int n, const char *fmt)
{
	char name[64];
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, fmt, i);
		out[i] = rt_lock_new(name, RT_LOCK_PLAIN);
	}
}

/* fn(arg) on a new thread, joined. */
static inline void rt_test_run(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	if (pthread_create(&t, NULL, fn, arg)) {
		fprintf(stderr, "FAIL: pthread_create\n");
		exit(1);
	}
	pthread_join(t, NULL);
}

#endif
