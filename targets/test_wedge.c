/* SPDX-License-Identifier: Apache-2.0 */
/* test_wedge.c - test helper: on the first write() the whole process stops
 * itself with SIGSTOP after ignoring the polite signals, so no thread (not
 * even the harness watchdog) can run or report.  Only a supervising parent
 * can notice, and only SIGKILL ends it.  Later writes (if ever continued)
 * go to the sink like test_clean's.
 */
#include <signal.h>
#include <stdatomic.h>

#include "linebuf.h"
#include "rt.h"

static rt_sink *terminal;
static atomic_flag wedged = ATOMIC_FLAG_INIT;
static struct lb_set bufs = LB_SET_INIT;

static void emit_lines(const char *lines, size_t len)
{
	rt_sink_write(terminal, lines, len);
}

static void wedge_write(enum rt_stream s, const char *buf, size_t len)
{
	if (!atomic_flag_test_and_set(&wedged)) {
		static const int polite[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };
		struct sigaction sa = { 0 };
		sa.sa_handler = SIG_IGN;
		sigemptyset(&sa.sa_mask);
		for (unsigned i = 0; i < sizeof polite / sizeof polite[0]; i++)
			sigaction(polite[i], &sa, NULL);
		raise(SIGSTOP);   /* stops every thread of the process */
	}
	lb_write(&bufs, s, 0, buf, len, emit_lines);
}

static void wedge_flush(enum rt_stream s)
{
	(void)s;
}

static int wedge_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	(void)why;
	atomic_flag_clear(&wedged);
	terminal = rt_sink_new("terminal");
	lb_reset(&bufs);
	return 0;
}

static void wedge_stop(void)
{
	lb_drain(&bufs, emit_lines);
	terminal = NULL;
}

const struct rt_target_ops test_wedge_ops = {
	.name = "test_wedge",
	.summary = "test helper: SIGSTOPs its own process on the first write",
	.flags = RT_TARGET_TEST,
	.start = wedge_start,
	.stop = wedge_stop,
	.write = wedge_write,
	.flush = wedge_flush,
	.refresh = NULL,
};
