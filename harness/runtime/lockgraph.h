/* SPDX-License-Identifier: Apache-2.0 */
/* lockgraph.h - lockdep-style lock-order graph over lock classes. */
#ifndef RT_LOCKGRAPH_H
#define RT_LOCKGRAPH_H

#include "runtime/chainset.h"
#include "runtime/registry.h"

struct rt_class {
	int id;
	char *name;
};

struct rt_class *rt_class_intern(const char *name);
/* Called by the acquiring thread before it blocks for l (timed: an acquire
 * that gives up after a timeout): adds an edge from the class it took last
 * to l's class, and notes how it was taken on that edge; a new cycle is
 * reported at once.  Nothing if the thread's chain cache knows the chain
 * already (lock.c looks there first on its fast path).  The thread's held
 * list must be up to date (lock.c applies its drop box first). */
void rt_lockgraph_on_acquire(struct rt_thread *t, const rt_lock *l, struct rt_site site, int timed);
void rt_lockgraph_reset(void);
/* The chain key after taking a lock of class cls on top of the chain prev
 * (0: no lock held), as lockdep keys the stack of held lock classes. */
static inline uint64_t rt_lockgraph_class_key(const struct rt_class *cls)
{
	return ((uint64_t)cls->id + 1) * 0x9e3779b97f4a7c15ULL;
}
static inline uint64_t rt_lockgraph_chain(uint64_t prev, const struct rt_class *cls)
{
	return rt_chain_mix(prev ^ rt_lockgraph_class_key(cls));
}
/* The chain cache (lockdep's): the keys an acquisition is known by in its
 * thread's set of validated chains (t->chains).  how: rt_lockgraph_how. */
enum { RT_EDGE_FIN = 1, RT_EDGE_NOFIN = 2, RT_EDGE_TIMED = 4, RT_EDGE_UNTIMED = 8 };
static inline unsigned rt_lockgraph_how(const struct rt_thread *t, int timed)
{
	return (t->in_finalizer ? RT_EDGE_FIN : RT_EDGE_NOFIN) |
	       (timed ? RT_EDGE_TIMED : RT_EDGE_UNTIMED);
}
/* next: the chain key with the acquired lock's class on top; the key of the
 * chain taken this way (valid for any instances once its edge has too many
 * to tell apart, or when it adds no edge) ...  Only next is mixed
 * (splitmix64's finalizer, a bijection: distinct chains, distinct keys);
 * the way and the instance pair go in by xor, the pair mixed on its own,
 * apart from the chain, so an acquire's look-up waits for one finalizer,
 * not three in a row (lock_fast.h: rt_lock_chain_known_). */
static inline uint64_t rt_lockgraph_ckey(uint64_t next, unsigned how)
{
	return next ^ (uint64_t)how * 0x9e3779b97f4a7c15ULL;
}
/* ... and the same with the serials (rt_lock_serial) of the held lock the
 * edge comes from and of the acquired one, while instances count (each
 * lock keeps its two terms, lock_fast.h). */
static inline uint64_t rt_lockgraph_serial_from(uint64_t serial) { return rt_chain_mix(serial); }
static inline uint64_t rt_lockgraph_serial_to(uint64_t serial) { return serial * 0x165667b19e3779f9ULL; }
static inline uint64_t rt_lockgraph_ikey_of(uint64_t ckey, uint64_t from_term, uint64_t to_term)
{
	return ckey ^ rt_chain_mix(from_term ^ to_term);   /* the terms: serial_from, serial_to */
}
static inline uint64_t rt_lockgraph_ikey(uint64_t ckey, uint64_t from_serial, uint64_t to_serial)
{
	return rt_lockgraph_ikey_of(ckey, rt_lockgraph_serial_from(from_serial),
				    rt_lockgraph_serial_to(to_serial));
}
/* The entry of t's held list an acquisition's edge comes from: the most
 * recently taken lock still held, re-entries skipped; NULL if none.  The
 * owner only (its list is its own). */
static inline const struct rt_held *rt_lockgraph_edge_from(const struct rt_thread *t)
{
	for (int i = t->nheld - 1; i >= 0; i--)
		if (!t->held[i].reentry)
			return &t->held[i];
	return NULL;
}
/* fn() -> the calling thread's stack in the code under test (malloc'd), or
 * NULL; shown in cycle reports.  Called with the graph locked: it must not
 * take harness locks. */
void rt_lockgraph_set_stack_provider(char *(*fn)(void));
int rt_lockgraph_nclasses(void);
int rt_lockgraph_nedges(void);
/* How many times a thread's chain cache missed and the chain was validated
 * against the graph, since the start (lockdep's "chains" count): a chain
 * seen before by the same thread, taken the same way, adds nothing. */
long rt_lockgraph_chains_validated(void);
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
