/* SPDX-License-Identifier: Apache-2.0 */
/* report.c - findings: printed at once through the saved stderr (never the
 * redirection under test), kept in memory, and written to the JSON report
 * atomically after every finding, so nothing is lost if the process dies. */
#include "base/report.h"

#include "base/config.h"
#include "base/json.h"
#include "base/util.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct finding {
	int code;
	char *kind, *title, *sig, *text;
	char **cycle;          /* lock classes of a cycle finding, owned */
	int ncycle;
	json_t *data;          /* its structure (threads, cycle, chain), owned, or NULL */
	json_t *argv;          /* the replay command when it was found, or null */
};

static pthread_mutex_t rep_mu = PTHREAD_MUTEX_INITIALIZER;
static struct finding *findings;
static int nfindings, capfindings;
static int worst;
static char context[512];
static char *replay;
static char **replay_argv;   /* NULL-terminated, owned; NULL: no command (free text) */
static const char *command = "run";   /* the command whose report this is */
static char *json_path;
static const struct rt_config *cfg;
static int quiet;      /* explore: keep findings, print nothing, no JSON */
static int json_err;   /* -errno of the last JSON write, 0 if it worked */
static int json_early; /* a write after a finding worked in this run */
static int other_unwritten;   /* a repro of this run could not be written */
/* Library versions the target runs (rt_report_library), from start() on. */
#define MAX_LIBS 32   /* a pytest run imports a dozen */
static struct { char *name, *version, *where; } libs[MAX_LIBS];
static int nlibs;

static void set_replay_locked(const char *replay_cmd, const char *const *argv);

static void set_context_locked(void)
{
	/* the first few by name (a pytest run imports a dozen); all in the JSON */
	char with[256] = "";
	size_t used = 0;
	int shown = nlibs < 4 ? nlibs : 3;
	for (int i = 0; i < shown && used < sizeof with; i++)
		used += (size_t)snprintf(with + used, sizeof with - used, "%s%s %s",
					 i ? ", " : " with ", libs[i].name, libs[i].version);
	if (shown < nlibs && used < sizeof with)
		snprintf(with + used, sizeof with - used, " and %d more librar%s", nlibs - shown,
			 nlibs - shown == 1 ? "y" : "ies");
	snprintf(context, sizeof context, "target %s%s, scenario %s, seed %" PRIu64, cfg->target,
		 with, cfg->scenario, cfg->seed);
}

const char *rt_verdict_name(int code)
{
	switch (code) {
	case RT_EXIT_SUCCESS: return "SUCCESS";
	case RT_EXIT_FINDING: return "FINDING";
	case RT_EXIT_DEADLOCK: return "DEADLOCK";
	case RT_EXIT_HANG: return "HANG";
	case RT_EXIT_CRASH: return "CRASH";
	case RT_EXIT_DIVERGED: return "DIVERGED";
	case RT_EXIT_FAILED: return "FAILED";
	case RT_EXIT_SANITIZER: return "SANITIZER";
	case RT_EXIT_NOSTART: return "NOSTART";
	case RT_EXIT_UNWRITTEN: return "UNWRITTEN";
	case RT_EXIT_INTERRUPTED: return "INTERRUPTED";
	case RT_EXIT_CLOSED: return "CLOSED";
	default: return "ERROR";
	}
}

/* Severity order for the final verdict: a real deadlock outranks a hang,
 * which outranks a potential deadlock, which outranks a program that merely
 * failed (its failure may be the finding's consequence). */
int rt_verdict_severity(int code)
{
	switch (code) {
	case RT_EXIT_DEADLOCK: return 6;
	case RT_EXIT_CRASH: return 5;
	case RT_EXIT_HANG: return 4;
	case RT_EXIT_FINDING: return 3;
	case RT_EXIT_FAILED: return 2;
	case RT_EXIT_SUCCESS: return 0;
	default: return 1;
	}
}

void rt_report_init(const struct rt_config *c, const char *replay_cmd, const char *path)
{
	pthread_mutex_lock(&rep_mu);
	cfg = c;
	for (int i = 0; i < nlibs; i++) {
		free(libs[i].name);
		free(libs[i].version);
		free(libs[i].where);
	}
	nlibs = 0;
	set_context_locked();
	set_replay_locked(replay_cmd, NULL);
	free(json_path);
	json_path = path && path[0] ? rt_xstrdup(path) : NULL;
	json_err = json_early = 0;
	pthread_mutex_unlock(&rep_mu);
}

