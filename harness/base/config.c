/* SPDX-License-Identifier: Apache-2.0 */
/* config.c - the generic knob table (each knob declared exactly once), the
 * knob families the catalog registers, and the scenario-file parser.  Errors
 * name file, line and what was expected. */
#include "base/config.h"

#include "base/json.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define F(field) RT_KNOB_FIELD(struct rt_config, field)
#define K_INT RT_KNOB_INT
#define K_I64 RT_KNOB_I64
#define K_U64 RT_KNOB_U64
#define K_BOOL RT_KNOB_BOOL
#define K_STR RT_KNOB_STR
#define K_ENUM RT_KNOB_ENUM

static const struct rt_knob knobs[] = {
	{ "description", K_STR, F(description), 0, 0, "", NULL,
	  "one-line summary shown by `redirtorture list`" },
	{ "target", K_STR, F(target), 0, 0, "rich_live", NULL,
	  "redirection implementation under test (see `redirtorture list`)" },
	{ "seed", K_U64, F(seed), 0, INT64_MAX, "0", NULL,
	  "seed for noise and choices; 0 picks one from the clock and prints it" },
	{ "duration_ms", K_I64, F(duration_ms), 100, 3600000, "5000", NULL,
	  "how long the drivers run when nothing wedges" },
	{ "stall_timeout_ms", K_I64, F(stall_timeout_ms), 50, 600000, "1000", NULL,
	  "no progress (or one wait) for this long is a HANG or DEADLOCK" },
	{ "print_workers", K_INT, F(print_workers), 0, 256, "8", NULL,
	  "threads that print tagged lines to the redirected stdout/stderr" },
	{ "log_workers", K_INT, F(log_workers), 0, 256, "0", NULL,
	  "threads that log through the logging model (handler lock held around emit)" },
	{ "refresh_hz", K_INT, F(refresh_hz), 0, 1000, "50", NULL,
	  "refresh-loop rate of the live display; 0 starts no refresh thread" },
	{ "finalizer_every", K_INT, F(finalizer_every), 0, 1000000, "3", NULL,
	  "a worker makes garbage with a finalizer every N operations; 0 never" },
	{ "gc_threshold", K_INT, F(gc_threshold), 1, 1000000, "1", NULL,
	  "pending finalizers that make the next allocation point collect" },
	{ "finalizer_action", K_ENUM, F(finalizer_action), 0, 2, "log", "log|print|mixed",
	  "what a finalizer does: log to stderr, print to stdout, or alternate" },
	{ "partial_pct", K_INT, F(partial_pct), 0, 100, "30", NULL,
	  "percent of prints written as several partial writes" },
	{ "stderr_pct", K_INT, F(stderr_pct), 0, 100, "20", NULL,
	  "percent of prints that go to stderr instead of stdout" },
	{ "line_len", K_INT, F(line_len), 16, 4096, "48", NULL,
	  "length of each tagged line, newline excluded" },
	{ "live_rows", K_INT, F(live_rows), 1, 1000, "20", NULL,
	  "rows of the live display; rendering allocates once per row" },
	{ "max_ops", K_I64, F(max_ops), 0, INT64_MAX, "0", NULL,
	  "operations per driver thread before it stops; 0 = until duration_ms" },
	{ "noise", K_BOOL, F(noise), 0, 1, "1", NULL,
	  "seeded random yields and short delays at instrumented points" },
	{ "noise_yield_pct", K_INT, F(noise_yield_pct), 0, 100, "20", NULL,
	  "percent of instrumented points that yield the CPU" },
	{ "noise_delay_pct", K_INT, F(noise_delay_pct), 0, 100, "2", NULL,
	  "percent of instrumented points that sleep briefly" },
	{ "noise_max_delay_us", K_INT, F(noise_max_delay_us), 0, 100000, "200", NULL,
	  "upper bound of one noise sleep, microseconds" },
	{ "integrity", K_BOOL, F(integrity), 0, 1, "1", NULL,
	  "check every tagged line reached a sink exactly once, unsplit, in order" },
	{ "stop_on_potential", K_BOOL, F(stop_on_potential), 0, 1, "0", NULL,
	  "end the run at the first potential deadlock instead of waiting for a real one" },
	{ "confirm_runs", K_INT, F(confirm_runs), 0, 1000000, "500", NULL,
	  "after a potential deadlock, steered controlled executions that try to make it happen" },
	{ "progress_ms", K_I64, F(progress_ms), 0, 3600000, "1000", NULL,
	  "period of progress lines when not on a terminal (a terminal gets one updated line); 0 = none at all" },
};
#define NKNOBS (sizeof knobs / sizeof knobs[0])

