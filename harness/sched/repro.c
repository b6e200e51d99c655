/* SPDX-License-Identifier: Apache-2.0 */
/* repro.c - repro file writer and strict parser. */
#include "sched/repro.h"

#include "sched/exec.h"
#include "base/report.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The header's replay command, as the caller made it with
 * rt_replay_repro_cmd (a control byte, which would end the comment line,
 * as '?'). */
static void header(struct rt_buf *b, const char *cmd)
{
	rt_buf_lit(b, "# redirtorture repro file: replay with `");
	for (const char *s = cmd; *s; s++)
		rt_buf_add(b, (unsigned char)*s < 0x20 || *s == 0x7f ? "?" : s, 1);
	rt_buf_lit(b, "`\n");
}

int rt_repro_write(const char *path, const struct rt_repro *r, const char (*names)[32])
{
	if (!r->replay_cmd)
		return -EINVAL;   /* every writer names its command (rt_replay_repro_cmd) */
	struct rt_buf b = { 0 };
	header(&b, r->replay_cmd);
	rt_buf_printf(&b, "format: %s\n", RT_REPRO_FORMAT);
	rt_buf_printf(&b, "verdict: %s\n", r->verdict);
	rt_buf_printf(&b, "signature: %s\n", r->signature[0] ? r->signature : "none");
	rt_buf_printf(&b, "strategy: %s\n", rt_strategy_name(r->strategy));
	rt_buf_printf(&b, "strategy_seed: %" PRIu64 "\n", r->seed);
	rt_buf_printf(&b, "depth: %d\n", r->depth);
	rt_buf_printf(&b, "k: %" PRIu64 "\n", r->k);
	rt_buf_printf(&b, "vstep_ns: %" PRIu64 "\n", r->vstep_ns);
	rt_buf_printf(&b, "max_steps: %" PRIu64 "\n", r->max_steps);
	rt_buf_printf(&b, "scenario: %s\n", r->cfg.scenario);
	struct rt_buf cfg = { 0 };
	rt_config_dump(&r->cfg, &cfg, "");
	/* every knob but the first line (scenario = name (path)) */
	const char *p = strchr(cfg.p, '\n');
	for (p = p ? p + 1 : cfg.p; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		rt_buf_printf(&b, "config: %.*s\n", (int)n, p);
		p = e ? e + 1 : NULL;
	}
	rt_buf_free(&cfg);
	rt_buf_printf(&b, "threads: %d", r->nthreads);
	for (int i = 0; names && i < r->nthreads; i++)
		rt_buf_printf(&b, " %s", names[i]);
	rt_buf_printf(&b, "\npreemptions: %d\nchoices: %zu\nschedule:", r->preemptions, r->nchoices);
	for (size_t i = 0; i < r->nchoices; i++)
		rt_buf_printf(&b, "%s%u.%02x", i % 16 ? " " : "\n", r->choices[i].tid,
			      r->choices[i].check);
	rt_buf_printf(&b, "\nend\n");
	int rc = rt_write_file_atomic(path, b.p, b.len);
	rt_buf_free(&b);
	return rc;
}

/* One error line; the strings a and b echo input: abbreviated to 60 bytes.
 * line 0: about the whole file ("FILE: what"). */
static int fail(char *err, const char *origin, int line, const char *fmt, const char *a,
		const char *b)
{
	char sa[64], sb[64], at[32] = "";
	snprintf(sa, sizeof sa, strlen(a) > 60 ? "%.57s..." : "%s", a);
	snprintf(sb, sizeof sb, strlen(b) > 60 ? "%.57s..." : "%s", b);
	if (line > 0)
		snprintf(at, sizeof at, ":%d", line);
	int n = snprintf(err, RT_CONFIG_ERRLEN, "%s%s: ", origin, at);
	if (n > 0 && n < RT_CONFIG_ERRLEN)
		snprintf(err + n, RT_CONFIG_ERRLEN - (size_t)n, fmt, sa, sb);
	return -1;
}

