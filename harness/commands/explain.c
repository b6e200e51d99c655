/* SPDX-License-Identifier: Apache-2.0 */
/* explain.c - why a potential deadlock was not confirmed.  Steering tried
 * and failed; what the lock-order graph recorded at every acquisition along
 * the cycle's edges (lockgraph.c: inside a finalizer run or not, with a
 * timeout or not, the threads' roles, the lock instances) can say that the
 * cycle cannot close as the scenario runs, and which knob would change that:
 *   - a class met on different instances: the edge into it always awaited
 *     other instances than the edge out of it held (one lock is needed);
 *   - two edges only ever taken inside finalizer runs: the GC model runs
 *     one collection at a time, so two threads are never in one at once;
 *   - an edge whose lock was only ever acquired with a timeout: it gives up;
 *   - every edge taken only by threads of roles the run had fewer threads
 *     of than the cycle has edges (one thread cannot wait for itself).
 * Each is a fact about what was observed, never a guess from text. */
#include "commands/explain.h"

#include "base/report.h"
#include "base/util.h"
#include "runtime/registry.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Roles whose thread count is a generic knob, and what their threads do. */
static const struct {
	const char *role, *knob, *does;
	size_t off;
} role_knobs[] = {
	{ "print", "print_workers", "prints", offsetof(struct rt_config, print_workers) },
	{ "log", "log_workers", "logs", offsetof(struct rt_config, log_workers) },
};
#define NROLE_KNOBS (sizeof role_knobs / sizeof role_knobs[0])

void rt_explain_init(struct rt_explain *x, const char *const *classes, int n)
{
	memset(x, 0, sizeof *x);
	x->n = n;
	x->classes = rt_xcalloc((size_t)n + 1, sizeof *x->classes);
	for (int i = 0; i < n; i++)
		x->classes[i] = rt_xstrdup(classes[i]);
	x->edge = rt_xcalloc((size_t)n + 1, sizeof *x->edge);
	x->cls = rt_xcalloc((size_t)n + 1, sizeof *x->cls);
}

void rt_explain_free(struct rt_explain *x)
{
	for (int i = 0; i < x->n; i++)
		free(x->classes[i]);
	free(x->classes);
	free(x->edge);
	free(x->cls);
	memset(x, 0, sizeof *x);
}

static int disjoint(const uint64_t *a, int na, const uint64_t *b, int nb)
{
	for (int i = 0; i < na; i++)
		for (int j = 0; j < nb; j++)
			if (a[i] == b[j])
				return 0;
	return 1;
}

static void count_roles(struct rt_explain *x)
{
	int now[RT_LOCKGRAPH_ROLES] = { 0 };
	rt_registry_lock();
	for (int i = 0; rt_registry_get_locked(i); i++) {
		const char *role = rt_registry_get_locked(i)->role;
		for (int r = 0; r < RT_LOCKGRAPH_ROLES - 1; r++) {
			const char *name = rt_lockgraph_role_name(r);
			if (!name)
				break;
			now[r] += !strcmp(name, role);
		}
	}
	rt_registry_unlock();
	for (int r = 0; r < RT_LOCKGRAPH_ROLES; r++)
		if (now[r] > x->role_threads[r])
			x->role_threads[r] = now[r];
}

