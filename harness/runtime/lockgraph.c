/* SPDX-License-Identifier: Apache-2.0 */
/* lockgraph.c - lock-order graph by lock class, like Linux lockdep: an edge
 * "most recently taken held lock -> acquired" for every acquisition (re-entry
 * adds none; older held locks reach it through earlier edges); a new edge
 * that closes a cycle is reported at once as a potential deadlock, even if the
 * run never hangs.  No caps on cycle length, held locks or threads.  Every
 * edge also keeps how it was taken, over all acquisitions along it: inside a
 * finalizer run or not, with a timeout or not, by which roles, on which lock
 * instances; what tells why a cycle may never deadlock (commands/explain.c). */
#include "runtime/lockgraph.h"
#include "runtime/lock.h"
#include "runtime/lockscenario.h"
#include "runtime/site.h"

#include "base/json.h"
#include "base/report.h"
#include "base/signature.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct edge {
	int from, to;
	struct rt_site from_site;   /* where `from` was taken */
	struct rt_site to_site;     /* where `to` was being acquired */
	char thread[32], role[16];
	int next_out;               /* next edge out of `from` */
	/* How it was taken, over every acquisition along it (rt_lockgraph.h) */
	unsigned how;               /* RT_EDGE_* bits (lockgraph.h) */
	uint32_t roles;
	int ninst_from, ninst_to, inst_many;
	uint64_t inst_from[RT_EDGE_INSTANCES], inst_to[RT_EDGE_INSTANCES];
};

/* Roles of the threads that took edges: bit i of edge.roles is role_names[i];
 * kept across resets (like classes), the last bit stands for any other. */
static char role_names[RT_LOCKGRAPH_ROLES][16];
static int nroles;

static pthread_mutex_t graph_mu = PTHREAD_MUTEX_INITIALIZER;
static struct rt_class **classes;
static int nclasses, capclasses;
static int *first_out;                      /* per class: first edge index, -1 */
static struct edge *edges;
static int nedges, capedges;
static struct rt_u64map edge_index;         /* ekey(from, to) -> edge index */
static uint64_t *reported;                  /* cycle signatures already reported */
static char *(*stack_provider)(void);       /* e.g. the Python stack (pylocks.c) */
static int nreported, capreported;
static _Atomic long nvalidated;             /* chains validated: cache misses */

struct rt_class *rt_class_intern(const char *name)
{
	pthread_mutex_lock(&graph_mu);
	for (int i = 0; i < nclasses; i++)
		if (!strcmp(classes[i]->name, name)) {
			pthread_mutex_unlock(&graph_mu);
			return classes[i];
		}
	if (nclasses == capclasses) {
		capclasses = capclasses ? capclasses * 2 : 32;
		classes = rt_xrealloc(classes, (size_t)capclasses * sizeof *classes);
		first_out = rt_xrealloc(first_out, (size_t)capclasses * sizeof *first_out);
	}
	struct rt_class *c = rt_xcalloc(1, sizeof *c);
	c->id = nclasses;
	c->name = rt_xstrdup(name);
	classes[nclasses] = c;
	first_out[nclasses] = -1;
	nclasses++;
	pthread_mutex_unlock(&graph_mu);
	return c;
}

static uint64_t ekey(int from, int to) { return ((uint64_t)(uint32_t)from << 32) | (uint32_t)to; }

/* BFS from `src` to `dst`; on success fills path[] with edge indices
 * src -> ... -> dst and returns its length, else 0.  graph_mu held. */
static int find_path(int src, int dst, int **path_out)
{
	int *prev = rt_xmalloc((size_t)nclasses * sizeof *prev);
	int *queue = rt_xmalloc((size_t)nclasses * sizeof *queue);
	for (int i = 0; i < nclasses; i++)
		prev[i] = -2;
	int qh = 0, qt = 0, found = 0;
	prev[src] = -1;
	queue[qt++] = src;
	while (qh < qt && !found) {
		int c = queue[qh++];
		for (int e = first_out[c]; e >= 0; e = edges[e].next_out) {
			int n = edges[e].to;
			if (prev[n] != -2)
				continue;
			prev[n] = e;
			if (n == dst) {
				found = 1;
				break;
			}
			queue[qt++] = n;
		}
	}
	int len = 0;
	if (found) {
		for (int c = dst; c != src; c = edges[prev[c]].from)
			len++;
		int *path = rt_xmalloc((size_t)len * sizeof *path);
		int i = len;
		for (int c = dst; c != src; c = edges[prev[c]].from)
			path[--i] = prev[c];
		*path_out = path;
	}
	free(prev);
	free(queue);
	return len;
}

