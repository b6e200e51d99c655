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
/* Called by the acquiring thread before it blocks: adds an edge from every
 * class it holds to cls, the class of the lock it acquires; a new cycle is
 * reported at once. */
void rt_lockgraph_on_acquire(struct rt_thread *t, struct rt_class *cls, struct rt_site site);
void rt_lockgraph_reset(void);
/* The chain key after taking a lock of class cls on top of the chain prev
 * (0: no lock held), as lockdep keys the stack of held lock classes. */
uint64_t rt_lockgraph_chain(uint64_t prev, const struct rt_class *cls);
/* 1 if t (the calling thread) already added every edge of the chain key
 * `chain` (its map is its own: no lock). */
int rt_lockgraph_chain_known(struct rt_thread *t, uint64_t chain);
/* fn() -> the calling thread's stack in the code under test (malloc'd), or
 * NULL; shown in cycle reports.  Called with the graph locked: it must not
 * take harness locks. */
void rt_lockgraph_set_stack_provider(char *(*fn)(void));
int rt_lockgraph_nclasses(void);
int rt_lockgraph_nedges(void);
/* Edge i of the graph (0 .. nedges-1): the classes, where each was taken
 * when the edge was first seen, and by which thread.  0, or -1 past the end. */
struct rt_lockgraph_edge {
	const char *from, *to;       /* class names, valid until rt_lockgraph_reset */
	struct rt_site from_site, to_site;
	char thread[32];
};
int rt_lockgraph_edge(int i, struct rt_lockgraph_edge *out);

#endif
