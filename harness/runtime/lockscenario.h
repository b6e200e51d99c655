/* SPDX-License-Identifier: Apache-2.0 */
/* lockscenario.h - the "Possible unsafe locking scenario" of a lock-order
 * report, lockdep style, for a cycle of lock-order edges. */
#ifndef RT_LOCKSCENARIO_H
#define RT_LOCKSCENARIO_H

#include "base/util.h"

/* One edge: the thread it was first seen in took `to` while holding `from`. */
struct rt_scen_edge {
	const char *thread, *from, *to;
};

/* e[0..n-1]: the cycle in order (e[i].to is e[i+1].from), the new edge last.
 * The edges one thread took in a row are that thread's chain; two chains
 * (or one thread's, split off at the new edge) read as lockdep's two
 * columns, more as one line each. */
void rt_lock_scenario(struct rt_buf *b, const struct rt_scen_edge *e, int n);

#endif