/* More ways from src to dst than the shortest: a new edge can close several
 * cycles at once (in rich_live, Console._lock -> logging.Handler.lock closes
 * both Console <-> Handler and the #4158 chain Console -> Handler -> Live ->
 * Console), each a bug of its own; with edges only from the most recent held
 * lock no path is a transitive shortcut of another.  Simple paths by DFS,
 * bounded in length, count and work (this runs only when a cycle closes).
 * Fills paths[n..max-1] (edge-index arrays, lengths in lens); returns n. */
#define MAX_NEW_CYCLES 4
struct dfs {
	int dst, *stack, depth, n, max, budget;
	char *on;
	int **paths, *lens;
};

static int same_path(const int *a, int la, const int *b, int lb)
{
	return la == lb && !memcmp(a, b, (size_t)la * sizeof *a);
}

static void dfs_paths(struct dfs *d, int c)
{
	for (int e = first_out[c]; e >= 0 && d->n < d->max && d->budget-- > 0; e = edges[e].next_out) {
		int nx = edges[e].to;
		if (d->on[nx] || d->depth >= 16)
			continue;
		d->stack[d->depth++] = e;
		if (nx == d->dst) {
			int dup = 0;
			for (int i = 0; i < d->n && !dup; i++)
				dup = same_path(d->paths[i], d->lens[i], d->stack, d->depth);
			if (!dup) {
				d->paths[d->n] = rt_xmalloc((size_t)d->depth * sizeof(int));
				memcpy(d->paths[d->n], d->stack, (size_t)d->depth * sizeof(int));
				d->lens[d->n++] = d->depth;
			}
		} else {
			d->on[nx] = 1;
			dfs_paths(d, nx);
			d->on[nx] = 0;
		}
		d->depth--;
	}
}

static int find_paths(int src, int dst, int **paths, int *lens, int max)
{
	int n = 0;
	if ((lens[0] = find_path(src, dst, &paths[0])) > 0)
		n = 1;   /* the shortest first: the report a single cycle always had */
	if (!n)
		return 0;
	struct dfs d = { .dst = dst, .n = n, .max = max, .budget = 4096, .paths = paths,
			 .lens = lens };
	d.stack = rt_xmalloc(16 * sizeof *d.stack);
	d.on = rt_xcalloc((size_t)nclasses, 1);
	d.on[src] = 1;
	dfs_paths(&d, src);
	free(d.stack);
	free(d.on);
	return d.n;
}

/* Canonical cycle text: class names from the smallest name around. */
static void cycle_canon(struct rt_buf *b, const int *cyc, int k)
{
	int start = 0;
	for (int i = 1; i < k; i++)
		if (strcmp(classes[cyc[i]]->name, classes[cyc[start]]->name) < 0)
			start = i;
	for (int i = 0; i <= k; i++) {
		rt_buf_printf(b, "%s", i ? " -> " : "");
		rt_sig_name(b, classes[cyc[(start + i) % k]]->name);
	}
}

static const char *cname(int id) { return classes[id]->name; }

/* The report, lockdep style: verdict, the new dependency, the existing chain
 * with the site and thread where each link was first seen, the unsafe
 * scenario, the locks the thread holds, signature and replay command.
 * cyc[0..k-1] are class ids with cyc[i] -> cyc[i+1]; ecyc[i] is that edge. */
