/* SPDX-License-Identifier: Apache-2.0 */
/* settle.c - a stall verdict only from a settled picture.
 *
 * One snapshot is not enough on a loaded machine.  A thread that holds a
 * lock and is about to wait for the next one (running, or in a noise sleep,
 * between its acquire and its wait) shows no wait-for edge yet; when that
 * window outlasts the stall timeout, the snapshot reads HANG where a moment
 * later the DEADLOCK cycle is plain (busted: 2 of 200 runs at 100 ms under
 * load).  And a thread that waited past the stall timeout for a fair, busy
 * lock whose owners keep changing is starved, not hung.  So the watchdog's
 * verdict waits until the threads involved either move (no verdict), close
 * a cycle (DEADLOCK), or stay exactly as they are, all of them blocked,
 * for two snapshots in a row (HANG); a picture that never settles (a thread
 * spinning with a lock held, no progress) is a HANG when the budget ends.
 * A thread that waits for a harness lock nobody holds is never part of a
 * HANG: the lock is free, so the thread is slow, not stuck (under TSan it
 * sat in the sanitizer's own lock-order report, symbolizing, for longer
 * than the settle budget); the watchdog looks again at its next tick.  Nor
 * is a thread inside the harness's own work: appending to a sink of ~150 MB
 * (a realloc and copy) held a target's lock for 0.74 s under ASan on a
 * loaded CI machine, and read as a HANG of a correct target.  The
 * watchdog's heartbeat goes on meanwhile (tick): a budget of twice the
 * stall timeout is as long as the supervisor waits for a heartbeat (stall
 * timeout + 2 s) at 2 s and more, and within 1 s of it at 1 s. */
#include "engine/settle.h"

#include "base/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int blocked(int state)
{
	return state == RT_TS_BLOCKED_LOCK || state == RT_TS_BLOCKED_SYSCALL ||
	       state == RT_TS_WAITING_NOTIFY;
}

/* x waits for a harness lock that nobody holds: it can go on. */
static int free_wait(const struct rt_snap *x)
{
	return x->state == RT_TS_BLOCKED_LOCK && x->wait && !x->owner && !x->wait_ext;
}

/* x waits for a harness lock nobody holds, or is inside the harness's own
 * bounded work (a sink write): either way it can go on. */
static int can_go_on(const struct rt_snap *x)
{
	return free_wait(x) || x->harness_work;
}

static int any_can_go_on(const struct rt_snap *s, int n, const char *in)
{
	for (int i = 0; i < n; i++)
		if (in[i] && can_go_on(&s[i]))
			return 1;
	return 0;
}

/* The threads that count, marked in in[] (n entries). */
static void involved(const struct rt_snap *s, int n, int all, char *in)
{
	for (int i = 0; i < n; i++) {
		if (s[i].state == RT_TS_FINISHED)
			continue;
		if (all || s[i].state == RT_TS_BLOCKED_LOCK || s[i].state == RT_TS_BLOCKED_SYSCALL)
			for (int c = i, steps = 0; c >= 0 && !in[c] && steps <= n; steps++) {
				in[c] = 1;   /* the thread and the owners it waits for */
				c = s[c].next;
			}
	}
}

/* Did a thread that counts make progress since s0: its progress counter, or
 * a lock it waited for that it got or that changed hands? */
static int moved(const struct rt_snap *s0, const struct rt_snap *b, int n, const char *in)
{
	for (int i = 0; i < n; i++) {
		if (!in[i])
			continue;
		if (b[i].t != s0[i].t || b[i].progress != s0[i].progress)
			return 1;
		if (s0[i].state == RT_TS_BLOCKED_LOCK &&
		    (b[i].serial != s0[i].serial || b[i].owner != s0[i].owner))
			return 1;
	}
	return 0;
}