static const struct rt_target_catalog *catalog;
static const struct rt_knob_family *fams[RT_KNOB_FAMILIES];
static int nfams;

void rt_config_use_catalog(const struct rt_target_catalog *cat)
{
	catalog = cat;
	nfams = 0;
	for (int i = 0; cat && cat->families && cat->families[i]; i++) {
		const struct rt_knob_family *f = cat->families[i];
		if (nfams == RT_KNOB_FAMILIES || f->size > RT_KNOB_BLOCK)
			rt_die("knob family %s: more than %d families or settings over %d bytes "
			       "(RT_KNOB_FAMILIES, RT_KNOB_BLOCK in base/config.h)", f->name,
			       RT_KNOB_FAMILIES, RT_KNOB_BLOCK);
		fams[nfams++] = f;
	}
}

const void *rt_config_family(const struct rt_config *c, const struct rt_knob_family *f)
{
	for (int i = 0; i < nfams; i++)
		if (fams[i] == f)
			return c->family[i];
	return NULL;
}

/* Without a catalog (a program that links no targets) every name is known,
 * as a target without sessions or family. */
static int target_known(const char *name, struct rt_target_info *info)
{
	if (info)
		*info = (struct rt_target_info){ 0 };
	return !catalog || catalog->find(name, info);
}

/* A knob and the family it belongs to (-1: generic, a field of rt_config). */
struct kref {
	const struct rt_knob *k;
	int fam;
};

static char *field_of(const struct rt_config *c, struct kref r)
{
	char *base = r.fam < 0 ? (char *)c : (char *)c->family[r.fam];
	return base + r.k->off;
}

static struct kref find_knob(const char *name)
{
	for (size_t i = 0; i < NKNOBS; i++)
		if (!strcmp(knobs[i].name, name))
			return (struct kref){ &knobs[i], -1 };
	for (int f = 0; f < nfams; f++)
		for (size_t i = 0; i < fams[f]->nknobs; i++)
			if (!strcmp(fams[f]->knobs[i].name, name))
				return (struct kref){ &fams[f]->knobs[i], f };
	return (struct kref){ NULL, -1 };
}

/* The family of the configured target, or -1. */
static int target_family(const struct rt_config *c)
{
	struct rt_target_info info;
	if (!target_known(c->target, &info))
		return -1;
	for (int f = 0; f < nfams; f++)
		if (fams[f] == info.family)
			return f;
	return -1;
}

static void knob_names(char *out, size_t n)
{
	size_t used = 0;
	out[0] = 0;
	for (size_t i = 0; i < NKNOBS && used + 2 < n; i++)
		used += (size_t)snprintf(out + used, n - used, "%s%s", i ? ", " : "", knobs[i].name);
	for (int f = 0; f < nfams; f++)
		for (size_t i = 0; i < fams[f]->nknobs && used + 2 < n; i++)
			used += (size_t)snprintf(out + used, n - used, ", %s", fams[f]->knobs[i].name);
}

/* An echoed input value, at most 60 bytes; a longer one ends in "...", so
 * an abbreviation is never mistaken for the value. */
static const char *abbrev(const char *s, char out[64])
{
	snprintf(out, 64, strlen(s) > 60 ? "%.57s..." : "%s", s);
	return out;
}
#define AB(s) abbrev((s), (char[64]){ 0 })

static void where(char *buf, size_t n, const char *origin, int line)
{
	if (line > 0)
		snprintf(buf, n, "%s:%d", origin, line);
	else
		snprintf(buf, n, "%s", origin);
}

static int enum_index(const char *choices, const char *v)
{
	size_t vl = strlen(v);
	int i = 0;
	for (const char *p = choices; *p; i++) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == vl && !strncmp(p, v, len))
			return i;
		if (!bar)
			break;
		p = bar + 1;
	}
	return -1;
}

static void enum_name(const char *choices, int idx, char *out, size_t n)
{
	const char *p = choices;
	for (int i = 0; i < idx && p; i++) {
		p = strchr(p, '|');
		if (p)
			p++;
	}
	if (!p) {
		snprintf(out, n, "?");
		return;
	}
	const char *bar = strchr(p, '|');
	size_t len = bar ? (size_t)(bar - p) : strlen(p);
	snprintf(out, n, "%.*s", (int)len, p);
}

