/* SPDX-License-Identifier: Apache-2.0 */
/* graphdot.h - the lock-order graph as a Graphviz DOT file (graphdot.c). */
#ifndef RT_GRAPHDOT_H
#define RT_GRAPHDOT_H

/* Every class and order edge seen so far, each edge labelled with the sites
 * and thread where it was first seen; the classes of cycle[0..n-1] and the
 * edges between them in red.  Written atomically: 0 or -errno. */
int rt_graph_write_dot(const char *path, const char *title, const char *const *cycle, int n);

#endif
