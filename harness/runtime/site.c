/* SPDX-License-Identifier: Apache-2.0 */
/* site.c - how a site reads in reports. */
#include "runtime/site.h"

#include "base/json.h"
#include "base/util.h"

#include <stdio.h>

void rt_site_str(char *out, size_t n, struct rt_site s)
{
	if (!s.file)
		snprintf(out, n, "?");
	else
		snprintf(out, n, "%s:%d %s()", rt_basename(s.file), s.line, s.func);
}

json_t *rt_site_json(struct rt_site s)
{
	if (!s.file)
		return json_null();
	json_t *o = rt_json_obj();
	rt_json_set_str(o, "file", rt_basename(s.file));
	rt_json_set_int(o, "line", s.line);
	rt_json_set_str(o, "function", s.func);
	return o;
}

json_t *rt_lock_site_json(const char *lock, struct rt_site s)
{
	json_t *o = rt_json_obj();
	rt_json_set_str(o, "lock", lock);
	rt_json_set(o, "site", rt_site_json(s));
	return o;
}