const char *rt_report_context(void) { return context; }

void rt_report_library(const char *name, const char *version, const char *where)
{
	pthread_mutex_lock(&rep_mu);
	int known = 0;   /* a target started again (controlled executions) */
	for (int i = 0; i < nlibs; i++)
		known |= !strcmp(libs[i].name, name) && !strcmp(libs[i].version, version) &&
			 !strcmp(libs[i].where, where);
	if (nlibs < MAX_LIBS && cfg && !known) {
		libs[nlibs].name = rt_xstrdup(name);
		libs[nlibs].version = rt_xstrdup(version);
		libs[nlibs].where = rt_xstrdup(where);
		nlibs++;
		set_context_locked();
		rt_fdprintf(rt_out_fd(), "library: %s %s (%s)\n", name, version, where);
	}
	pthread_mutex_unlock(&rep_mu);
}
const char *rt_report_replay(void) { return replay ? replay : ""; }

void rt_signature(char *out, size_t n, const char *kind, const char *canon)
{
	uint64_t h = rt_fnv1a(kind, strlen(kind), RT_FNV_INIT);
	h = rt_fnv1a(canon, strlen(canon), h);
	snprintf(out, n, "%s:%016" PRIx64 " %s", kind, h, canon);
}

static json_t *argv_json_locked(void)
{
	if (!replay_argv)
		return json_null();
	json_t *a = rt_json_arr();
	for (char **p = replay_argv; *p; p++)
		rt_json_push_str(a, *p);
	return a;
}

static json_t *finding_json(const struct finding *f)
{
	json_t *o = rt_json_obj();
	rt_json_set_str(o, "verdict", rt_verdict_name(f->code));
	rt_json_set_str(o, "kind", f->kind);
	rt_json_set_str(o, "title", f->title);
	rt_json_set_str(o, "signature", f->sig);
	rt_json_set(o, "replay_argv", json_incref(f->argv));
	if (f->data && json_object_update(o, f->data))
		rt_die("out of memory building a JSON document");
	rt_json_set_str(o, "text", f->text);
	return o;
}

/* The whole report; stats (taken) or NULL. */
static json_t *json_locked(int code, double elapsed, json_t *stats)
{
	json_t *d = rt_json_obj();
	rt_json_set_str(d, "schema", "redirtorture-report/1");
	rt_json_set_str(d, "command", command);
	rt_json_set_str(d, "verdict", rt_verdict_name(code));
	rt_json_set_int(d, "exit_code", code);
	rt_json_set(d, "elapsed_s", rt_json_secs(elapsed));
	rt_json_set_str(d, "replay", replay);
	rt_json_set(d, "replay_argv", argv_json_locked());
	rt_json_set(d, "config", cfg ? rt_config_json(cfg) : json_null());
	json_t *libraries = rt_json_arr();
	for (int i = 0; i < nlibs; i++) {
		json_t *l = rt_json_obj();
		rt_json_set_str(l, "name", libs[i].name);
		rt_json_set_str(l, "version", libs[i].version);
		rt_json_set_str(l, "where", libs[i].where);
		rt_json_push(libraries, l);
	}
	rt_json_set(d, "libraries", libraries);
	rt_json_set(d, "stats", stats ? stats : json_null());
	json_t *fs = rt_json_arr();
	for (int i = 0; i < nfindings; i++)
		rt_json_push(fs, finding_json(&findings[i]));
	rt_json_set(d, "findings", fs);
	return d;
}

/* final: the end-of-run write, which says so when it fails; a failed write
 * after a finding is retried by the next one (and by the final write). */
static void write_json_locked(int code, double elapsed, json_t *stats, int final)
{
	if (!json_path) {
		json_decref(stats);
		return;
	}
	json_t *doc = json_locked(code, elapsed, stats);
	json_err = rt_json_write_atomic(json_path, doc, 2);
	json_decref(doc);
	json_early |= !json_err && !final;
	if (json_err && final)
		rt_fdprintf(rt_err_fd(), "redirtorture: report %s not written: %s; %s, the verdict %s "
			    "is only in this output (exit %d)\n", json_path, strerror(-json_err),
			    json_early ? "the file there is this run's report as of an earlier finding"
				       : "an older file there is unchanged",
			    rt_verdict_name(code), RT_EXIT_UNWRITTEN);
}

