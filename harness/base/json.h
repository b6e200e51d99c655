/* SPDX-License-Identifier: Apache-2.0 */
/* json.h - every JSON document the harness writes (reports, traces) is built
 * as a tree of Jansson values (Debian libjansson-dev) and serialized by
 * Jansson: no hand-written JSON, no hand-counted lengths.  These helpers add
 * what Jansson leaves to the caller: strings that are not UTF-8 are repaired
 * (each byte that does not start a well-formed UTF-8 sequence becomes U+FFFD,
 * so Jansson, which rejects them, always gets valid text), an allocation
 * failure dies like rt_xmalloc, and a document goes to a file atomically. */
#ifndef RT_JSON_H
#define RT_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* A new string value: s (NULL: "") with bad bytes as U+FFFD. */
json_t *rt_json_str(const char *s);
json_t *rt_json_int(long long v);
/* v rounded to milliseconds (seconds with 3 decimals, as the text reports). */
json_t *rt_json_secs(double v);
json_t *rt_json_obj(void);
json_t *rt_json_arr(void);
/* obj[key] = v, taking v's reference; dies if out of memory. */
void rt_json_set(json_t *obj, const char *key, json_t *v);
void rt_json_set_str(json_t *obj, const char *key, const char *s);
void rt_json_set_int(json_t *obj, const char *key, long long v);
/* Append v to arr, taking v's reference. */
void rt_json_push(json_t *arr, json_t *v);
void rt_json_push_str(json_t *arr, const char *s);
/* An array of n strings. */
json_t *rt_json_strv(const char *const *v, int n);

/* The document as text (indented with indent spaces, 0: compact, without
 * spaces), ending in
 * a newline; free() it. */
char *rt_json_dump(const json_t *doc, int indent);
/* Written with rt_write_file_atomic: 0 or -errno. */
int rt_json_write_atomic(const char *path, const json_t *doc, int indent);

#endif
