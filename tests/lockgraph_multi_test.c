/* SPDX-License-Identifier: Apache-2.0 */
/* lockgraph_multi_test.c - one new edge can close several cycles, each its
 * own bug, and each is reported.  rich_live's shape: the refresh thread nests
 * Live -> Console; a logging thread holds the handler lock and takes Live,
 * releases it, then Console (edges Handler -> Live, Handler -> Console); a
 * printer under Console runs a finalizer that logs (Console -> Handler).
 * That last edge closes Console <-> Handler and the #4158 chain Console ->
 * Handler -> Live -> Console: both findings, the shorter first.  Before,
 * only the shortest was reported and the chain was never seen in that run. */
#include "base/report.h"
#include "runtime/lockgraph.h"
#include "runtime/registry.h"
#include "runtime/rt.h"

#include "test_threads.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static rt_lock *con, *live, *handler;

static void *refresh(void *arg)
{
	(void)arg;
	rt_thread_register("refresh", "test");
	rt_lock_acquire(live);
	rt_lock_acquire(con);
	rt_lock_release(con);
	rt_lock_release(live);
	return NULL;
}

static void *logger(void *arg)
{
	(void)arg;
	rt_thread_register("logger", "test");
	rt_lock_acquire(handler);
	rt_lock_acquire(live);   /* process_renderables */
	rt_lock_release(live);
	rt_lock_acquire(con);    /* render_live */
	rt_lock_release(con);
	rt_lock_release(handler);
	return NULL;
}

static void *printer(void *arg)
{
	(void)arg;
	rt_thread_register("printer", "test");
	rt_lock_acquire(con);
	rt_lock_acquire(handler);   /* a finalizer logs */
	rt_lock_release(handler);
	rt_lock_release(con);
	return NULL;
}

int main(void)
{
	static const char *const want[] = {
		"Con -> Handler -> Con",
		"Con -> Handler -> Live -> Con",
	};
	rt_test_init("lockgraph_multi_test");
	con = rt_lock_new("Con", RT_LOCK_PLAIN);
	live = rt_lock_new("Live", RT_LOCK_PLAIN);
	handler = rt_lock_new("Handler", RT_LOCK_PLAIN);
	rt_test_run(refresh, NULL);
	rt_test_run(logger, NULL);
	rt_test_run(printer, NULL);
	int code, n = 0, fails = 0;
	const char *kind, *sig, *text;
	for (int i = 0; rt_report_get(i, &code, &kind, &sig, &text) == 0; i++, n++) {
		const char *canon = strchr(sig, ' ');
		if (i >= 2 || !canon || strcmp(canon + 1, want[i])) {
			fprintf(stderr, "FAIL: finding %d is '%s', expected '%s'\n", i, sig,
				i < 2 ? want[i] : "none");
			fails++;
		}
	}
	if (n != 2) {
		fprintf(stderr, "FAIL: %d findings, expected 2\n", n);
		fails++;
	}
	if (!fails)
		printf("PASS: the new edge Con -> Handler closed two cycles, both reported\n");
	return fails ? 1 : 0;
}
