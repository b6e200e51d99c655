/* SPDX-License-Identifier: Apache-2.0 */
/* signature.c - names and keys in signature texts: no line numbers, no
 * numbers at all in free text (base/signature.h). */
#include "base/signature.h"

#include <ctype.h>
#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

void rt_sig_name(struct rt_buf *b, const char *name)
{
	const char *p = name ? name : "?";
	while (*p) {
		size_t run = strcspn(p, ":");
		rt_buf_add(b, p, run);
		p += run;
		if (!*p)
			break;
		/* ":123" after a non-space and before a space or the end */
		size_t d = 1;
		while (is_digit(p[d]))
			d++;
		if (d > 1 && run > 0 && p[-1] != ' ' && (p[d] == ' ' || !p[d]))
			p += d;
		else
			rt_buf_add(b, p++, 1);
	}
}

void rt_sig_key(struct rt_buf *b, const char *what, const char *func)
{
	rt_sig_name(b, what);
	rt_buf_printf(b, "@%s", func && *func ? func : "?");
}

void rt_sig_text(struct rt_buf *b, const char *text)
{
	int space = 0;   /* a space is pending: written before the next word */
	for (const char *p = text ? text : ""; *p;) {
		if (is_digit(*p)) {
			while (is_digit(*p) || (*p == '.' && is_digit(p[1])))
				p++;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			space = 1;
			p++;
			continue;
		}
		if (space && b->len && !strchr(")]", *p))
			rt_buf_lit(b, " ");
		space = 0;
		rt_buf_add(b, p++, 1);
	}
}