static int parse_u64(const char *v, uint64_t *out)
{
	if (!*v || !isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	char *end;
	unsigned long long x = strtoull(v, &end, 10);
	if (*end || errno)
		return -1;
	*out = x;
	return 0;
}

int rt_repro_parse(const char *text, size_t len, const char *origin, struct rt_repro *r,
		   char err[RT_CONFIG_ERRLEN])
{
	memset(r, 0, sizeof *r);
	rt_config_defaults(&r->cfg);
	snprintf(r->cfg.scenario_path, sizeof r->cfg.scenario_path, "%s", origin);
	int line = 0, in_sched = 0, have_format = 0, ended = 0;
	uint64_t want = 0;
	int have_choices = 0, have_sig = 0;
	size_t cap = 0, pos = 0;
	static const char fields[] = "format, verdict, signature, strategy, strategy_seed, depth, k, "
				     "vstep_ns, max_steps, scenario, config, threads, preemptions, "
				     "choices, schedule, end";
	while (pos < len) {
		size_t e = pos;
		while (e < len && text[e] != '\n')
			e++;
		line++;
		if (e - pos > 4096 || memchr(text + pos, 0, e - pos))
			return fail(err, origin, line, "%s%sunreadable line (expected text lines)", "", "");
		char buf[4097];
		memcpy(buf, text + pos, e - pos);
		buf[e - pos] = 0;
		pos = e + 1;
		if (ended)
			return fail(err, origin, line, "text after 'end'%s%s (expected nothing)", "", "");
		if (!buf[0] || buf[0] == '#')
			continue;
		if (in_sched) {
			if (!strcmp(buf, "end")) {
				ended = 1;
				continue;
			}
			for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
				unsigned tid, chk;
				int used = 0;
				if (sscanf(tok, "%u.%2x%n", &tid, &chk, &used) != 2 ||
				    (size_t)used != strlen(tok) || tid >= 65536)
					return fail(err, origin, line,
						    "bad schedule entry '%s'%s (expected THREAD.CHECK, e.g. 3.af)",
						    tok, "");
				if (r->nchoices == cap) {
					cap = cap ? cap * 2 : 256;
					r->choices = rt_xrealloc(r->choices, cap * sizeof *r->choices);
				}
				r->choices[r->nchoices++] = (struct rt_choice){ (uint16_t)tid, (uint8_t)chk, 0, -1 };
			}
			continue;
		}
		char *colon = strchr(buf, ':');
		if (!colon)
			return fail(err, origin, line, "'%.60s' is not a field%s (expected NAME: VALUE)", buf,
				    "");
		*colon = 0;
		const char *key = buf, *val = colon + 1;
		while (*val == ' ')
			val++;
		if (!have_format && strcmp(key, "format"))
			return fail(err, origin, line, "first field is '%s'%s (expected format: "
				    RT_REPRO_FORMAT ")", key, "");
		uint64_t u = 0;
		if (!strcmp(key, "format")) {
			if (strcmp(val, RT_REPRO_FORMAT))
				return fail(err, origin, line,
					    "format '%s' is not supported%s (expected " RT_REPRO_FORMAT ")",
					    val, "");
			have_format = 1;
		} else if (!strcmp(key, "verdict")) {
			snprintf(r->verdict, sizeof r->verdict, "%s", val);
		} else if (!strcmp(key, "signature")) {
			/* "none": a clean run, kept to check it stays clean */
			snprintf(r->signature, sizeof r->signature, "%s", strcmp(val, "none") ? val : "");
			have_sig = 1;
		} else if (!strcmp(key, "strategy")) {
			r->strategy = rt_strategy_parse(val);
			if (r->strategy < 0)
				return fail(err, origin, line, "unknown strategy '%s'%s (expected random, "
					    "pct, pos, replay or confirm)", val, "");
		} else if (!strcmp(key, "scenario")) {
			snprintf(r->cfg.scenario, sizeof r->cfg.scenario, "%s", val);
		} else if (!strcmp(key, "config")) {
			char kv[4097];
			snprintf(kv, sizeof kv, "%s", val);
			char *eq = strchr(kv, '=');
			if (!eq)
				return fail(err, origin, line, "config entry '%s'%s is not a setting (expected config: KEY = VALUE)", val,
					    "");
			char *k = kv, *v = eq + 1;
			*eq = 0;
			while (*k == ' ')
				k++;
			for (char *t = eq - 1; t >= k && *t == ' '; t--)
				*t = 0;
			while (*v == ' ')
				v++;
			if (rt_config_set(&r->cfg, k, v, origin, line, err))
				return -1;
		} else if (!strcmp(key, "threads")) {
			r->nthreads = atoi(val);
		} else if (!strcmp(key, "schedule")) {
			in_sched = 1;
		} else if (!strcmp(key, "choices")) {
			if (parse_u64(val, &want))
				return fail(err, origin, line, "bad choices '%s'%s (expected a count)", val, "");
			have_choices = 1;
		} else if (!strcmp(key, "preemptions") || !strcmp(key, "depth") || !strcmp(key, "k") ||
			   !strcmp(key, "vstep_ns") || !strcmp(key, "max_steps") ||
			   !strcmp(key, "strategy_seed")) {
			if (parse_u64(val, &u))
				return fail(err, origin, line, "bad value '%s' for %s (expected an unsigned "
					    "integer)", val, key);
			if (!strcmp(key, "depth"))
				r->depth = (int)u;
			else if (!strcmp(key, "k"))
				r->k = u;
			else if (!strcmp(key, "vstep_ns"))
				r->vstep_ns = u;
			else if (!strcmp(key, "max_steps"))
				r->max_steps = u;
			else if (!strcmp(key, "strategy_seed"))
				r->seed = u;
			else
				r->preemptions = (int)u;
		} else {
			return fail(err, origin, line, "unknown field '%s' (expected one of: %s)", key, fields);
		}
	}
	if (!have_format)
		return fail(err, origin, 0, "empty file%s%s (expected a repro file)", "", "");
	if (!ended)
		return fail(err, origin, 0, "truncated: no 'end' line%s%s (expected the schedule to "
			    "finish with end)", "", "");
	if (!have_choices || want != r->nchoices) {
		char a[32], b[32];
		snprintf(a, sizeof a, "%" PRIu64, want);
		snprintf(b, sizeof b, "%zu", r->nchoices);
		return fail(err, origin, 0, "truncated: 'choices' says %s but the schedule has %s (expected as many "
			    "entries as choices)", a, b);
	}
	if (!have_sig)
		return fail(err, origin, 0, "no signature%s%s (expected signature: ...)", "", "");
	return 0;
}

