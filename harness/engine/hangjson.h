/* SPDX-License-Identifier: Apache-2.0 */
/* hangjson.h - the structure of a DEADLOCK / HANG finding for the JSON
 * report (hangjson.c), built from the snapshot the text was printed from
 * (engine/hangreport.h), never from the text. */
#ifndef RT_HANGJSON_H
#define RT_HANGJSON_H

#include "base/nativestack.h"
#include "engine/hangreport.h"

#include <stdint.h>

/* {"cycle": [{thread, role, holds: [{lock, site}], waits: {lock, site},
 * waits_for}] (empty without a cycle), "threads": [every live thread with
 * state, held and awaited locks with sites, Python and native stacks]}.
 * cyc/clen: the wait-for cycle (through s[].inext if inferred); ns[i]: s[i]'s
 * native stack (tid 0: none); lang[i]: s[i]'s stack in the target's language
 * taken for the report (NULL: none; s[i].stack, recorded, comes first);
 * now: the snapshot's time. */
struct rt_stack;
struct json_t *rt_hang_json(const struct rt_snap *s, int n, const int *cyc, int clen,
			    int inferred, const struct rt_native_stack *ns,
			    struct rt_stack *const *lang, uint64_t now);

#endif
