/* SPDX-License-Identifier: Apache-2.0 */
/* signature_test.c - signature texts name code by lock class and function
 * only (base/signature.h): the same wait at another line has the same key,
 * another function or class has another; Python class names lose the line
 * of their creation site; a reason loses its numbers; and the hash of the
 * canonical text is what rt_signature prints. */
#include "base/report.h"
#include "base/signature.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed;

static void expect(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want)) {
		fprintf(stderr, "FAIL %s: got '%s', expected '%s'\n", what, got, want);
		failed = 1;
	}
}

static char *key(const char *cls, const char *file, int line, const char *func)
{
	(void)file;   /* a site is file, line, function: only the function counts */
	(void)line;
	struct rt_buf b = { 0 };
	rt_sig_key(&b, cls, func);
	return b.p;
}

static char *name(const char *n)
{
	struct rt_buf b = { 0 };
	rt_sig_name(&b, n);
	return b.p;
}

static char *text(const char *t)
{
	struct rt_buf b = { 0 };
	rt_sig_text(&b, t);
	return b.p ? b.p : rt_xstrdup("");
}

/* A deadlock canon of two waits, as hangreport.c builds it. */
static void canon2(char *out, size_t n, int line_a, int line_b)
{
	char *a = key("Busted.A", "busted.c", line_a, "busted_write");
	char *b = key("Busted.B", "busted.c", line_b, "busted_write");
	char sig[512], canon[256];
	snprintf(canon, sizeof canon, "%s | %s", a, b);
	rt_signature(sig, sizeof sig, "DEADLOCK", canon);
	snprintf(out, n, "%s", sig);
	free(a);
	free(b);
}

int main(void)
{
	char s1[512], s2[512];
	canon2(s1, sizeof s1, 29, 29);
	canon2(s2, sizeof s2, 41, 35);   /* lines inserted above both lock sites */
	expect("same bug, moved lines", s2, s1);
	expect("deadlock canon", s1, "DEADLOCK:0c4d8b36a0e44e5b Busted.A@busted_write | Busted.B@busted_write");

	char *k1 = key("Console._lock", "rich_live.c", 65, "render_live");
	char *k2 = key("Console._lock", "rich_live.c", 87, "console_print");
	if (!strcmp(k1, k2)) {
		fprintf(stderr, "FAIL: waits in different functions share a key '%s'\n", k1);
		failed = 1;
	}
	expect("key", k1, "Console._lock@render_live");
	free(k1);
	free(k2);

	char *n = name("rich/console.py:731 Console._lock");
	expect("python class", n, "rich/console.py Console._lock");
	free(n);
	n = name("rich/console.py:745 Console._lock");
	expect("python class, moved", n, "rich/console.py Console._lock");
	free(n);
	n = name("logging.Handler.lock");
	expect("plain class", n, "logging.Handler.lock");
	free(n);
	n = name("queue.py:35");
	expect("site at the end", n, "queue.py");
	free(n);
	n = name("a: 12 b:x c:12x");   /* only ':LINE' after a name and before a space or the end */
	expect("other colons", n, "a: 12 b:x c:12x");
	free(n);
	n = name(NULL);
	expect("no name", n, "?");
	free(n);

	char *t = text("checking sessions for 1.14 s (stall timeout 1000 ms)");
	expect("reason", t, "checking sessions for s (stall timeout ms)");
	free(t);
	char *t2 = text("checking sessions for 2.90 s (stall timeout 1000 ms)");
	char *t3 = text("checking sessions for 1.14 s (stall timeout 1000 ms)");
	expect("reason, other times", t2, t3);
	free(t2);
	free(t3);

	if (!failed)
		printf("signature_test: keys are class@function; names and reasons lose lines and numbers\n");
	return failed;
}