int rt_repro_read(const char *path, struct rt_repro *r, char err[RT_CONFIG_ERRLEN])
{
	struct rt_buf b = { 0 };
	memset(r, 0, sizeof *r);
	if (rt_read_input(path, "repro file", "a repro file written by explore or minimize",
			  64u << 20, &b, err, RT_CONFIG_ERRLEN))
		return -1;
	int rc = rt_repro_parse(b.p ? b.p : "", b.len, path, r, err);
	rt_buf_free(&b);
	if (rc)
		rt_repro_free(r);
	return rc;
}

void rt_repro_free(struct rt_repro *r)
{
	free(r->choices);
	r->choices = NULL;
	r->nchoices = 0;
}

void rt_repro_from(struct rt_repro *rp, const struct rt_config *c, const struct rt_ctl_params *p,
		   const struct rt_exec_result *r)
{
	memset(rp, 0, sizeof *rp);
	rt_ctl_result_checks(&r->ctl);
	rp->cfg = *c;
	snprintf(rp->verdict, sizeof rp->verdict, "%s", rt_verdict_name(r->code));
	snprintf(rp->signature, sizeof rp->signature, "%s", r->signature);
	rp->strategy = p->strategy;
	rp->depth = p->depth;
	rp->seed = p->seed;
	rp->k = p->k_estimate;
	rp->vstep_ns = p->vstep_ns;
	rp->max_steps = p->max_steps;
	rp->nthreads = r->ctl.nthreads;
	rp->choices = r->ctl.choices;
	rp->nchoices = r->ctl.nchoices;
	rp->preemptions = r->ctl.preemptions;
}

int rt_repro_load(const char *path, struct rt_repro *r)
{
	char err[RT_CONFIG_ERRLEN];
	if (rt_repro_read(path, r, err)) {
		rt_input_error(err);
		return RT_EXIT_BADINPUT;
	}
	if (rt_config_validate(&r->cfg, err)) {
		rt_input_error(err);
		rt_repro_free(r);
		return RT_EXIT_BADINPUT;
	}
	return 0;
}

int rt_repro_save(const char *path, const char *replay_cmd, const struct rt_config *c,
		  const struct rt_ctl_params *p, const struct rt_exec_result *r)
{
	struct rt_repro rp;
	rt_repro_from(&rp, c, p, r);
	rp.replay_cmd = replay_cmd;
	int rc = rt_repro_write(path, &rp, r->ctl.thread_names);
	if (rc)
		rt_fdprintf(rt_err_fd(), "redirtorture: repro %s not written: %s; an older file there "
			    "is unchanged (exit %d)\n", path, strerror(-rc), RT_EXIT_UNWRITTEN);
	return rc;
}
