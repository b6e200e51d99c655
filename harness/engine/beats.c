/* SPDX-License-Identifier: Apache-2.0 */
/* beats.c - heartbeats while a target starts (beats.h).
 *
 * The helper waits on a condition variable, not in a sleep: stop() wakes
 * it, so a target's start() is never followed by the rest of a beat
 * period.  With a sleep, every run paid up to one period (100 ms) between
 * start() and its drivers; under ThreadSanitizer always the whole of it,
 * since TSan's pthread_create returns only once the new thread runs, so the
 * helper was always inside its sleep when start() of a C target (a few
 * microseconds) returned. */
#include "engine/beats.h"

#include "base/util.h"

#include <errno.h>
#include <time.h>

static void *beats_main(void *arg)
{
	struct rt_beats *b = arg;
	pthread_mutex_lock(&b->mu);
	while (!b->stop) {
		if (rt_heartbeat(b->fd) < 0)
			break;   /* the pipe failed: nobody to tell */
		struct timespec ts = rt_deadline_in(CLOCK_REALTIME, b->period_ns);
		while (!b->stop && pthread_cond_timedwait(&b->cv, &b->mu, &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

int rt_beats_start(struct rt_beats *b, int fd, uint64_t period_ns)
{
	*b = (struct rt_beats){ .fd = fd, .period_ns = period_ns };
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
	if (fd < 0)
		return 0;
	if (pthread_create(&b->thread, NULL, beats_main, b) != 0)
		return -1;
	b->running = 1;
	return 0;
}

void rt_beats_stop(struct rt_beats *b)
{
	pthread_mutex_lock(&b->mu);
	b->stop = 1;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
	if (b->running)
		pthread_join(b->thread, NULL);
	b->running = 0;
	pthread_cond_destroy(&b->cv);
	pthread_mutex_destroy(&b->mu);
}
