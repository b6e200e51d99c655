/* SPDX-License-Identifier: Apache-2.0 */
/* beats.h - heartbeats to the supervisor while no watchdog runs yet (a
 * target's start(): an embedded interpreter importing a large library under
 * instrumented locks can take seconds on a loaded machine). */
#ifndef RT_BEATS_H
#define RT_BEATS_H

#include <pthread.h>
#include <stdint.h>

struct rt_beats {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int fd;
	int stop;
	int running;          /* the thread was started: stop joins it */
	uint64_t period_ns;
};

/* Write one heartbeat ("h") to fd now and one every period_ns from a helper
 * thread.  fd < 0: nothing (unsupervised).  Returns 0, or -1 if the thread
 * could not start (then the caller goes on without beats). */
int rt_beats_start(struct rt_beats *b, int fd, uint64_t period_ns);
/* Stop and join the helper: it is woken at once, not at its next beat. */
void rt_beats_stop(struct rt_beats *b);

#endif