int rt_report_finding(int code, const char *kind, const char *title, const char *sig,
		      const char *text)
{
	return rt_report_finding_data(code, kind, title, sig, text, NULL, 0, NULL);
}

int rt_report_finding_cycle(int code, const char *kind, const char *title, const char *sig,
			    const char *text, const char *const *cycle, int n)
{
	return rt_report_finding_data(code, kind, title, sig, text, cycle, n, NULL);
}

int rt_report_finding_data(int code, const char *kind, const char *title, const char *sig,
			   const char *text, const char *const *cycle, int n, json_t *data)
{
	pthread_mutex_lock(&rep_mu);
	for (int i = 0; i < nfindings; i++)
		if (!strcmp(findings[i].sig, sig)) {
			pthread_mutex_unlock(&rep_mu);
			json_decref(data);
			return 0;
		}
	if (nfindings == capfindings) {
		capfindings = capfindings ? capfindings * 2 : 8;
		findings = rt_xrealloc(findings, (size_t)capfindings * sizeof *findings);
	}
	struct finding *f = &findings[nfindings++];
	*f = (struct finding){ code, rt_xstrdup(kind), rt_xstrdup(title), rt_xstrdup(sig),
			       rt_xstrdup(text), NULL, n, data, argv_json_locked() };
	if (n) {
		f->cycle = rt_xcalloc((size_t)n, sizeof *f->cycle);
		for (int i = 0; i < n; i++)
			f->cycle[i] = rt_xstrdup(cycle[i]);
	}
	if (rt_verdict_severity(code) > rt_verdict_severity(worst))
		worst = code;
	if (!quiet) {
		rt_write_all(rt_err_fd(), text, strlen(text));
		write_json_locked(worst, 0, NULL, 0);
	}
	pthread_mutex_unlock(&rep_mu);
	return 1;
}

int rt_report_append(const char *sig, const char *text)
{
	int found = -1;
	pthread_mutex_lock(&rep_mu);
	for (int i = 0; i < nfindings && found < 0; i++)
		if (!strcmp(findings[i].sig, sig)) {
			struct rt_buf b = { 0 };
			rt_buf_printf(&b, "%s%s", findings[i].text, text);
			free(findings[i].text);
			findings[i].text = b.p;
			found = 0;
		}
	if (!found && !quiet) {
		rt_write_all(rt_err_fd(), text, strlen(text));
		write_json_locked(worst, 0, NULL, 0);
	}
	pthread_mutex_unlock(&rep_mu);
	return found;
}

int rt_report_nfindings(void)
{
	pthread_mutex_lock(&rep_mu);
	int n = nfindings;
	pthread_mutex_unlock(&rep_mu);
	return n;
}

int rt_report_worst(void)
{
	pthread_mutex_lock(&rep_mu);
	int w = worst;
	pthread_mutex_unlock(&rep_mu);
	return w;
}

void rt_report_write_json(int code, double elapsed, json_t *stats)
{
	pthread_mutex_lock(&rep_mu);
	write_json_locked(code, elapsed, stats, 1);
	pthread_mutex_unlock(&rep_mu);
}

int rt_report_json_error(void)
{
	pthread_mutex_lock(&rep_mu);
	int e = json_path ? json_err : 0;
	pthread_mutex_unlock(&rep_mu);
	return e;
}

void rt_report_note_unwritten(void)
{
	pthread_mutex_lock(&rep_mu);
	other_unwritten = 1;
	pthread_mutex_unlock(&rep_mu);
}

int rt_report_exit_code(int code)
{
	pthread_mutex_lock(&rep_mu);
	int bad = other_unwritten || (json_path && json_err);
	pthread_mutex_unlock(&rep_mu);
	return bad ? RT_EXIT_UNWRITTEN : code;
}

