/* SPDX-License-Identifier: Apache-2.0 */
/* hangjson.c - a DEADLOCK / HANG finding as data (see hangjson.h). */
#include "engine/hangjson.h"

#include "base/json.h"
#include "base/util.h"
#include "runtime/langstack.h"
#include "runtime/lockgraph.h"
#include "runtime/lock.h"
#include "runtime/site.h"

static json_t *secs_since(uint64_t now, uint64_t then)
{
	return rt_json_secs(now > then ? (double)(now - then) / 1e9 : 0.0);
}

/* What x waits for: {lock, site} for a lock, with "owner" (null: being
 * released) and "timeout_s" (null: none); {lock: the condition, site,
 * "notify": true, timeout_s} for a notify wait; null otherwise. */
static json_t *waits_json(const struct rt_snap *x, uint64_t now, int detail)
{
	json_t *w;
	uint64_t deadline;
	if (x->state == RT_TS_BLOCKED_LOCK && x->wait) {
		w = rt_lock_site_json(x->wait_cls, x->wsite);
		if (detail)
			rt_json_set(w, "owner", x->owner ? rt_json_str(x->owner->name) : json_null());
		deadline = x->wait_deadline;
	} else if (x->state == RT_TS_WAITING_NOTIFY) {
		w = rt_lock_site_json(x->notify_on ? x->notify_on : "?", x->wsite);
		rt_json_set(w, "notify", json_true());
		deadline = x->notify_deadline;
	} else {
		return json_null();
	}
	if (detail)
		rt_json_set(w, "timeout_s", deadline ? rt_json_secs(deadline > now ?
								   (double)(deadline - now) / 1e9 : 0)
						      : json_null());
	return w;
}

static json_t *holds_json(const struct rt_snap *x, uint64_t now, int detail)
{
	json_t *a = rt_json_arr();
	for (int h = 0; h < x->nheld; h++) {
		const struct rt_held *hd = &x->held[h];
		json_t *o = rt_lock_site_json(hd->cls->name, hd->site);
		if (detail) {
			rt_json_set(o, "for_s", secs_since(now, hd->since_ns));
			rt_json_set(o, "reentry", json_boolean(hd->reentry));
		}
		rt_json_push(a, o);
	}
	return a;
}

static json_t *thread_json(const struct rt_snap *x, const struct rt_native_stack *ns,
			   const struct rt_stack *lang, uint64_t now)
{
	json_t *o = rt_json_obj();
	rt_json_set_str(o, "name", x->name);
	rt_json_set_str(o, "role", x->role);
	rt_json_set_str(o, "state", rt_tstate_name(x->state));
	rt_json_set(o, "for_s", secs_since(now, x->since));
	rt_json_set(o, "op", x->op ? rt_json_str(x->op) : json_null());
	rt_json_set_int(o, "progress", (long long)x->progress);
	rt_json_set(o, "holds", holds_json(x, now, 1));
	rt_json_set(o, "waits", waits_json(x, now, 1));
	json_t *sc = json_null();
	if ((x->state == RT_TS_BLOCKED_SYSCALL || x->state == RT_TS_SLEEPING) && x->syscall) {
		sc = rt_json_obj();
		rt_json_set_str(sc, "call", x->syscall);
		rt_json_set(sc, "site", rt_site_json(x->wsite));
	}
	rt_json_set(o, "syscall", sc);
	/* the Python stack recorded as it started to wait, else taken now:
	 * as text (else the thread's note), and as frames */
	const struct rt_stack *st = x->stack ? x->stack : lang;
	if (st) {
		struct rt_buf b = { 0 };
		rt_stack_text(&b, st);
		rt_json_set(o, "python_stack", rt_json_str(b.p));
		rt_buf_free(&b);
	} else {
		rt_json_set(o, "python_stack", x->note ? rt_json_str(x->note) : json_null());
	}
	rt_json_set(o, "python_frames", st ? rt_stack_json(st) : json_null());
	rt_json_set(o, "native_stack", x->tid ? rt_native_json(ns) : json_null());
	return o;
}

json_t *rt_hang_json(const struct rt_snap *s, int n, const int *cyc, int clen, int inferred,
		     const struct rt_native_stack *ns, struct rt_stack *const *lang, uint64_t now)
{
	json_t *d = rt_json_obj(), *cycle = rt_json_arr(), *threads = rt_json_arr();
	for (int i = 0; i < clen; i++) {
		const struct rt_snap *x = &s[cyc[i]];
		int nx = inferred ? x->inext : x->next;
		json_t *c = rt_json_obj();
		rt_json_set_str(c, "thread", x->name);
		rt_json_set_str(c, "role", x->role);
		rt_json_set(c, "holds", holds_json(x, now, 0));
		rt_json_set(c, "waits", waits_json(x, now, 0));
		rt_json_set(c, "waits_for", nx >= 0 && nx < n ? rt_json_str(s[nx].name) : json_null());
		rt_json_push(cycle, c);
	}
	for (int i = 0; i < n; i++)
		if (s[i].state != RT_TS_FINISHED)
			rt_json_push(threads, thread_json(&s[i], &ns[i], lang ? lang[i] : NULL, now));
	rt_json_set(d, "cycle", cycle);
	rt_json_set(d, "threads", threads);
	return d;
}
