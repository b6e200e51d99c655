/* SPDX-License-Identifier: Apache-2.0 */
/* json.c - Jansson values for reports and traces (see json.h). */
#include "base/json.h"

#include "base/util.h"

#include <stdlib.h>
#include <string.h>

static json_t *need(json_t *v)
{
	if (!v)
		rt_die("out of memory building a JSON document");
	return v;
}

json_t *rt_json_str(const char *s)
{
	struct rt_buf b = { 0 };
	rt_buf_utf8(&b, s ? s : "");
	/* json_stringn: the length is the buffer's, counted by rt_buf */
	json_t *v = need(json_stringn(b.p ? b.p : "", b.len));
	rt_buf_free(&b);
	return v;
}

json_t *rt_json_int(long long v) { return need(json_integer(v)); }

json_t *rt_json_secs(double v)
{
	/* seconds are never negative; NaN and huge values become 0 */
	if (!(v >= 0 && v < 1e12))
		v = 0;
	return need(json_real((double)(long long)(v * 1000.0 + 0.5) / 1000.0));
}

json_t *rt_json_obj(void) { return need(json_object()); }
json_t *rt_json_arr(void) { return need(json_array()); }

void rt_json_set(json_t *obj, const char *key, json_t *v)
{
	if (json_object_set_new(obj, key, v))
		rt_die("cannot set JSON member %s", key);
}

void rt_json_set_str(json_t *obj, const char *key, const char *s)
{
	rt_json_set(obj, key, rt_json_str(s));
}

void rt_json_set_int(json_t *obj, const char *key, long long v)
{
	rt_json_set(obj, key, rt_json_int(v));
}

void rt_json_push(json_t *arr, json_t *v)
{
	if (json_array_append_new(arr, v))
		rt_die("cannot append to a JSON array");
}

void rt_json_push_str(json_t *arr, const char *s) { rt_json_push(arr, rt_json_str(s)); }

json_t *rt_json_strv(const char *const *v, int n)
{
	json_t *a = rt_json_arr();
	for (int i = 0; i < n; i++)
		rt_json_push_str(a, v[i]);
	return a;
}

/* Keys in insertion order (Jansson keeps it); reals with enough digits for
 * rt_json_secs' milliseconds and never in exponent form below 1e15 s. */
char *rt_json_dump(const json_t *doc, int indent)
{
	size_t flags = (indent ? JSON_INDENT(indent) : JSON_COMPACT) | JSON_REAL_PRECISION(15);
	char *s = json_dumps(doc, flags);
	if (!s)
		rt_die("out of memory serializing a JSON document");
	size_t n = strlen(s);
	char *out = rt_xmalloc(n + 2);
	memcpy(out, s, n);
	out[n] = '\n';
	out[n + 1] = 0;
	free(s);
	return out;
}

int rt_json_write_atomic(const char *path, const json_t *doc, int indent)
{
	char *s = rt_json_dump(doc, indent);
	int rc = rt_write_file_atomic(path, s, strlen(s));
	free(s);
	return rc;
}