/* The same picture in a and b, every thread that counts blocked. */
static int settled(const struct rt_snap *a, const struct rt_snap *b, int n, const char *in)
{
	for (int i = 0; i < n; i++)
		if (in[i] && (a[i].state != b[i].state || a[i].serial != b[i].serial ||
			      a[i].next != b[i].next || !blocked(b[i].state) || free_wait(&b[i])))
			return 0;
	return 1;
}

static int verdict(int kind, struct rt_snap *b, int nb, int *cyc, int clen, struct rt_settle *out)
{
	out->snap = b;
	out->n = nb;
	out->cyc = cyc;
	out->clen = kind == RT_SETTLE_DEADLOCK ? clen : 0;
	return kind;
}

int rt_stall_settle(const struct rt_snap *s, int n, int all, uint64_t budget_ns,
		    void (*tick)(void), struct rt_settle *out)
{
	memset(out, 0, sizeof *out);
	char *in = rt_xcalloc((size_t)n + 1, 1);
	involved(s, n, all, in);
	uint64_t t0 = rt_now_ns();
	struct rt_snap *prev = NULL;
	int nprev = 0, kind = RT_SETTLE_MOVED;
	for (;;) {
		if (tick)
			tick();
		struct rt_snap *b;
		int nb = rt_snapshot_take(&b);
		int *cyc = rt_xcalloc((size_t)nb + 1, sizeof *cyc);
		int clen = nb >= n ? rt_snapshot_cycle(b, nb, cyc) : 0;
		if (nb < n || moved(s, b, n, in)) {
			kind = RT_SETTLE_MOVED;
		} else if (clen && rt_snapshot_confirm(b, nb, cyc, clen)) {
			kind = verdict(RT_SETTLE_DEADLOCK, b, nb, cyc, clen, out);
		} else if (!clen && rt_now_ns() - t0 >= budget_ns && any_can_go_on(b, n, in)) {
			kind = RT_SETTLE_MOVED;   /* slow, not stuck */
		} else if (!clen && ((prev && settled(prev, b, n, in)) ||
				     rt_now_ns() - t0 >= budget_ns)) {
			kind = verdict(RT_SETTLE_HANG, b, nb, cyc, 0, out);
		} else if (clen && rt_now_ns() - t0 >= budget_ns) {
			kind = RT_SETTLE_MOVED;   /* a cycle that never held still: no verdict */
		} else {
			free(cyc);
			if (prev)
				rt_snapshot_free(prev, nprev);
			prev = b;
			nprev = nb;
			rt_sleep_ns(20 * 1000000ULL);
			continue;
		}
		if (kind == RT_SETTLE_MOVED) {
			free(cyc);
			rt_snapshot_free(b, nb);
		}
		break;
	}
	if (prev)
		rt_snapshot_free(prev, nprev);
	free(in);
	return kind;
}

void rt_settle_free(struct rt_settle *v)
{
	if (v->snap)
		rt_snapshot_free(v->snap, v->n);
	free(v->cyc);
	memset(v, 0, sizeof *v);
}

void rt_stall_cycle_why(struct rt_snap *s, int n, uint64_t now, uint64_t stall_ns, char *why,
			size_t nwhy)
{
	int *cyc = rt_xcalloc((size_t)n + 1, sizeof *cyc);
	int clen = rt_snapshot_inferred_cycle(s, n, 0, cyc);
	uint64_t least = UINT64_MAX;
	int notify = 0;
	for (int i = 0; i < clen; i++) {
		if (now - s[cyc[i]].since < least)
			least = now - s[cyc[i]].since;
		notify += s[cyc[i]].state == RT_TS_WAITING_NOTIFY;
	}
	if (clen && least >= stall_ns)
		snprintf(why, nwhy, "%d thread%s for %s %s for %.2f s "
			 "(stall timeout %" PRIu64 " ms)", clen,
			 clen == 1 ? " waits" : "s wait", clen == 1 ? "itself" : "each other",
			 notify ? "through notify waits" : "in a cycle of lock waits",
			 (double)least / 1e9, stall_ns / 1000000);
	free(cyc);
}
