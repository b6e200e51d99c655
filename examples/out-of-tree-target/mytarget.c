/* SPDX-License-Identifier: Apache-2.0 */
/* mytarget.c - two redirection targets built outside the redirtorture tree,
 * against its installed headers, as one plugin:
 *
 *   mine       per-thread line buffers; a complete line goes to the terminal
 *              under one lock (clean)
 *   mine_abba  the same, but every write also takes a second lock, in an
 *              order that alternates between calls (an ABBA inversion the
 *              harness must report)
 *
 *   make PREFIX=/where/redirtorture/is/installed
 *   redirtorture run --target-plugin ./libmytarget.so --target mine --scenario live_refresh
 */
#include <redirtorture/rt.h>

#include <stdatomic.h>
#include <string.h>

#define LINE_MAX_LEN 4096

static rt_lock *term_lock, *stats_lock;
static rt_sink *terminal;
static _Atomic unsigned long calls;

/* Each thread's partial line per stream: a print() arrives as several
 * writes, and other threads' lines must not land in the middle of it. */
static _Thread_local struct { char buf[LINE_MAX_LEN]; size_t len; } partial[3];

static void emit(const char *line, size_t len)
{
	rt_lock_acquire(term_lock);
	rt_sink_write(terminal, line, len);
	rt_lock_release(term_lock);
}

static void buffered_write(enum rt_stream s, const char *buf, size_t len)
{
	char *pb = partial[s].buf;
	size_t *pl = &partial[s].len;
	for (size_t i = 0; i < len; i++) {
		pb[(*pl)++] = buf[i];
		if (buf[i] == '\n' || *pl == LINE_MAX_LEN) {
			emit(pb, *pl);
			*pl = 0;
		}
	}
}

static void mine_write(enum rt_stream s, const char *buf, size_t len)
{
	buffered_write(s, buf, len);
}

/* The bug: statistics under a second lock, taken before the terminal lock
 * on odd calls and after it on even ones. */
static void abba_write(enum rt_stream s, const char *buf, size_t len)
{
	int odd = atomic_fetch_add(&calls, 1) & 1;
	rt_lock *first = odd ? stats_lock : term_lock, *second = odd ? term_lock : stats_lock;
	rt_lock_acquire(first);
	rt_lock_acquire(second);
	rt_lock_release(second);
	rt_lock_release(first);
	buffered_write(s, buf, len);
}

static void mine_flush(enum rt_stream s)
{
	(void)s;   /* complete lines are out already; a partial one waits for its end */
}

static int mine_start(const struct rt_target_env *env, const char **why)
{
	(void)env;
	(void)why;
	term_lock = rt_lock_new("Mine.terminal", RT_LOCK_PLAIN);
	stats_lock = rt_lock_new("Mine.stats", RT_LOCK_PLAIN);
	terminal = rt_sink_new("terminal");
	atomic_store(&calls, 0);
	return 0;
}

static void mine_stop(void)
{
	rt_lock_free(term_lock);
	rt_lock_free(stats_lock);
	term_lock = stats_lock = NULL;
	terminal = NULL;
}

static const struct rt_target_ops mine_ops = {
	.name = "mine",
	.summary = "out-of-tree example: per-thread line buffers, one terminal lock",
	.start = mine_start,
	.stop = mine_stop,
	.write = mine_write,
	.flush = mine_flush,
};

static const struct rt_target_ops mine_abba_ops = {
	.name = "mine_abba",
	.summary = "out-of-tree example with an ABBA lock-order bug",
	.flags = RT_TARGET_BUGGY,
	.start = mine_start,
	.stop = mine_stop,
	.write = abba_write,
	.flush = mine_flush,
};

RT_TARGET_PLUGIN(&mine_ops, &mine_abba_ops);
