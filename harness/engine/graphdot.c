/* SPDX-License-Identifier: Apache-2.0 */
/* graphdot.c - the lock-order graph for Graphviz: `dot -Tsvg FILE`.  Classes
 * are nodes, order edges ("held A while taking B") are arrows; the reported
 * cycle is red and bold, so the picture shows the inversion at a glance. */
#include "engine/graphdot.h"

#include "base/util.h"
#include "runtime/lockgraph.h"

#include <string.h>

static int in_cycle(const char *cls, const char *const *cycle, int n)
{
	for (int i = 0; i < n; i++)
		if (cycle[i] && !strcmp(cycle[i], cls))
			return 1;
	return 0;
}

static void dot_str(struct rt_buf *b, const char *s)   /* a DOT "quoted string" */
{
	rt_buf_lit(b, "\"");
	for (; *s; s++) {
		if (*s == '\n')
			rt_buf_lit(b, "\\n");
		else if (*s == '"' || *s == '\\')
			rt_buf_printf(b, "\\%c", *s);
		else if ((unsigned char)*s >= 0x20)
			rt_buf_add(b, s, 1);
	}
	rt_buf_lit(b, "\"");
}

static void site(struct rt_buf *b, struct rt_site s)
{
	rt_buf_printf(b, "%s:%d %s()", rt_basename(s.file ? s.file : "?"), s.line,
		      s.func ? s.func : "?");
}

int rt_graph_write_dot(const char *path, const char *title, const char *const *cycle, int n)
{
	struct rt_buf b = { 0 }, l = { 0 };
	rt_buf_printf(&b, "digraph lock_order {\n  label=");
	dot_str(&b, title ? title : "redirtorture lock-order graph");
	rt_buf_printf(&b, ";\n  labelloc=t; rankdir=LR; fontname=\"Helvetica\";\n"
			  "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef3fb\", "
			  "fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
	struct rt_lockgraph_edge e;
	for (int i = 0; rt_lockgraph_edge(i, &e) == 0; i++) {
		int red = in_cycle(e.from, cycle, n) && in_cycle(e.to, cycle, n);
		for (int k = 0; k < 2; k++) {   /* nodes, each edge end once is fine */
			const char *c = k ? e.to : e.from;
			rt_buf_printf(&b, "  ");
			dot_str(&b, c);
			if (in_cycle(c, cycle, n))
				rt_buf_printf(&b, " [fillcolor=\"#fde0e0\", color=\"#d62728\", penwidth=2]");
			rt_buf_printf(&b, ";\n");
		}
		l.len = 0;
		rt_buf_printf(&l, "first seen in %s:\nholding at ", e.thread);
		site(&l, e.from_site);
		rt_buf_printf(&l, "\ntaking at ");
		site(&l, e.to_site);
		rt_buf_printf(&b, "  ");
		dot_str(&b, e.from);
		rt_buf_printf(&b, " -> ");
		dot_str(&b, e.to);
		rt_buf_printf(&b, " [label=");
		dot_str(&b, l.p);
		rt_buf_printf(&b, "%s];\n", red ? ", color=\"#d62728\", fontcolor=\"#a00000\", penwidth=3" : "");
	}
	rt_buf_printf(&b, "}\n");
	int rc = rt_write_file_atomic(path, b.p, b.len);
	rt_buf_free(&b);
	rt_buf_free(&l);
	return rc;
}