static void build_report(struct rt_buf *b, struct rt_thread *t, const struct edge *ne,
			 const int *path, int plen, const char *sig)
{
	char s1[256], s2[256];
	int k = plen + 1;
	rt_buf_printf(b, "\n======================================================\n"
			 "WARNING: possible circular locking dependency detected\n"
			 "FINDING: potential deadlock (lock-order inversion); %s\n"
			 "------------------------------------------------------\n",
		      rt_report_context());
	rt_site_str(s1, sizeof s1, ne->to_site);
	rt_site_str(s2, sizeof s2, ne->from_site);
	rt_buf_printf(b, "%s [%s] is trying to acquire lock:\n  %s, at %s\n\n"
			 "but it already holds lock:\n  %s, taken at %s\n\n"
			 "which lock already depends on the new lock.\n\n"
			 "the existing dependency chain is:\n",
		      t->name, t->role, cname(ne->to), s1, cname(ne->from), s2);
	for (int i = 0; i < plen; i++) {
		const struct edge *e = &edges[path[i]];
		rt_site_str(s1, sizeof s1, e->from_site);
		rt_site_str(s2, sizeof s2, e->to_site);
		rt_buf_printf(b, "-> #%d %s -> %s, first seen in %s [%s]:\n"
				 "       holding %s, taken at %s\n"
				 "       acquired %s at %s\n",
			      i, cname(e->from), cname(e->to), e->thread, e->role, cname(e->from),
			      s1, cname(e->to), s2);
	}
	rt_site_str(s1, sizeof s1, ne->from_site);
	rt_site_str(s2, sizeof s2, ne->to_site);
	rt_buf_printf(b, "-> #%d %s -> %s, new, in %s [%s]:\n"
			 "       holding %s, taken at %s\n"
			 "       acquiring %s at %s\n\n",
		      plen, cname(ne->from), cname(ne->to), t->name, t->role, cname(ne->from), s1,
		      cname(ne->to), s2);

	rt_buf_printf(b, " Possible unsafe locking scenario:\n\n");
	struct rt_scen_edge *se = rt_xcalloc((size_t)k, sizeof *se);
	for (int i = 0; i < plen; i++) {
		const struct edge *e = &edges[path[i]];
		se[i] = (struct rt_scen_edge){ e->thread, cname(e->from), cname(e->to) };
	}
	se[plen] = (struct rt_scen_edge){ t->name, cname(ne->from), cname(ne->to) };
	rt_lock_scenario(b, se, k);
	free(se);
	rt_buf_printf(b, "\n *** DEADLOCK ***\n\n");

	/* t is the calling thread: its held list is its own */
	int nheld = t->nheld;
	const struct rt_held *held = t->held;
	rt_buf_printf(b, "%d lock%s held by %s [%s]:\n", nheld, nheld == 1 ? "" : "s", t->name,
		      t->role);
	for (int i = 0; i < nheld; i++) {
		rt_site_str(s1, sizeof s1, held[i].site);
		rt_buf_printf(b, "  #%d: %s, taken at %s%s\n", i, held[i].cls->name, s1,
			      held[i].reentry ? " (re-entry)" : "");
	}
	char *stack = stack_provider ? stack_provider() : NULL;
	if (stack) {
		rt_buf_printf(b, "\n%s [%s], where it is:\n", t->name, t->role);
		rt_buf_indent(b, "  | ", stack);
		free(stack);
	}
	rt_buf_printf(b, "\nsignature: %s\nreplay: %s\n", sig, rt_report_replay());
}

/* One link of the chain as data: the dependency (from held while to was
 * taken) and, in the cycle's shape, a thread that holds from and waits for to. */
static void edge_json(json_t *chain, json_t *cycle, const struct edge *e, const char *thread,
		      const char *role, int is_new)
{
	json_t *o = rt_json_obj();
	rt_json_set_str(o, "from", cname(e->from));
	rt_json_set_str(o, "to", cname(e->to));
	rt_json_set_str(o, "thread", thread);
	rt_json_set_str(o, "role", role);
	rt_json_set(o, "from_site", rt_site_json(e->from_site));
	rt_json_set(o, "to_site", rt_site_json(e->to_site));
	rt_json_set(o, "new", json_boolean(is_new));
	rt_json_push(chain, o);
	json_t *c = rt_json_obj(), *holds = rt_json_arr();
	rt_json_set_str(c, "thread", thread);
	rt_json_set_str(c, "role", role);
	rt_json_push(holds, rt_lock_site_json(cname(e->from), e->from_site));
	rt_json_set(c, "holds", holds);
	rt_json_set(c, "waits", rt_lock_site_json(cname(e->to), e->to_site));
	rt_json_push(cycle, c);
}

