/* SPDX-License-Identifier: Apache-2.0 */
/* langstack.h - a thread's stack in the target's own language (Python), as
 * data (langstack.c): frames innermost first, each a site whose strings
 * live forever (the plugin interns them).  Recorded on a thread when it
 * starts to wait (rt_thread_set_stack), or taken for a report
 * (engine/hangreport.h rt_hang_lang_stacks); the report's text and its JSON
 * are both made from it. */
#ifndef RT_LANGSTACK_H
#define RT_LANGSTACK_H

#include "runtime/site.h"

struct rt_buf;
struct json_t;

struct rt_stack {
	const char *lang;           /* "python" */
	int taken;                  /* 0: not taken, why says why */
	const char *why;            /* n == 0: why there is no frame (static text) */
	int n;                      /* frames kept, f[0] innermost */
	int more;                   /* 1: outer frames beyond f[n - 1] left out */
	struct rt_site f[];
};

/* Room for n frames, taken, none filled yet (malloc'd; free() it). */
struct rt_stack *rt_stack_new(const char *lang, int n);
/* Not taken, or taken without a frame: the reason (static text). */
struct rt_stack *rt_stack_none(const char *lang, int taken, const char *why);
struct rt_stack *rt_stack_dup(const struct rt_stack *s);
/* "python stack (most recent call first):\n  file:line function\n  ..."
 * (no final newline); "python stack: none (why)"; "python stack: not taken
 * (why)". */
void rt_stack_text(struct rt_buf *b, const struct rt_stack *s);
/* [{"file", "line", "function"}, ...] innermost first ([]: no frame), or
 * null when not taken.  file as the language names it (rich/console.py). */
struct json_t *rt_stack_json(const struct rt_stack *s);

#endif
