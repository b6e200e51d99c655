/* SPDX-License-Identifier: Apache-2.0 */
/* trace_test.c - the trace exporters on a synthetic ABBA deadlock: both
 * threads end up waiting for the lock the other holds.  Checks that the
 * Chrome JSON parses and has the expected tracks and spans, and that the SVG
 * is well-formed XML with the deadlock marker and thread names. */
#include "sched/trace.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                                    \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "trace_test: FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                       \
			fputc('\n', stderr);                                \
			failures++;                                         \
		}                                                           \
	} while (0)

static char *slurp(const char *path)
{
	struct rt_buf b = { 0 };
	char err[512];
	if (rt_read_input(path, "trace", "a trace file", 64u << 20, &b, err, sizeof err))
		return NULL;
	rt_buf_add(&b, "", 0);   /* an empty file: "" rather than NULL */
	return b.p;
}

static int have_python(void) { return access("/usr/bin/python3", X_OK) == 0; }

/* Exact spans expected in the JSON (ts = step, tid = thread index + 1). */
static const char *const json_check =
	"import json, sys\n"
	"d = json.load(open(sys.argv[1]))\n"
	"ev = d['traceEvents']\n"
	"assert d['displayTimeUnit'] == 'ms' and d['otherData']['title'] == 'abba <test>'\n"
	"names = {e['tid']: e['args']['name'] for e in ev if e['ph'] == 'M' and e['name'] == 'thread_name'}\n"
	"assert names == {1: 'writer', 2: 'refresh<&\"\\'>'}, names\n"
	"assert any(e['ph'] == 'M' and e['name'] == 'process_name' for e in ev)\n"
	"X = sorted((e['tid'], e['name'], e['ts'], e['dur'], e['cat']) for e in ev if e['ph'] == 'X')\n"
	"want = sorted([(1, 'hold A', 1, 6, 'lock'), (1, 'hold A', 2, 1, 'lock'),\n"
	"  (1, 'wait B', 5, 2, 'wait'), (2, 'hold C', 3, 1, 'lock'),\n"
	"  (2, 'hold B', 4, 3, 'lock'), (2, 'wait A', 6, 1, 'wait')])\n"
	"assert X == want, X\n"
	"for e in ev:\n"
	"  if e['ph'] != 'X': continue\n"
	"  cyc = e['name'].split()[1] in ('A', 'B')\n"
	"  assert e.get('args', {}).get('cycle', False) == cyc, e\n"
	"  assert ('cname' in e) == cyc, e\n"
	"  if cyc: assert e['cname'] == ('bad' if e['cat'] == 'lock' else 'terrible'), e\n"
	"dl = [e for e in ev if e['name'] == 'DEADLOCK']\n"
	"assert len(dl) == 1 and dl[0]['ph'] == 'i' and dl[0]['s'] == 'g' and dl[0]['ts'] == 6, dl\n"
	"assert any(e['ph'] == 'i' and e['name'] == 'sleep' and e['tid'] == 2 for e in ev)\n";

static const char *const svg_check =
	"import sys, xml.dom.minidom as m\n"
	"d = m.parse(sys.argv[1])\n"
	"assert d.documentElement.tagName == 'svg'\n"
	"t = ' '.join(n.firstChild.data for n in d.getElementsByTagName('text') if n.firstChild)\n"
	"assert 'DEADLOCK' in t and 'writer' in t and 'refresh<&\"\\'>' in t, t\n";

static int run_py(const char *dir, const char *name, const char *script, const char *file)
{
	char sp[512], cmd[1200];
	snprintf(sp, sizeof sp, "%s/%s", dir, name);
	if (rt_write_file_atomic(sp, script, strlen(script)) != 0)
		return -1;
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s'", sp, file);
	int rc = system(cmd);
	unlink(sp);
	return rc;
}