void rt_explain_gather(struct rt_explain *x)
{
	int n = x->n;
	struct rt_lockgraph_edge *e = rt_xcalloc((size_t)n + 1, sizeof *e);
	int *has = rt_xcalloc((size_t)n + 1, sizeof *has);
	for (int i = 0; i < n; i++) {
		has[i] = !rt_lockgraph_edge_between(x->classes[i], x->classes[(i + 1) % n], &e[i]);
		if (!has[i])
			continue;
		struct rt_explain_edge *xe = &x->edge[i];
		xe->seen++;
		xe->in_fin |= e[i].in_finalizer;
		xe->out_fin |= e[i].outside_finalizer;
		xe->timed |= e[i].timed;
		xe->untimed |= e[i].untimed;
		xe->roles |= e[i].roles;
	}
	/* class i: awaited by edge i-1 (its `to`), held by edge i (its `from`) */
	for (int i = 0; i < n; i++) {
		const struct rt_lockgraph_edge *in = &e[(i + n - 1) % n], *out = &e[i];
		if (!has[(i + n - 1) % n] || !has[i])
			continue;
		struct rt_explain_class *xc = &x->cls[i];
		if (in->inst_many || out->inst_many ||
		    !disjoint(in->inst_to, in->ninst_to, out->inst_from, out->ninst_from)) {
			xc->meet++;
			continue;
		}
		xc->apart++;
		xc->in_inst = in->inst_to[0];
		xc->out_inst = out->inst_from[0];
	}
	count_roles(x);
	x->executions++;
	free(e);
	free(has);
}

static const char *cls_next(const struct rt_explain *x, int i) { return x->classes[(i + 1) % x->n]; }

static int knob_value(const struct rt_config *c, size_t k)
{
	return *(const int *)(const void *)((const char *)c + role_knobs[k].off);
}

/* The knob that adds threads of role, or -1. */
static int knob_of(const char *role)
{
	for (size_t k = 0; k < NROLE_KNOBS; k++)
		if (!strcmp(role_knobs[k].role, role))
			return (int)k;
	return -1;
}

static int why_instances(const struct rt_explain *x, struct rt_buf *b, const char *over)
{
	int said = 0;
	for (int i = 0; i < x->n; i++) {
		const struct rt_explain_class *xc = &x->cls[i];
		if (!xc->apart || xc->meet)
			continue;
		int p = (i + x->n - 1) % x->n;
		rt_buf_printf(b, "unconfirmed: different instances of one lock class: %s -> %s always "
				 "waited for another %s than %s -> %s held (e.g. instance #%llu and #%llu, "
				 "%s), so the cycle cannot close on one lock; no scenario knob makes them "
				 "one lock\n",
			      x->classes[p], x->classes[i], x->classes[i], x->classes[i], cls_next(x, i),
			      (unsigned long long)xc->in_inst, (unsigned long long)xc->out_inst, over);
		said++;
	}
	return said;
}

/* Two edges only ever inside finalizer runs need two collections at once. */
static int why_finalizers(const struct rt_explain *x, const struct rt_config *c, struct rt_buf *b,
			  const char *over)
{
	int nfin = 0;
	for (int i = 0; i < x->n; i++)
		nfin += x->edge[i].seen && x->edge[i].in_fin && !x->edge[i].out_fin;
	if (nfin < 2)
		return 0;
	rt_buf_printf(b, "unconfirmed: edges seen only inside finalizer runs:");
	for (int i = 0, k = 0; i < x->n; i++)
		if (x->edge[i].seen && x->edge[i].in_fin && !x->edge[i].out_fin)
			rt_buf_printf(b, "%s %s -> %s", k++ ? "," : "", x->classes[i], cls_next(x, i));
	rt_buf_printf(b, " (%s), and the GC model never runs two collections at once; ", over);
	/* who does outside a finalizer what a finalizer does (finalizer_action) */
	int said = 0;
	for (size_t k = 0; k < NROLE_KNOBS; k++) {
		int log = !strcmp(role_knobs[k].role, "log");
		if (c->finalizer_action != RT_FIN_MIXED && (c->finalizer_action == RT_FIN_LOG) != log)
			continue;
		if (knob_value(c, k))
			rt_buf_printf(b, "%sscenario threads %s too (%s=%d) but never took this order",
				      said++ ? "; " : "", role_knobs[k].does, role_knobs[k].knob,
				      knob_value(c, k));
		else
			rt_buf_printf(b, "%sno scenario thread %s outside a finalizer (%s=0): try "
					 "--set %s=2", said++ ? "; " : "", role_knobs[k].does,
				      role_knobs[k].knob, role_knobs[k].knob);
	}
	rt_buf_printf(b, "\n");
	return 1;
}

