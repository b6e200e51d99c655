/* SPDX-License-Identifier: Apache-2.0 */
/* sink.c - sinks: in-memory terminals, each with its own lock, and the list
 * of every sink of the run for the integrity oracle. */
#include "runtime/sink.h"

#include "base/util.h"
#include "runtime/registry.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct rt_sink {
	char name[32];
	pthread_mutex_t mu;
	struct rt_buf data;
	int owner;              /* -1, or the observer's owner id */
	rt_sink_observer observe;
};

static pthread_mutex_t sinks_mu = PTHREAD_MUTEX_INITIALIZER;
static struct rt_sink **sinks;
static int nsinks, capsinks;

rt_sink *rt_sink_new(const char *name) { return rt_sink_new_observed(name, -1, NULL); }

rt_sink *rt_sink_new_observed(const char *name, int owner, rt_sink_observer observe)
{
	struct rt_sink *s = rt_xcalloc(1, sizeof *s);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->owner = owner;
	s->observe = observe;
	pthread_mutex_init(&s->mu, NULL);
	pthread_mutex_lock(&sinks_mu);
	if (nsinks == capsinks) {
		capsinks = capsinks ? capsinks * 2 : 8;
		sinks = rt_xrealloc(sinks, (size_t)capsinks * sizeof *sinks);
	}
	sinks[nsinks++] = s;
	pthread_mutex_unlock(&sinks_mu);
	return s;
}

void rt_sink_write(rt_sink *s, const char *buf, size_t len)
{
	struct rt_thread *t = rt_self_or_null();
	if (t)   /* the harness's own work: no hang however long it takes */
		atomic_fetch_add_explicit(&t->harness_work, 1, memory_order_relaxed);
	pthread_mutex_lock(&s->mu);
	rt_buf_add(&s->data, buf, len);
	if (s->observe)   /* e.g. session oracles check lines as they land */
		s->observe(s->owner, buf, len);
	pthread_mutex_unlock(&s->mu);
	if (t)
		atomic_fetch_sub_explicit(&t->harness_work, 1, memory_order_relaxed);
}

size_t rt_sink_total_bytes(void)
{
	size_t n = 0;
	pthread_mutex_lock(&sinks_mu);
	for (int i = 0; i < nsinks; i++) {
		pthread_mutex_lock(&sinks[i]->mu);
		n += sinks[i]->data.len;
		pthread_mutex_unlock(&sinks[i]->mu);
	}
	pthread_mutex_unlock(&sinks_mu);
	return n;
}

void rt_sinks_reset(void)
{
	pthread_mutex_lock(&sinks_mu);
	for (int i = 0; i < nsinks; i++) {
		rt_buf_free(&sinks[i]->data);
		pthread_mutex_destroy(&sinks[i]->mu);
		free(sinks[i]);
	}
	free(sinks);
	sinks = NULL;
	nsinks = capsinks = 0;
	pthread_mutex_unlock(&sinks_mu);
}

void rt_sinks_lock(void) { pthread_mutex_lock(&sinks_mu); }
void rt_sinks_unlock(void) { pthread_mutex_unlock(&sinks_mu); }
int rt_sinks_count(void) { return nsinks; }

void rt_sink_view(int i, const char **name, const char **data, size_t *len)
{
	*name = sinks[i]->name;
	*data = sinks[i]->data.p ? sinks[i]->data.p : "";
	*len = sinks[i]->data.len;
}