const char *rt_fin_action_name(int a)
{
	return a == RT_FIN_LOG ? "log" : a == RT_FIN_PRINT ? "print" : "mixed";
}

int rt_config_set(struct rt_config *c, const char *key, const char *value, const char *origin,
		  int line, char err[RT_CONFIG_ERRLEN])
{
	char at[4200];
	where(at, sizeof at, origin, line);
	struct kref r = find_knob(key);
	const struct rt_knob *k = r.k;
	if (!k) {
		char names[4096];
		knob_names(names, sizeof names);
		snprintf(err, RT_CONFIG_ERRLEN, "%s: unknown key '%s' (expected one of: %s)", at, AB(key),
			 names);
		return -1;
	}
	char *field = field_of(c, r);
	switch (k->type) {
	case K_STR:
		if (strlen(value) >= k->size) {
			snprintf(err, RT_CONFIG_ERRLEN,
				 "%s: value for %s is too long (expected at most %zu characters)", at,
				 key, k->size - 1);
			return -1;
		}
		/* an unknown target is a bad value: reject it here, where the
		 * error can still name file:line (validate only knows the file) */
		if (r.fam < 0 && k->off == offsetof(struct rt_config, target) &&
		    !target_known(value, NULL)) {
			struct rt_buf names = { 0 };
			catalog->names(&names);
			snprintf(err, RT_CONFIG_ERRLEN, "%s: unknown target '%s' (expected one of: %s)",
				 at, AB(value), names.p ? names.p : "");
			rt_buf_free(&names);
			return -1;
		}
		snprintf(field, k->size, "%s", value);
		return 0;
	case K_ENUM: {
		int i = enum_index(k->choices, value);
		if (i < 0) {
			snprintf(err, RT_CONFIG_ERRLEN, "%s: bad value '%s' for %s (expected one of: %s)",
				 at, AB(value), key, k->choices);
			return -1;
		}
		*(int *)field = i;
		return 0;
	}
	case K_BOOL:
		if (!strcmp(value, "1") || !strcmp(value, "true") || !strcmp(value, "on") ||
		    !strcmp(value, "yes")) {
			*(int *)field = 1;
			return 0;
		}
		if (!strcmp(value, "0") || !strcmp(value, "false") || !strcmp(value, "off") ||
		    !strcmp(value, "no")) {
			*(int *)field = 0;
			return 0;
		}
		snprintf(err, RT_CONFIG_ERRLEN,
			 "%s: bad value '%s' for %s (expected a boolean: 0, 1, true, false, on, off)",
			 at, AB(value), key);
		return -1;
	case K_INT:
	case K_I64:
	case K_U64: {
		errno = 0;
		char *end = NULL;
		int neg = value[0] == '-';
		uint64_t u = 0;
		int64_t v = 0;
		if (k->type == K_U64 && !neg)
			u = strtoull(value, &end, 0);
		else
			v = strtoll(value, &end, 10);
		if (!value[0] || !end || *end || errno || (k->type == K_U64 && neg) ||
		    (k->type != K_U64 && (v < k->min || v > k->max))) {
			if (k->type == K_U64)
				snprintf(err, RT_CONFIG_ERRLEN,
					 "%s: bad value '%s' for %s (expected an unsigned 64-bit integer)",
					 at, AB(value), key);
			else
				snprintf(err, RT_CONFIG_ERRLEN,
					 "%s: bad value '%s' for %s (expected an integer %" PRId64
					 "..%" PRId64 ")",
					 at, AB(value), key, k->min, k->max);
			return -1;
		}
		if (k->type == K_INT)
			*(int *)field = (int)v;
		else if (k->type == K_I64)
			*(int64_t *)field = v;
		else
			*(uint64_t *)field = u;
		return 0;
	}
	}
	return -1;
}

void rt_config_defaults(struct rt_config *c)
{
	char err[RT_CONFIG_ERRLEN];
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < NKNOBS; i++)
		if (rt_config_set(c, knobs[i].name, knobs[i].def, "defaults", 0, err))
			rt_die("bad built-in default: %s", err);
	for (int f = 0; f < nfams; f++)
		for (size_t i = 0; i < fams[f]->nknobs; i++)
			if (rt_config_set(c, fams[f]->knobs[i].name, fams[f]->knobs[i].def, "defaults",
					  0, err))
				rt_die("bad built-in default: %s", err);
	snprintf(c->scenario, sizeof c->scenario, "default");
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = 0;
	return s;
}

