/* SPDX-License-Identifier: Apache-2.0 */
/* chainset.h - a set of 64-bit chain keys (chainset.c), lockdep's chain
 * cache: the chains of held lock classes one thread already validated
 * against the lock-order graph (lockgraph.c).  Only its thread uses it, so
 * no lock; the keys are hashes already, so a look-up is an index and a
 * compare, inline, on the fast path of every instrumented acquire. */
#ifndef RT_CHAINSET_H
#define RT_CHAINSET_H

#include <stddef.h>
#include <stdint.h>

struct rt_chainset {
	uint64_t *keys;    /* 0: empty slot (key 0 is stored as 1) */
	size_t mask;       /* capacity - 1 */
	size_t n;
};

/* splitmix64's finalizer, inline: how chain keys are hashed. */
static inline uint64_t rt_chain_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline int rt_chainset_has(const struct rt_chainset *s, uint64_t key)
{
	if (!s->keys)
		return 0;
	key |= !key;
	for (size_t i = key & s->mask;; i = (i + 1) & s->mask) {
		if (s->keys[i] == key)
			return 1;
		if (!s->keys[i])
			return 0;
	}
}

void rt_chainset_add(struct rt_chainset *s, uint64_t key);
void rt_chainset_free(struct rt_chainset *s);

#endif