static int why_timed(const struct rt_explain *x, struct rt_buf *b, const char *over)
{
	int said = 0;
	for (int i = 0; i < x->n; i++) {
		const struct rt_explain_edge *xe = &x->edge[i];
		if (!xe->seen || !xe->timed || xe->untimed)
			continue;
		rt_buf_printf(b, "unconfirmed: a lock only taken with a timeout: %s -> %s always "
				 "acquired %s with a timeout (%s), and a timed acquire gives up, so it "
				 "cannot deadlock forever; no scenario knob changes that\n",
			      x->classes[i], cls_next(x, i), cls_next(x, i), over);
		said++;
	}
	return said;
}

/* The cycle needs n threads at once; the roles that took its edges had fewer. */
static int why_roles(const struct rt_explain *x, const struct rt_config *c, struct rt_buf *b,
		     const char *over)
{
	uint32_t all = 0;
	for (int i = 0; i < x->n; i++) {
		if (!x->edge[i].seen)
			return 0;
		all |= x->edge[i].roles;
	}
	if (!all || (all >> (RT_LOCKGRAPH_ROLES - 1)))
		return 0;   /* an unnamed role: its threads are not counted */
	int threads = 0;
	for (int r = 0; r < RT_LOCKGRAPH_ROLES - 1; r++)
		threads += (all >> r & 1) ? x->role_threads[r] : 0;
	if (threads >= x->n)
		return 0;
	rt_buf_printf(b, "unconfirmed: edges seen only in threads of role");
	for (int r = 0, k = 0; r < RT_LOCKGRAPH_ROLES - 1; r++)
		if (all >> r & 1)
			rt_buf_printf(b, "%s %s", k++ ? " or" : "", rt_lockgraph_role_name(r));
	rt_buf_printf(b, " (%s), and the scenario has %d such thread%s, the cycle needs %d: ",
		      over, threads, threads == 1 ? "" : "s", x->n);
	int said = 0;
	for (int r = 0; r < RT_LOCKGRAPH_ROLES - 1; r++) {
		int k = (all >> r & 1) ? knob_of(rt_lockgraph_role_name(r)) : -1;
		if (k < 0)
			continue;
		rt_buf_printf(b, "%stry --set %s=%d", said++ ? " or " : "", role_knobs[k].knob,
			      knob_value(c, (size_t)k) + x->n - threads);
	}
	rt_buf_printf(b, "%s\n", said ? "" : "no scenario knob adds threads of that role");
	return 1;
}

void rt_explain_write(const struct rt_explain *x, const struct rt_config *c, struct rt_buf *out)
{
	char over[96];
	snprintf(over, sizeof over, "%s %d execution%s", x->executions > 1 ? "in all" : "in the",
		 x->executions, x->executions == 1 ? "" : "s");
	if (x->executions == 1)
		snprintf(over, sizeof over, "in the run that found it");
	int said = why_instances(x, out, over);
	said += why_finalizers(x, c, out, over);
	said += why_timed(x, out, over);
	said += why_roles(x, c, out, over);
	if (!said)
		rt_buf_printf(out, "unconfirmed: nothing the harness recorded along the cycle's edges "
				   "(instances, finalizer runs, timeouts, roles) rules it out; the "
				   "steering may have missed its schedule: try more steered executions "
				   "(explore --confirm-runs N, run --set confirm_runs=N)\n");
}

void rt_explain_unconfirmed(const struct rt_config *c, const char *sig,
			    const char *const *classes, int n)
{
	struct rt_explain x;
	struct rt_buf b = { 0 };
	rt_explain_init(&x, classes, n);
	rt_explain_gather(&x);
	rt_explain_write(&x, c, &b);
	rt_report_append(sig, b.p);
	rt_buf_free(&b);
	rt_explain_free(&x);
}
