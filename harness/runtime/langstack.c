/* SPDX-License-Identifier: Apache-2.0 */
/* langstack.c - a stack in the target's language, as text and as JSON
 * (langstack.h). */
#include "runtime/langstack.h"

#include "base/json.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

struct rt_stack *rt_stack_new(const char *lang, int n)
{
	struct rt_stack *s = rt_xcalloc(1, sizeof *s + (size_t)(n > 0 ? n : 0) * sizeof s->f[0]);
	s->lang = lang;
	s->taken = 1;
	return s;
}

struct rt_stack *rt_stack_none(const char *lang, int taken, const char *why)
{
	struct rt_stack *s = rt_stack_new(lang, 0);
	s->taken = taken;
	s->why = why;
	return s;
}

struct rt_stack *rt_stack_dup(const struct rt_stack *s)
{
	if (!s)
		return NULL;
	size_t size = sizeof *s + (size_t)s->n * sizeof s->f[0];
	struct rt_stack *d = rt_xmalloc(size);
	memcpy(d, s, size);
	return d;
}

void rt_stack_text(struct rt_buf *b, const struct rt_stack *s)
{
	if (!s->taken || !s->n) {
		rt_buf_printf(b, "%s stack: %s (%s)", s->lang, s->taken ? "none" : "not taken",
			      s->why ? s->why : "?");
		return;
	}
	rt_buf_printf(b, "%s stack (most recent call first):", s->lang);
	for (int i = 0; i < s->n; i++)
		rt_buf_printf(b, "\n  %s:%d %s", s->f[i].file, s->f[i].line, s->f[i].func);
	if (s->more)
		rt_buf_printf(b, "\n  ...");
}

json_t *rt_stack_json(const struct rt_stack *s)
{
	if (!s->taken)
		return json_null();
	json_t *a = rt_json_arr();
	for (int i = 0; i < s->n; i++) {
		json_t *o = rt_json_obj();
		rt_json_set_str(o, "file", s->f[i].file);
		rt_json_set_int(o, "line", s->f[i].line);
		rt_json_set_str(o, "function", s->f[i].func);
		rt_json_push(a, o);
	}
	return a;
}