int rt_config_parse(struct rt_config *c, const char *text, size_t len, const char *origin,
		    char err[RT_CONFIG_ERRLEN])
{
	int lineno = 0;
	size_t pos = 0;
	while (pos < len) {
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		size_t n = end - pos;
		if (memchr(text + pos, 0, n)) {
			snprintf(err, RT_CONFIG_ERRLEN,
				 "%s:%d: NUL byte in line (expected text: key = value)", origin, lineno);
			return -1;
		}
		if (n > 2048) {
			snprintf(err, RT_CONFIG_ERRLEN,
				 "%s:%d: line too long (%zu bytes; expected at most 2048)", origin, lineno,
				 n);
			return -1;
		}
		char buf[2049];
		memcpy(buf, text + pos, n);
		buf[n] = 0;
		pos = end + 1;
		char *s = trim(buf);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, RT_CONFIG_ERRLEN, "%s:%d: '%s' is not a setting (expected key = value)",
				 origin, lineno, AB(s));
			return -1;
		}
		*eq = 0;
		char *key = trim(s), *val = trim(eq + 1);
		if (!*key) {
			snprintf(err, RT_CONFIG_ERRLEN, "%s:%d: missing key before '=' (expected key = value)",
				 origin, lineno);
			return -1;
		}
		for (char *k = key; *k; k++)
			if (!isalnum((unsigned char)*k) && *k != '_') {
				snprintf(err, RT_CONFIG_ERRLEN,
					 "%s:%d: bad key '%s' (expected letters, digits and _)", origin,
					 lineno, AB(key));
				return -1;
			}
		if (rt_config_set(c, key, val, origin, lineno, err))
			return -1;
	}
	return 0;
}

int rt_config_load(struct rt_config *c, const char *name_or_path, const char *scenario_dir,
		   char err[RT_CONFIG_ERRLEN])
{
	char path[sizeof c->scenario_path];
	int pl;
	if (strchr(name_or_path, '/') || strstr(name_or_path, ".scn"))
		pl = snprintf(path, sizeof path, "%s", name_or_path);
	else
		pl = snprintf(path, sizeof path, "%s/%s.scn", scenario_dir, name_or_path);
	if (pl < 0 || (size_t)pl >= sizeof path) {
		snprintf(err, RT_CONFIG_ERRLEN, "%.200s...: scenario path too long (%d bytes; expected "
			 "at most %zu)", path, pl, sizeof path - 1);
		return -1;
	}
	struct rt_buf b = { 0 };
	if (rt_read_input(path, "scenario", "a scenario name from `redirtorture list` or a .scn file",
			  1u << 20, &b, err, RT_CONFIG_ERRLEN))
		return -1;
	snprintf(c->scenario_path, sizeof c->scenario_path, "%s", path);
	const char *base = rt_basename(path);
	const char *dot = strrchr(base, '.');
	snprintf(c->scenario, sizeof c->scenario, "%.*s", (int)(dot ? (size_t)(dot - base) : strlen(base)),
		 base);
	int rc = rt_config_parse(c, b.p ? b.p : "", b.len, path, err);
	rt_buf_free(&b);
	return rc;
}

int rt_config_validate(const struct rt_config *c, char err[RT_CONFIG_ERRLEN])
{
	struct rt_target_info info;
	const char *at = c->scenario_path[0] ? c->scenario_path : "configuration";
	if (!target_known(c->target, &info)) {
		struct rt_buf names = { 0 };
		catalog->names(&names);
		snprintf(err, RT_CONFIG_ERRLEN, "%s: unknown target '%s' (expected one of: %s)",
			 c->scenario_path[0] ? c->scenario_path : "target", AB(c->target),
			 names.p ? names.p : "");
		rt_buf_free(&names);
		return -1;
	}
	for (int f = 0; f < nfams; f++)
		if (fams[f]->validate &&
		    fams[f]->validate(c->family[f], c->target, fams[f] == info.family, at, err))
			return -1;
	if (c->print_workers + c->log_workers == 0 && !info.sessions) {
		snprintf(err, RT_CONFIG_ERRLEN,
			 "%s: no driver threads (expected print_workers + log_workers >= 1)", at);
		return -1;
	}
	return 0;
}

