/* SPDX-License-Identifier: Apache-2.0 */
/* session_script.c - session scripts: a fixed interleaving of session
 * operations, one "ACTOR op [stream]" per line, run strictly in file order
 * (each actor is a thread; it waits for its turn).  Actors name sessions
 * (ids 0, 1, ... in order of first appearance); "server" may only log.
 *
 *   # the non-LIFO case of marimo #8306
 *   A start
 *   B start
 *   A enter
 *   B enter
 *   A exit
 *   B exit
 *   C start
 *
 * ops: start, stop, enter, exit, print [stdout|stderr], cwrite
 * [stdout|stderr], capture_begin, capture_end, log.  After the last line
 * every actor, in order of appearance, ends its capture, exits its cell and
 * stops its session if it still has them. */
#include "session/session_script.h"

#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const op_names[] = {
	[SC_START] = "start", [SC_STOP] = "stop", [SC_ENTER] = "enter", [SC_EXIT] = "exit",
	[SC_PRINT] = "print", [SC_CWRITE] = "cwrite", [SC_CAP_BEGIN] = "capture_begin",
	[SC_CAP_END] = "capture_end", [SC_LOG] = "log",
};
#define OPS_EXPECTED "start, stop, enter, exit, print, cwrite, capture_begin, capture_end, log"

static int actor_index(struct sc_script *s, const char *name)
{
	for (int i = 0; i < s->nactors; i++)
		if (!strcmp(s->actors[i], name))
			return i;
	if (s->nactors > RT_MAX_SESSIONS)
		return -1;
	snprintf(s->actors[s->nactors], sizeof s->actors[0], "%s", name);
	if (!strcmp(name, "server"))
		s->server_actor = s->nactors;
	return s->nactors++;
}

static void add_step(struct sc_script *s, struct sc_step st)
{
	s->steps = rt_xrealloc(s->steps, (size_t)(s->nsteps + 1) * sizeof *s->steps);
	s->steps[s->nsteps++] = st;
}

static int parse_line(struct sc_script *s, char *line, int lineno, const char *path, char *err,
		      size_t n)
{
	char *tok[4] = { 0 };
	int nt = 0;
	for (char *save = NULL, *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		if (nt == 4) {
			snprintf(err, n, "%s:%d: too many words (expected ACTOR op [stdout|stderr])", path,
				 lineno);
			return -1;
		}
		tok[nt++] = t;
	}
	if (nt < 2) {
		snprintf(err, n, "%s:%d: '%.40s' is not an operation (expected ACTOR op)", path, lineno,
			 tok[0]);
		return -1;
	}
	size_t al = strlen(tok[0]);
	int ok = al > 0 && al < sizeof s->actors[0];
	for (size_t i = 0; ok && i < al; i++)
		ok = isalnum((unsigned char)tok[0][i]) || tok[0][i] == '_';
	if (!ok) {
		snprintf(err, n, "%s:%d: bad actor '%.40s' (expected 1-11 letters, digits or _)", path,
			 lineno, tok[0]);
		return -1;
	}
	int op = -1;
	for (int i = 0; i < SC_END; i++)
		if (!strcmp(tok[1], op_names[i]))
			op = i;
	if (op < 0) {
		snprintf(err, n, "%s:%d: unknown op '%.40s' (expected one of: %s)", path, lineno, tok[1],
			 OPS_EXPECTED);
		return -1;
	}
	int stream = RT_STDOUT;
	if (nt == 3) {
		if (op != SC_PRINT && op != SC_CWRITE) {
			snprintf(err, n, "%s:%d: '%s' takes no argument (expected ACTOR %s)", path, lineno,
				 tok[1], tok[1]);
			return -1;
		}
		if (!strcmp(tok[2], "stderr"))
			stream = RT_STDERR;
		else if (strcmp(tok[2], "stdout")) {
			snprintf(err, n, "%s:%d: bad stream '%.40s' (expected stdout or stderr)", path,
				 lineno, tok[2]);
			return -1;
		}
	}
	if (nt == 4) {
		snprintf(err, n, "%s:%d: too many words (expected ACTOR op [stdout|stderr])", path, lineno);
		return -1;
	}
	if (!strcmp(tok[0], "server") && op != SC_LOG) {
		snprintf(err, n, "%s:%d: the server only logs (expected 'server log')", path, lineno);
		return -1;
	}
	int a = actor_index(s, tok[0]);
	if (a < 0) {
		snprintf(err, n, "%s:%d: too many actors (expected at most %d sessions)", path, lineno,
			 RT_MAX_SESSIONS);
		return -1;
	}
	add_step(s, (struct sc_step){ a, op, stream, lineno });
	return 0;
}

int sc_load(const char *path, struct sc_script *s, char *err, size_t n)
{
	memset(s, 0, sizeof *s);
	s->server_actor = -1;
	struct rt_buf text = { 0 };
	if (rt_read_input(path, "session script", "a file of 'ACTOR op' lines", 1u << 20, &text, err,
			  n))
		return -1;
	FILE *f = fmemopen(text.p ? text.p : (char *)"", text.len, "r");
	if (!f) {
		snprintf(err, n, "%s: cannot read session script: %s (expected a file of 'ACTOR op' "
			 "lines)", path, strerror(errno));
		rt_buf_free(&text);
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t l;
	int lineno = 0, rc = 0;
	while (!rc && (l = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (memchr(line, 0, (size_t)l)) {
			snprintf(err, n, "%s:%d: NUL byte in line (expected text)", path, lineno);
			rc = -1;
			break;
		}
		if (l > 1024) {
			snprintf(err, n, "%s:%d: line too long (expected at most 1024 bytes)", path, lineno);
			rc = -1;
			break;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		p[strcspn(p, "\r\n")] = 0;
		if (!*p)
			continue;
		rc = parse_line(s, p, lineno, path, err, n);
	}
	free(line);
	fclose(f);
	rt_buf_free(&text);
	if (!rc && !s->nsteps) {
		snprintf(err, n, "%s: empty session script (expected 'ACTOR op' lines)", path);
		rc = -1;
	}
	if (rc) {
		sc_free(s);
		return -1;
	}
	for (int a = 0; a < s->nactors; a++)
		add_step(s, (struct sc_step){ a, SC_END, RT_STDOUT, 0 });
	return 0;
}

void sc_free(struct sc_script *s)
{
	free(s->steps);
	s->steps = NULL;
	s->nsteps = 0;
}