void rt_report_reset(void)
{
	pthread_mutex_lock(&rep_mu);
	for (int i = 0; i < nfindings; i++) {
		free(findings[i].kind);
		free(findings[i].title);
		free(findings[i].sig);
		free(findings[i].text);
		for (int j = 0; j < findings[i].ncycle; j++)
			free(findings[i].cycle[j]);
		free(findings[i].cycle);
		json_decref(findings[i].data);
		json_decref(findings[i].argv);
	}
	free(findings);
	findings = NULL;
	nfindings = capfindings = 0;
	worst = 0;
	pthread_mutex_unlock(&rep_mu);
}

int rt_report_set_quiet(int q)
{
	pthread_mutex_lock(&rep_mu);
	int was = quiet;
	quiet = q;
	pthread_mutex_unlock(&rep_mu);
	return was;
}

int rt_report_get(int i, int *code, const char **kind, const char **sig, const char **text)
{
	pthread_mutex_lock(&rep_mu);
	int ok = i >= 0 && i < nfindings;
	if (ok) {
		*code = findings[i].code;
		*kind = findings[i].kind;
		*sig = findings[i].sig;
		*text = findings[i].text;
	}
	pthread_mutex_unlock(&rep_mu);
	return ok ? 0 : -1;
}

int rt_report_get_cycle(int i, const char *const **cycle)
{
	pthread_mutex_lock(&rep_mu);
	int n = i >= 0 && i < nfindings ? findings[i].ncycle : 0;
	*cycle = n ? (const char *const *)findings[i].cycle : NULL;
	pthread_mutex_unlock(&rep_mu);
	return n;
}

static void free_argv(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

char **rt_report_argv_dup(const char *const *argv)
{
	if (!argv)
		return NULL;
	int n = 0;
	while (argv[n])
		n++;
	char **v = rt_xcalloc((size_t)n + 1, sizeof *v);
	for (int i = 0; i < n; i++)
		v[i] = rt_xstrdup(argv[i]);
	return v;
}

void rt_report_argv_free(char **argv) { free_argv(argv); }

static const char *program = "redirtorture";

void rt_report_set_program(const char *argv0)
{
	if (argv0 && argv0[0])
		program = argv0;
}

const char *rt_report_program(void) { return program; }

/* replay_cmd: the text form; argv (copied) the command, NULL if none */
static void set_replay_locked(const char *replay_cmd, const char *const *argv)
{
	free(replay);
	replay = rt_xstrdup(replay_cmd ? replay_cmd : "");
	free_argv(replay_argv);
	replay_argv = rt_report_argv_dup(argv);
}

void rt_report_set_replay(const char *replay_cmd)
{
	pthread_mutex_lock(&rep_mu);
	set_replay_locked(replay_cmd, NULL);
	pthread_mutex_unlock(&rep_mu);
}

void rt_report_set_replay_argv(const char *const *argv)
{
	struct rt_buf b = { 0 };
	for (int i = 0; argv[i]; i++) {
		if (i)
			rt_buf_lit(&b, " ");
		rt_buf_shell_quote(&b, argv[i]);
	}
	pthread_mutex_lock(&rep_mu);
	set_replay_locked(b.p, argv);
	pthread_mutex_unlock(&rep_mu);
	rt_buf_free(&b);
}

char **rt_report_replay_argv(void)
{
	pthread_mutex_lock(&rep_mu);
	char **v = rt_report_argv_dup((const char *const *)replay_argv);
	pthread_mutex_unlock(&rep_mu);
	return v;
}

void rt_report_set_command(const char *name)
{
	pthread_mutex_lock(&rep_mu);
	command = name;
	pthread_mutex_unlock(&rep_mu);
}

const char *rt_report_json_path(void)
{
	pthread_mutex_lock(&rep_mu);
	const char *p = json_path;
	pthread_mutex_unlock(&rep_mu);
	return p;
}

int rt_report_get_data(int i, const char **title, json_t **data)
{
	pthread_mutex_lock(&rep_mu);
	int ok = i >= 0 && i < nfindings;
	if (ok) {
		*title = findings[i].title;
		*data = findings[i].data;
	}
	pthread_mutex_unlock(&rep_mu);
	return ok ? 0 : -1;
}

void rt_report_print(const char *text)
{
	pthread_mutex_lock(&rep_mu);
	rt_write_all(rt_err_fd(), text, strlen(text));
	pthread_mutex_unlock(&rep_mu);
}
