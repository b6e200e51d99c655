/* SPDX-License-Identifier: Apache-2.0 */
/* chainset.c - growing the chain-key set of chainset.h: at most half full,
 * so probes stay short; one key per chain a thread validated, so it grows
 * with the chains seen (a thread holding N locks at once adds N). */
#include "runtime/chainset.h"

#include "base/util.h"

#include <stdlib.h>

static void put(struct rt_chainset *s, uint64_t key)
{
	size_t i = key & s->mask;
	while (s->keys[i] && s->keys[i] != key)
		i = (i + 1) & s->mask;
	if (!s->keys[i])
		s->n++;
	s->keys[i] = key;
}

void rt_chainset_add(struct rt_chainset *s, uint64_t key)
{
	key |= !key;
	if (!s->keys || (s->n + 1) * 2 > s->mask + 1) {
		struct rt_chainset old = *s;
		size_t cap = s->keys ? 2 * (s->mask + 1) : 64;
		s->keys = rt_xcalloc(cap, sizeof *s->keys);
		s->mask = cap - 1;
		s->n = 0;
		for (size_t i = 0; old.keys && i <= old.mask; i++)
			if (old.keys[i])
				put(s, old.keys[i]);
		free(old.keys);
	}
	put(s, key);
}

void rt_chainset_free(struct rt_chainset *s)
{
	free(s->keys);
	*s = (struct rt_chainset){ 0 };
}