/* The finding's data: "chain", the dependency edges of the cycle in order
 * (the existing ones, then the new one), and "cycle", the same as
 * {thread, holds, waits}: what the threads would do in the deadlock. */
static json_t *chain_data(const struct rt_thread *t, const struct edge *ne, const int *path,
			  int plen)
{
	json_t *d = rt_json_obj(), *chain = rt_json_arr(), *cycle = rt_json_arr();
	for (int i = 0; i < plen; i++)
		edge_json(chain, cycle, &edges[path[i]], edges[path[i]].thread, edges[path[i]].role, 0);
	edge_json(chain, cycle, ne, t->name, t->role, 1);
	rt_json_set(d, "cycle", cycle);
	rt_json_set(d, "chain", chain);
	return d;
}

/* The cycle's classes each once, in the signature's order (from the least
 * name, as cycle_canon writes them). */
static int cycle_classes(const int *cyc, int n, const char **out, int max)
{
	int start = 0, k = 0;
	for (int i = 1; i < n; i++)
		if (strcmp(cname(cyc[i]), cname(cyc[start])) < 0)
			start = i;
	for (int i = 0; i < n && k < max; i++) {
		const char *name = cname(cyc[(start + i) % n]);
		int dup = 0;
		for (int j = 0; j < k; j++)
			dup |= !strcmp(out[j], name);
		if (!dup)
			out[k++] = name;
	}
	return k;
}

/* The per-thread keys: the chain of held classes plus l, taken this way;
 * the same with the two instances of the edge it adds. */
static uint64_t chain_key(const struct rt_thread *t, const rt_lock *l, unsigned how)
{
	uint64_t chain = rt_lockgraph_chain(t->nheld ? t->held[t->nheld - 1].chain : 0,
					    rt_lock_class(l));
	return rt_lockgraph_ckey(chain, how);
}

static uint64_t inst_key(uint64_t key, const rt_lock *from, const rt_lock *to)
{
	return rt_lockgraph_ikey(key, rt_lock_serial(from), rt_lock_serial(to));
}

/* A cycle's finding, built under graph_mu and reported after it. */
struct lock_finding {
	struct rt_buf text;
	char sig[16384], title[1024];
	const char *cls[64];
	int ncls;
	json_t *data;   /* chain and cycle (chain_data) */
};

/* The cycle new edge ne closes along path: 1 and out filled if it was never
 * reported before.  graph_mu held. */
static int new_cycle(struct rt_thread *t, const struct edge *ne, const int *path, int plen,
		     struct lock_finding *out)
{
	int *cyc = rt_xmalloc((size_t)(plen + 1) * sizeof *cyc);
	for (int j = 0; j < plen; j++)
		cyc[j] = edges[path[j]].from;
	cyc[plen] = ne->from;
	struct rt_buf canon = { 0 };
	cycle_canon(&canon, cyc, plen + 1);
	uint64_t h64 = rt_fnv1a(canon.p, canon.len, RT_FNV_INIT);
	int seen = 0;
	for (int j = 0; j < nreported; j++)
		seen |= reported[j] == h64;
	if (!seen) {
		if (nreported == capreported) {
			capreported = capreported ? capreported * 2 : 16;
			reported = rt_xrealloc(reported, (size_t)capreported * sizeof *reported);
		}
		reported[nreported++] = h64;
		rt_signature(out->sig, sizeof out->sig, "LOCKORDER", canon.p);
		snprintf(out->title, sizeof out->title, "potential deadlock: %s", canon.p);
		build_report(&out->text, t, ne, path, plen, out->sig);
		out->data = chain_data(t, ne, path, plen);
		out->ncls = cycle_classes(cyc, plen + 1, out->cls, 64);
	}
	rt_buf_free(&canon);
	free(cyc);
	return !seen;
}

/* graph_mu held; returns its index. */
static int add_edge(struct edge *ne)
{
	if (nedges == capedges) {
		capedges = capedges ? capedges * 2 : 64;
		edges = rt_xrealloc(edges, (size_t)capedges * sizeof *edges);
	}
	ne->next_out = first_out[ne->from];
	edges[nedges] = *ne;
	first_out[ne->from] = nedges;
	rt_u64map_put(&edge_index, ekey(ne->from, ne->to), nedges);
	return nedges++;
}