static void knob_value(const struct rt_config *c, struct kref r, char *out, size_t n)
{
	const struct rt_knob *k = r.k;
	const char *field = field_of(c, r);
	switch (k->type) {
	case K_STR: snprintf(out, n, "%s", field); break;
	case K_ENUM: enum_name(k->choices, *(const int *)field, out, n); break;
	case K_BOOL:
	case K_INT: snprintf(out, n, "%d", *(const int *)field); break;
	case K_I64: snprintf(out, n, "%" PRId64, *(const int64_t *)field); break;
	case K_U64: snprintf(out, n, "%" PRIu64, *(const uint64_t *)field); break;
	}
}

/* The knobs that apply to c's target, in order: generic, then its family's.
 * i counts from 0; returns 0 past the last. */
static int applied_knob(int fam, size_t i, struct kref *r)
{
	if (i < NKNOBS) {
		*r = (struct kref){ &knobs[i], -1 };
		return 1;
	}
	i -= NKNOBS;
	if (fam < 0 || i >= fams[fam]->nknobs)
		return 0;
	*r = (struct kref){ &fams[fam]->knobs[i], fam };
	return 1;
}

void rt_config_dump(const struct rt_config *c, struct rt_buf *out, const char *indent)
{
	char v[300];
	rt_buf_printf(out, "%sscenario = %s (%s)\n", indent, c->scenario,
		      c->scenario_path[0] ? c->scenario_path : "built-in defaults");
	int fam = target_family(c);
	struct kref r;
	for (size_t i = 0; applied_knob(fam, i, &r); i++) {
		knob_value(c, r, v, sizeof v);
		rt_buf_printf(out, "%s%s = %s\n", indent, r.k->name, v);
	}
}

json_t *rt_config_json(const struct rt_config *c)
{
	char v[300];
	json_t *o = rt_json_obj();
	rt_json_set_str(o, "scenario", c->scenario);
	rt_json_set_str(o, "scenario_path", c->scenario_path);
	int fam = target_family(c);
	struct kref r;
	for (size_t i = 0; applied_knob(fam, i, &r); i++) {
		const struct rt_knob *k = r.k;
		const char *field = field_of(c, r);
		switch (k->type) {
		case K_BOOL:
		case K_INT: rt_json_set_int(o, k->name, *(const int *)field); break;
		case K_I64: rt_json_set_int(o, k->name, *(const int64_t *)field); break;
		default:   /* strings, enums by name, u64 as a string: JSON numbers lose bits */
			knob_value(c, r, v, sizeof v);
			rt_json_set_str(o, k->name, v);
		}
	}
	return o;
}

static void help_table(struct rt_buf *out, const struct rt_knob *ks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct rt_knob *k = &ks[i];
		char range[96];
		switch (k->type) {
		case K_STR: snprintf(range, sizeof range, "string"); break;
		case K_ENUM: snprintf(range, sizeof range, "one of %s", k->choices); break;
		case K_BOOL: snprintf(range, sizeof range, "bool"); break;
		case K_U64: snprintf(range, sizeof range, "u64"); break;
		default:
			snprintf(range, sizeof range, "int %" PRId64 "..%" PRId64, k->min, k->max);
		}
		rt_buf_printf(out, "  %-20s %-26s default %-10s %s\n", k->name, range,
			      k->def[0] ? k->def : "\"\"", k->help);
	}
}

void rt_config_help(struct rt_buf *out)
{
	rt_buf_printf(out, "generic knobs (every target):\n");
	help_table(out, knobs, NKNOBS);
	for (int f = 0; f < nfams; f++) {
		rt_buf_printf(out, "\n%s knobs (%s):\n", fams[f]->name, fams[f]->applies);
		help_table(out, fams[f]->knobs, fams[f]->nknobs);
	}
}

int rt_input_error_form_ok(const char *err, const char *origin)
{
	size_t ol = strlen(origin), n = strlen(err);
	if (strncmp(err, origin, ol) || n >= RT_CONFIG_ERRLEN - 1 || strchr(err, '\n'))
		return 0;
	const char *p = err + ol;
	if (p[0] == ':' && p[1] >= '1' && p[1] <= '9') {   /* FILE:LINE: */
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (p[0] != ':' || p[1] != ' ' || !p[2])
		return 0;
	/* what, then what was expected, closing the line */
	return strstr(p, "expected ") && err[n - 1] == ')';
}
