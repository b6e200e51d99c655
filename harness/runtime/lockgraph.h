/* SPDX-License-Identifier: Apache-2.0 */
/* lockgraph.h - lockdep-style lock-order graph over lock classes. */
#ifndef RT_LOCKGRAPH_H
#define RT_LOCKGRAPH_H

#include "runtime/registry.h"

struct rt_class {
	int id;
	char *name;
};

struct rt_class *rt_class_intern(const char *name);
/* Called by the acquiring thread before it blocks for l (timed: an acquire
 * that gives up after a timeout): adds an edge from the class it took last
 * to l's class, and notes how it was taken on that edge; a new cycle is
 * reported at once. */
void rt_lockgraph_on_acquire(struct rt_thread *t, const rt_lock *l, struct rt_site site, int timed);
void rt_lockgraph_reset(void);
/* The chain key after taking a lock of class cls on top of the chain prev
 * (0: no lock held), as lockdep keys the stack of held lock classes. */
uint64_t rt_lockgraph_chain(uint64_t prev, const struct rt_class *cls);
/* 1 if t (the calling thread, its held list locked) already noted the edge
 * that acquiring l (timed or not) on top of its held locks adds, taken this
 * way, on these instances: rt_lockgraph_on_acquire would do nothing (t's
 * maps are its own: no lock). */
int rt_lockgraph_chain_known(struct rt_thread *t, const rt_lock *l, int timed);
/* fn() -> the calling thread's stack in the code under test (malloc'd), or
 * NULL; shown in cycle reports.  Called with the graph locked: it must not
 * take harness locks. */
void rt_lockgraph_set_stack_provider(char *(*fn)(void));
int rt_lockgraph_nclasses(void);
int rt_lockgraph_nedges(void);
/* Edge i of the graph (0 .. nedges-1): the classes, where each was taken
 * when the edge was first seen, and by which thread; then how it was taken,
 * over every acquisition along it, recorded at the time. */
#define RT_EDGE_INSTANCES 4    /* distinct instances kept per side of an edge */
#define RT_LOCKGRAPH_ROLES 32  /* role bits; the last one stands for any other role */
struct rt_lockgraph_edge {
	const char *from, *to;       /* class names, valid until rt_lockgraph_reset */
	struct rt_site from_site, to_site;
	char thread[32];
	int in_finalizer;            /* taken inside a finalizer run of the GC model */
	int outside_finalizer;       /* ... and outside one */
	int timed, untimed;          /* `to` acquired with a timeout; without one */
	uint32_t roles;              /* bit i: threads of role rt_lockgraph_role_name(i) */
	/* lock instances (rt_lock_serial): of `from` held, of `to` acquired;
	 * inst_many: more than RT_EDGE_INSTANCES on a side, the sets are unknown */
	int ninst_from, ninst_to, inst_many;
	uint64_t inst_from[RT_EDGE_INSTANCES], inst_to[RT_EDGE_INSTANCES];
};
/* 0, or -1 past the end. */
int rt_lockgraph_edge(int i, struct rt_lockgraph_edge *out);
/* The edge between two classes by name: 0, or -1 if the graph has none. */
int rt_lockgraph_edge_between(const char *from, const char *to, struct rt_lockgraph_edge *out);
/* The name of role bit i (kept across resets), NULL if none. */
const char *rt_lockgraph_role_name(int i);

#endif
