/* SPDX-License-Identifier: Apache-2.0 */
/* site.h - where a target does something: file, line, function. */
#ifndef RT_SITE_H
#define RT_SITE_H

struct rt_site {
	const char *file;
	int line;
	const char *func;
};
#define RT_SITE ((struct rt_site){ __FILE__, __LINE__, __func__ })

#include <stddef.h>

/* "file.c:12 func()" (the file's base name), or "?" for no site. */
void rt_site_str(char *out, size_t n, struct rt_site s);
/* For the JSON report (base/json.h): {"file" (base name), "line",
 * "function"}, or null for no site; and {"lock": lock, "site": ...}. */
struct json_t;
struct json_t *rt_site_json(struct rt_site s);
struct json_t *rt_lock_site_json(const char *lock, struct rt_site s);

enum rt_stream { RT_STDOUT = 1, RT_STDERR = 2 };

#endif