/* Bit of role in edge.roles; graph_mu held. */
static uint32_t role_bit(const char *role)
{
	for (int i = 0; i < nroles; i++)
		if (!strcmp(role_names[i], role))
			return 1u << i;
	if (nroles == RT_LOCKGRAPH_ROLES - 1)
		return 1u << (RT_LOCKGRAPH_ROLES - 1);   /* "other" */
	snprintf(role_names[nroles], sizeof role_names[nroles], "%s", role);
	return 1u << nroles++;
}

/* Adds v to set[0..*n-1]; 0, or -1 if it is full (the set is then unknown). */
static int inst_add(uint64_t *set, int *n, uint64_t v)
{
	for (int i = 0; i < *n; i++)
		if (set[i] == v)
			return 0;
	if (*n == RT_EDGE_INSTANCES)
		return -1;
	set[(*n)++] = v;
	return 0;
}

/* One more acquisition along e, as the acquiring thread sees it now;
 * graph_mu held.  Returns 1 once e's instance sets are unknown (too many):
 * from then on instances do not matter for e. */
static int edge_note(struct edge *e, const struct rt_thread *t, unsigned how, uint64_t si_from,
		     uint64_t si_to)
{
	e->how |= how;
	e->roles |= role_bit(t->role);
	if (!e->inst_many && (inst_add(e->inst_from, &e->ninst_from, si_from) ||
			      inst_add(e->inst_to, &e->ninst_to, si_to)))
		e->inst_many = 1;
	return e->inst_many;
}

void rt_lockgraph_on_acquire(struct rt_thread *t, const rt_lock *l, struct rt_site site, int timed)
{
	int to = rt_lock_class(l)->id;
	unsigned how = rt_lockgraph_how(t, timed);
	/* Lockdep's rule: one edge per acquisition, from the most recently
	 * taken lock still held (re-entries skipped).  Every older held lock
	 * already has a path to that one, so a cycle is found along its own
	 * chain and reported once, never again through a transitive edge as a
	 * shorter cycle.  t is the calling thread and owns its held list. */
	/* The chain cache, as lockdep's: this thread already added the edge
	 * from this exact stack of held classes to l's class, taken this way,
	 * and noted these two instances (or the edge has too many to tell
	 * apart). */
	uint64_t ckey = chain_key(t, l, how);
	if (rt_chainset_has(&t->chains, ckey))
		return;
	const struct rt_held *top = rt_lockgraph_edge_from(t);
	if (!top || top->cls->id == to) {
		rt_chainset_add(&t->chains, ckey);
		atomic_fetch_add_explicit(&nvalidated, 1, memory_order_relaxed);
		return;
	}
	struct rt_held h = *top;
	int from = h.cls->id;
	uint64_t ikey = inst_key(ckey, h.lock, l);
	if (rt_chainset_has(&t->chains, ikey))
		return;
	/* the thread's own set of edges it noted already, taken this way (and
	 * with these instances while they count): the common path (edge known)
	 * never touches graph_mu */
	uint64_t gkey = rt_mix64(ekey(from, to) ^ (uint64_t)how * 0xc2b2ae3d27d4eb4fULL);
	uint64_t eikey = inst_key(gkey, h.lock, l);
	int many = rt_u64map_get(&t->edges, gkey, NULL);
	struct lock_finding *found = NULL;   /* on the heap: fibers' stacks are small */
	int nfound = 0, e;
	if (!many && !rt_u64map_get(&t->edges, eikey, NULL)) {
		pthread_mutex_lock(&graph_mu);
		if (!rt_u64map_get(&edge_index, ekey(from, to), &e)) {
			struct edge ne = { .from = from, .to = to, .from_site = h.site, .to_site = site };
			snprintf(ne.thread, sizeof ne.thread, "%s", t->name);
			snprintf(ne.role, sizeof ne.role, "%s", t->role);
			int *paths[MAX_NEW_CYCLES], lens[MAX_NEW_CYCLES];
			int np = find_paths(to, from, paths, lens, MAX_NEW_CYCLES);
			if (np)
				found = rt_xcalloc((size_t)np, sizeof *found);
			for (int j = 0; j < np; j++) {
				nfound += new_cycle(t, &ne, paths[j], lens[j], &found[nfound]);
				free(paths[j]);
			}
			e = add_edge(&ne);
		}
		many = edge_note(&edges[e], t, how, rt_lock_serial(h.lock), rt_lock_serial(l));
		pthread_mutex_unlock(&graph_mu);
		rt_u64map_put(&t->edges, many ? gkey : eikey, 1);
	}
	rt_chainset_add(&t->chains, many ? ckey : ikey);
	atomic_fetch_add_explicit(&nvalidated, 1, memory_order_relaxed);
	for (int j = 0; j < nfound; j++) {
		rt_report_finding_data(RT_EXIT_FINDING, "lock-order", found[j].title, found[j].sig,
				       found[j].text.p, found[j].cls, found[j].ncls, found[j].data);
		rt_buf_free(&found[j].text);
	}
	free(found);
}

