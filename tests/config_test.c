/* SPDX-License-Identifier: Apache-2.0 */
/* config_test.c - unit tests for the scenario parser (harness/config.c):
 * defaults, accepted syntax, every error naming origin:line and what was
 * expected, the range of every integer knob (read from `knobs` output), the
 * shipped scenarios, and a seeded fuzz loop over random scenario text.  Built
 * in every preset, so under asan-ubsan it shows the parser is clean under
 * ASan/UBSan.
 *
 * usage: config_test SCENARIO_DIR [FUZZ_ITERATIONS]
 */
#include "base/config.h"
#include "base/json.h"
#include "base/util.h"
#include "py_plugin.h"
#include "session/session_knobs.h"
#include "targets.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, checks;

#define CHECK(cond, ...)                                                          \
	do {                                                                      \
		checks++;                                                         \
		if (!(cond)) {                                                    \
			fprintf(stderr, "config_test: FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                             \
			fputc('\n', stderr);                                      \
			failures++;                                               \
		}                                                                 \
	} while (0)

static int parse(struct rt_config *c, const char *text, char err[RT_CONFIG_ERRLEN])
{
	rt_config_defaults(c);
	err[0] = 0;
	return rt_config_parse(c, text, strlen(text), "t.scn", err);
}

static void test_defaults(void)
{
	struct rt_config c;
	rt_config_defaults(&c);
	CHECK(!strcmp(c.target, "rich_live"), "default target %s", c.target);
	CHECK(c.duration_ms == 5000 && c.stall_timeout_ms == 1000, "default durations");
	CHECK(c.print_workers == 8 && c.log_workers == 0 && c.refresh_hz == 50, "default drivers");
	CHECK(c.noise == 1 && c.integrity == 1 && c.stop_on_potential == 0, "default booleans");
	CHECK(c.seed == 0, "default seed 0 (pick one)");
	char err[RT_CONFIG_ERRLEN];
	CHECK(rt_config_validate(&c, err) == 0, "defaults validate: %s", err);
}

static void test_accepted(void)
{
	struct rt_config c;
	char err[RT_CONFIG_ERRLEN];
	const char *text = "# comment\r\n\r\n   \n\tdescription =  two words  \r\n"
			   "target=test_clean\nduration_ms = 100\nprint_workers=256\n"
			   "seed = 0x10\nnoise = off\nintegrity = yes\nfinalizer_action = mixed\n"
			   "max_ops = 9223372036854775807\n# trailing comment without newline";
	CHECK(parse(&c, text, err) == 0, "accepted text rejected: %s", err);
	CHECK(!strcmp(c.description, "two words"), "description '%s'", c.description);
	CHECK(!strcmp(c.target, "test_clean"), "target '%s'", c.target);
	CHECK(c.duration_ms == 100 && c.print_workers == 256, "ints");
	CHECK(c.seed == 16, "seed accepts hex: %" PRIu64, c.seed);
	CHECK(c.noise == 0 && c.integrity == 1, "booleans");
	CHECK(c.finalizer_action == RT_FIN_MIXED, "enum");
	CHECK(c.max_ops == INT64_MAX, "max_ops at INT64_MAX");
	CHECK(parse(&c, "", err) == 0, "empty text is fine");
	CHECK(parse(&c, "description =\n", err) == 0 && c.description[0] == 0, "empty string value");
	/* later lines override earlier ones */
	CHECK(parse(&c, "print_workers = 1\nprint_workers = 2\n", err) == 0 && c.print_workers == 2,
	      "last setting wins");
}

struct bad {
	const char *text;
	int line;
	const char *says;
};

static void test_errors(void)
{
	static const struct bad bad[] = {
		{ "bogus = 1\n", 1, "unknown key 'bogus' (expected one of: description, " },
		{ "# c\n\nprint_workers = x\n", 3, "bad value 'x' for print_workers (expected an integer 0..256)" },
		{ "print_workers 8\n", 1, "'print_workers 8' is not a setting (expected key = value)" },
		{ "\n = 8\n", 2, "missing key before '=' (expected key = value)" },
		{ "a-b = 1\n", 1, "bad key 'a-b' (expected letters, digits and _)" },
		{ "duration_ms = 99\n", 1, "bad value '99' for duration_ms (expected an integer 100..3600000)" },
		{ "duration_ms = 3600001\n", 1, "bad value '3600001' for duration_ms (expected an integer" },
		{ "duration_ms = 1e3\n", 1, "bad value '1e3' for duration_ms" },
		{ "duration_ms = 99999999999999999999\n", 1, "bad value '99999999999999999999' for duration_ms" },
		{ "duration_ms =\n", 1, "bad value '' for duration_ms" },
		{ "seed = -3\n", 1, "bad value '-3' for seed (expected an unsigned 64-bit integer)" },
		{ "seed = 18446744073709551616\n", 1, "bad value '18446744073709551616' for seed" },
		{ "noise = 2\n", 1, "bad value '2' for noise (expected a boolean: 0, 1, true, false, on, off)" },
		{ "finalizer_action = LOG\n", 1, "bad value 'LOG' for finalizer_action (expected one of: log|print|mixed)" },
		{ "target = nosuch\n", 1, "unknown target 'nosuch' (expected one of: rich_live, " },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rt_config c;
		char err[RT_CONFIG_ERRLEN], want[600];
		int rc = parse(&c, bad[i].text, err);
		snprintf(want, sizeof want, "t.scn:%d: %s", bad[i].line, bad[i].says);
		CHECK(rc == -1, "case %zu accepted: %s", i, bad[i].text);
		CHECK(!strncmp(err, want, strlen(want)), "case %zu:\n  got  %s\n  want %s...", i, err,
		      want);
		CHECK(!strchr(err, '\n'), "case %zu: error is not one line", i);
	}
	/* NUL byte: the text has an explicit length */
	struct rt_config c;
	char err[RT_CONFIG_ERRLEN];
	static const char nul[] = "description = a\nprint_\0workers = 8\n";
	rt_config_defaults(&c);
	CHECK(rt_config_parse(&c, nul, sizeof nul - 1, "t.scn", err) == -1 &&
		      !strcmp(err, "t.scn:2: NUL byte in line (expected text: key = value)"),
	      "NUL byte: %s", err);
	/* over-long line */
	char *big = rt_xmalloc(5000);
	memset(big, 'x', 4999);
	big[4999] = 0;
	memcpy(big, "description = ", 14);
	CHECK(parse(&c, big, err) == -1 && !strncmp(err, "t.scn:1: line too long (4999 bytes", 34),
	      "long line: %s", err);
	free(big);
	/* errors from --set carry no line number */
	rt_config_defaults(&c);
	CHECK(rt_config_set(&c, "print_workers", "-1", "--set", 0, err) == -1 &&
		      !strncmp(err, "--set: bad value '-1' for print_workers", 39),
	      "--set error: %s", err);
	/* validate: no driver threads */
	CHECK(parse(&c, "print_workers = 0\nlog_workers = 1\n", err) == 0 &&
		      rt_config_validate(&c, err) == 0,
	      "one log worker is enough: %s", err);
	CHECK(parse(&c, "print_workers = 0\nlog_workers = 0\n", err) == 0, "parses");
	CHECK(rt_config_validate(&c, err) == -1 && strstr(err, "no driver threads (expected "),
	      "validate: %s", err);
}

/* Every integer knob: min and max accepted, min-1 and max+1 rejected; the
 * ranges come from `knobs` (rt_config_help), so a new knob is covered too. */
static void test_ranges(void)
{
	struct rt_buf help = { 0 };
	rt_config_help(&help);
	int nint = 0;
	for (char *line = strtok(help.p, "\n"); line; line = strtok(NULL, "\n")) {
		char name[64];
		long long lo, hi;
		if (sscanf(line, " %63s int %lld..%lld", name, &lo, &hi) != 3)
			continue;
		nint++;
		char v[64], err[RT_CONFIG_ERRLEN];
		struct rt_config c;
		rt_config_defaults(&c);
		snprintf(v, sizeof v, "%lld", lo);
		CHECK(rt_config_set(&c, name, v, "r", 1, err) == 0, "%s = %s (min) rejected: %s", name, v, err);
		snprintf(v, sizeof v, "%lld", hi);
		CHECK(rt_config_set(&c, name, v, "r", 1, err) == 0, "%s = %s (max) rejected: %s", name, v, err);
		if (lo > INT64_MIN) {
			snprintf(v, sizeof v, "%lld", lo - 1);
			CHECK(rt_config_set(&c, name, v, "r", 1, err) == -1, "%s = %s (min-1) accepted", name, v);
		}
		if (hi < INT64_MAX) {
			snprintf(v, sizeof v, "%lld", hi + 1);
			CHECK(rt_config_set(&c, name, v, "r", 1, err) == -1, "%s = %s (max+1) accepted", name, v);
			CHECK(strstr(err, "(expected an integer "), "%s: %s", name, err);
		}
	}
	CHECK(nint >= 15, "only %d integer knobs found in the knob help", nint);
	rt_buf_free(&help);
}

/* Knob families (session, python): their knobs parse for any target (older
 * repros list every knob), their values land in the family's settings with
 * the family's defaults, `knobs` groups them under their family, validation
 * is the family's, and the effective configuration (text and JSON) shows
 * the generic knobs and the target's family's only. */
static void test_families(void)
{
	struct rt_config c;
	char err[RT_CONFIG_ERRLEN];
	rt_config_defaults(&c);
	const struct rt_session_settings *ss = rt_session_settings(&c);
	const struct rt_py_settings *ps = rt_config_family(&c, &rt_py_knobs);
	CHECK(ss->sessions == 16 && ss->server_log_us == 2000 && !ss->session_script[0],
	      "session defaults: %d %d", ss->sessions, ss->server_log_us);
	CHECK(ps && ps->gc_pct == 5 && ps->log_handler == RT_PY_LOG_AFTER, "python defaults");
	CHECK(parse(&c, "target = rich_live\nsessions = 3\ncell_prints = 9\npy_gc_pct = 40\n"
		    "py_log_handler = before\n", err) == 0, "family knobs on any target: %s", err);
	ss = rt_session_settings(&c);
	ps = rt_config_family(&c, &rt_py_knobs);
	CHECK(ss->sessions == 3 && ss->cell_prints == 9 && ss->cells_per_session == 6,
	      "session settings %d %d %d", ss->sessions, ss->cell_prints, ss->cells_per_session);
	CHECK(ps->gc_pct == 40 && ps->log_handler == RT_PY_LOG_BEFORE, "python settings");
	CHECK(rt_config_set(&c, "sessions", "65", "--set", 0, err) == -1 &&
		      strstr(err, "--set: bad value '65' for sessions (expected an integer 1..64)"),
	      "family range: %s", err);
	static const struct {
		const char *target, *shown, *hidden;
	} cases[] = {
		{ "rich_live", NULL, NULL },
		{ "test_clean", NULL, NULL },
		{ "fd_redirect", "sessions = 3", "py_gc_pct" },
		{ "thread_local_proxy", "cell_prints = 9", "py_log_handler" },
		{ "py_rich", "py_gc_pct = 40", "sessions" },
		{ "py:some.module", "py_log_handler = before", "cell_prints" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK(rt_config_set(&c, "target", cases[i].target, "t", 1, err) == 0, "%s", err);
		struct rt_buf b = { 0 };
		rt_config_dump(&c, &b, "  ");
		json_t *j = rt_config_json(&c);
		CHECK(strstr(b.p, "  max_ops = ") && json_is_integer(json_object_get(j, "max_ops")),
		      "%s: generic knobs missing", cases[i].target);
		if (cases[i].shown)
			CHECK(strstr(b.p, cases[i].shown) != NULL, "%s: no '%s' in\n%s", cases[i].target,
			      cases[i].shown, b.p);
		const char *other[] = { "sessions", "cell_prints", "session_script", "py_gc_pct",
					"py_log_handler" };
		for (size_t k = 0; k < sizeof other / sizeof other[0]; k++) {
			char line[64];
			snprintf(line, sizeof line, "  %s = ", other[k]);
			/* shown iff other[k] is of the case's family (py_* or session) */
			int want = cases[i].shown && !strncmp(cases[i].shown, "py_", 3) ==
							     !strncmp(other[k], "py_", 3);
			CHECK(!!strstr(b.p, line) == want && !!json_object_get(j, other[k]) == want,
			      "%s: %s shown %d, expected %d", cases[i].target, other[k],
			      !!strstr(b.p, line), want);
		}
		if (cases[i].hidden)
			CHECK(!strstr(b.p, cases[i].hidden), "%s: %s shown", cases[i].target, cases[i].hidden);
		rt_buf_free(&b);
		json_decref(j);
	}
	/* the session family's own check */
	CHECK(parse(&c, "target = test_clean\nsession_script = x.script\n", err) == 0, "%s", err);
	CHECK(rt_config_validate(&c, err) == -1 &&
		      strstr(err, "session_script needs a session target") && strstr(err, "test_clean"),
	      "validate: %s", err);
	CHECK(parse(&c, "target = fd_redirect\nsession_script = x.script\n", err) == 0 &&
		      rt_config_validate(&c, err) == 0,
	      "session_script on a session target: %s", err);
	/* `knobs`: generic first, then each family under its heading */
	struct rt_buf h = { 0 };
	rt_config_help(&h);
	const char *g = strstr(h.p, "generic knobs ("), *sh = strstr(h.p, "\nsession knobs ("),
		   *py = strstr(h.p, "\npython knobs (");
	const char *k_max = strstr(h.p, "\n  max_ops "), *k_ses = strstr(h.p, "\n  sessions "),
		   *k_py = strstr(h.p, "\n  py_gc_pct ");
	CHECK(g == h.p && sh && py && k_max && k_ses && k_py && k_max < sh && sh < k_ses &&
		      k_ses < py && py < k_py,
	      "knobs not grouped by family:\n%s", h.p);
	rt_buf_free(&h);
}

static void test_scenarios(const char *dir)
{
	DIR *d = opendir(dir);
	CHECK(d != NULL, "cannot open %s", dir);
	if (!d)
		return;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".scn"))
			continue;
		char path[2048], err[RT_CONFIG_ERRLEN] = "";
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct rt_config c;
		rt_config_defaults(&c);
		int rc = rt_config_load(&c, path, dir, err);
		CHECK(rc == 0, "%s: %s", path, err);
		CHECK(rc || rt_config_validate(&c, err) == 0, "%s: %s", path, err);
		CHECK(c.description[0], "%s has no description", path);
		n++;
	}
	closedir(d);
	CHECK(n >= 4, "only %d scenarios in %s", n, dir);
}

/* Random scenario text from a vocabulary of real keys and values, syntax
 * characters and raw bytes: the parser must never crash, must answer 0 or -1,
 * and every error must be one line naming the origin. */
static void test_fuzz(long iters)
{
	static const char *const vocab[] = {
		"target", "duration_ms", "seed", "print_workers", "noise", "finalizer_action",
		"description", "=", "=", " ", "\t", "\n", "\n", "\r\n", "#", "0", "1", "-1", "100",
		"99999999999999999999999", "0x", "0xffffffffffffffff", "log", "mixed", "rich_live",
		"on", "yes", "\0", "\xff", "\x80", "bogus", "_", "--", "1e9", "@", "\"", "'",
	};
	struct rt_rng r = { 12345 };
	char *buf = rt_xmalloc(8192);
	for (long it = 0; it < iters; it++) {
		size_t len = 0, want = rt_rng_below(&r, 400);
		while (len < want) {
			if (rt_rng_below(&r, 10) == 0) {
				buf[len++] = (char)rt_rng_below(&r, 256);
			} else if (rt_rng_below(&r, 200) == 0) {
				size_t n = 1 + rt_rng_below(&r, 3000);   /* long runs */
				if (len + n > 8000)
					break;
				memset(buf + len, 'a', n);
				len += n;
			} else {
				const char *w = vocab[rt_rng_below(&r, sizeof vocab / sizeof vocab[0])];
				size_t n = w[0] ? strlen(w) : 1;   /* "\0" is one NUL byte */
				if (len + n > 8000)
					break;
				memcpy(buf + len, w, n);
				len += n;
			}
		}
		struct rt_config c;
		char err[RT_CONFIG_ERRLEN];
		memset(err, 0x55, sizeof err);
		rt_config_defaults(&c);
		int rc = rt_config_parse(&c, buf, len, "fuzz.scn", err);
		CHECK(rc == 0 || rc == -1, "iteration %ld: rc %d", it, rc);
		if (rc == -1) {
			CHECK(memchr(err, 0, sizeof err) != NULL, "iteration %ld: error not terminated", it);
			CHECK(!strncmp(err, "fuzz.scn:", 9), "iteration %ld: error '%s'", it, err);
			CHECK(!strchr(err, '\n'), "iteration %ld: multi-line error", it);
			CHECK(strstr(err, "expected") != NULL, "iteration %ld: no 'expected' in '%s'", it, err);
		}
		if (failures > 20)
			break;
	}
	free(buf);
}

int main(int argc, char **argv)
{
	rt_config_use_catalog(&rt_target_catalog);
	if (argc < 2) {
		fprintf(stderr, "usage: config_test SCENARIO_DIR [FUZZ_ITERATIONS]\n");
		return 2;
	}
	long iters = argc > 2 ? atol(argv[2]) : 20000;
	test_defaults();
	test_accepted();
	test_errors();
	test_ranges();
	test_families();
	test_scenarios(argv[1]);
	test_fuzz(iters);
	if (failures) {
		fprintf(stderr, "config_test: %d of %d checks failed\n", failures, checks);
		return 1;
	}
	printf("config_test: %d checks passed (%ld fuzz inputs)\n", checks, iters);
	return 0;
}