int main(void)
{
	/* t0 takes A twice (recursive; the inner hold is released), t1 takes and
	 * drops C, sleeps, takes B; then t0 waits B, t1 waits A: deadlock. */
	struct rt_trace_ev tr[] = {
		{ 1, 0, RT_TEV_ACQUIRED, "A" }, { 2, 0, RT_TEV_ACQUIRED, "A" },
		{ 3, 0, RT_TEV_RELEASED, "A" }, { 3, 1, RT_TEV_ACQUIRED, "C" },
		{ 4, 1, RT_TEV_RELEASED, "C" }, { 4, 1, RT_TEV_SLEEP, NULL },
		{ 4, 1, RT_TEV_ACQUIRED, "B" }, { 5, 0, RT_TEV_WAIT, "B" },
		{ 6, 1, RT_TEV_WAIT, "A" },     { 6, -1, RT_TEV_DEADLOCK, NULL },
	};
	char names[2][32] = { "writer", "refresh<&\"'>" };
	struct rt_ctl_result r;
	memset(&r, 0, sizeof r);
	r.deadlock = 1;
	r.steps = 6;
	r.trace = tr;
	r.ntrace = sizeof tr / sizeof tr[0];
	r.nthreads = 2;
	r.thread_names = names;
	const char *cyc[] = { "A", "B" };

	char dir[] = "/tmp/trace_test.XXXXXX";
	if (!mkdtemp(dir)) {
		perror("trace_test: mkdtemp");
		return 1;
	}
	char jp[256], sp[256];
	snprintf(jp, sizeof jp, "%s/out.json", dir);
	snprintf(sp, sizeof sp, "%s/out.svg", dir);

	int rc = rt_trace_write_chrome(jp, &r, "abba <test>", cyc, 2);
	CHECK(rc == 0, "rt_trace_write_chrome: %d", rc);
	rc = rt_trace_write_svg(sp, &r, "abba <test>", cyc, 2);
	CHECK(rc == 0, "rt_trace_write_svg: %d", rc);
	rc = rt_trace_write_chrome("/nonexistent-dir/x.json", &r, NULL, NULL, 0);
	CHECK(rc == -ENOENT, "write into a missing directory: want -ENOENT, got %d", rc);

	char *js = slurp(jp), *svg = slurp(sp);
	CHECK(js && svg, "output files missing");
	if (js && svg) {
		CHECK(js[0] == '{' && strstr(js, "\"traceEvents\""), "JSON shape");
		CHECK(strstr(js, "\"writer\""), "JSON: thread name writer");
		CHECK(strstr(js, "\"refresh<&\\\"'>\""), "JSON: escaped thread name");
		CHECK(strstr(js, "\"wait B\""), "JSON: wait B span");
		CHECK(strstr(js, "\"DEADLOCK\""), "JSON: DEADLOCK instant");
		CHECK(strstr(js, "\"cycle\":true"), "JSON: cycle marking");
		CHECK(strstr(js, "\"cname\":\"terrible\"") && strstr(js, "\"cname\":\"bad\""),
		      "JSON: cycle colours");
		CHECK(strncmp(svg, "<svg", 4) == 0, "SVG must start with <svg");
		CHECK(strstr(svg, "</svg>"), "SVG end tag");
		CHECK(strstr(svg, "DEADLOCK"), "SVG: DEADLOCK marker");
		CHECK(strstr(svg, ">writer<"), "SVG: thread name writer");
		CHECK(strstr(svg, "refresh&lt;&amp;&quot;&apos;&gt;"), "SVG: escaped thread name");
		CHECK(strstr(svg, "abba &lt;test&gt;"), "SVG: escaped title");
		CHECK(strstr(svg, "stroke-dasharray"), "SVG: dashed wait spans");
		CHECK(!strstr(svg, "href"), "SVG: no external resources");
	}
	if (have_python()) {
		CHECK(run_py(dir, "cj.py", json_check, jp) == 0, "JSON structure check (python3) failed");
		CHECK(run_py(dir, "cs.py", svg_check, sp) == 0, "SVG XML check (python3) failed");
	} else {
		fprintf(stderr, "trace_test: no /usr/bin/python3, parser checks skipped\n");
	}
	free(js);
	free(svg);
	if (failures == 0) {
		unlink(jp);
		unlink(sp);
		rmdir(dir);
		printf("trace_test: ok\n");
		return 0;
	}
	fprintf(stderr, "trace_test: %d failure(s); files kept in %s\n", failures, dir);
	return 1;
}