int rt_lockgraph_nclasses(void)
{
	pthread_mutex_lock(&graph_mu);
	int n = nclasses;
	pthread_mutex_unlock(&graph_mu);
	return n;
}

long rt_lockgraph_chains_validated(void)
{
	return atomic_load_explicit(&nvalidated, memory_order_relaxed);
}

int rt_lockgraph_nedges(void)
{
	pthread_mutex_lock(&graph_mu);
	int n = nedges;
	pthread_mutex_unlock(&graph_mu);
	return n;
}

/* graph_mu held */
static void edge_out(const struct edge *e, struct rt_lockgraph_edge *out)
{
	*out = (struct rt_lockgraph_edge){
		.from = cname(e->from), .to = cname(e->to),
		.from_site = e->from_site, .to_site = e->to_site,
		.in_finalizer = !!(e->how & RT_EDGE_FIN),
		.outside_finalizer = !!(e->how & RT_EDGE_NOFIN),
		.timed = !!(e->how & RT_EDGE_TIMED), .untimed = !!(e->how & RT_EDGE_UNTIMED),
		.roles = e->roles, .ninst_from = e->ninst_from, .ninst_to = e->ninst_to,
		.inst_many = e->inst_many,
	};
	snprintf(out->thread, sizeof out->thread, "%s", e->thread);
	memcpy(out->inst_from, e->inst_from, sizeof out->inst_from);
	memcpy(out->inst_to, e->inst_to, sizeof out->inst_to);
}

int rt_lockgraph_edge(int i, struct rt_lockgraph_edge *out)
{
	pthread_mutex_lock(&graph_mu);
	int ok = i >= 0 && i < nedges;
	if (ok)
		edge_out(&edges[i], out);
	pthread_mutex_unlock(&graph_mu);
	return ok ? 0 : -1;
}

int rt_lockgraph_edge_between(const char *from, const char *to, struct rt_lockgraph_edge *out)
{
	int f = -1, t = -1, e = -1;
	pthread_mutex_lock(&graph_mu);
	for (int i = 0; i < nclasses; i++) {
		f = strcmp(classes[i]->name, from) ? f : i;
		t = strcmp(classes[i]->name, to) ? t : i;
	}
	if (f >= 0 && t >= 0 && rt_u64map_get(&edge_index, ekey(f, t), &e))
		edge_out(&edges[e], out);
	pthread_mutex_unlock(&graph_mu);
	return e >= 0 ? 0 : -1;
}

const char *rt_lockgraph_role_name(int i)
{
	if (i == RT_LOCKGRAPH_ROLES - 1)
		return "(other roles)";
	pthread_mutex_lock(&graph_mu);
	const char *name = i >= 0 && i < nroles ? role_names[i] : NULL;
	pthread_mutex_unlock(&graph_mu);
	return name;
}

/* Between executions in one process (explore, fuzzing): forget everything.
 * Classes are kept: locks of later executions intern the same names. */
void rt_lockgraph_reset(void)
{
	pthread_mutex_lock(&graph_mu);
	for (int i = 0; i < nclasses; i++)
		first_out[i] = -1;
	free(edges);
	edges = NULL;
	nedges = capedges = 0;
	rt_u64map_free(&edge_index);
	free(reported);
	reported = NULL;
	nreported = capreported = 0;
	pthread_mutex_unlock(&graph_mu);
}

void rt_lockgraph_set_stack_provider(char *(*fn)(void))
{
	stack_provider = fn;
}
