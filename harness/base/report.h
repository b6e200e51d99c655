/* SPDX-License-Identifier: Apache-2.0 */
/* report.h - findings: printed at once to the saved stderr (never through
 * the redirection under test), collected, and written as JSON atomically. */
#ifndef RT_REPORT_H
#define RT_REPORT_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes, documented in README.md. */
enum rt_exit {
	RT_EXIT_SUCCESS = 0,
	RT_EXIT_FINDING = 1,      /* potential deadlock, integrity violation */
	RT_EXIT_DEADLOCK = 2,     /* threads actually wait for each other */
	RT_EXIT_HANG = 3,         /* stall without a lock cycle */
	RT_EXIT_CRASH = 4,        /* child died, or wedged past its watchdog */
	RT_EXIT_DIVERGED = 5,     /* replay left the recorded schedule */
	RT_EXIT_FAILED = 6,       /* `redirtorture py`: the program exited non-zero */
	RT_EXIT_USAGE = 64,       /* bad command line */
	RT_EXIT_BADINPUT = 65,    /* bad scenario / repro file */
	RT_EXIT_SANITIZER = 66,   /* a sanitizer reported an error */
	RT_EXIT_NOSTART = 69,     /* the target could not start */
	RT_EXIT_INTERNAL = 70,
	RT_EXIT_UNWRITTEN = 73,   /* the JSON report or repro file could not be written */
	RT_EXIT_INTERRUPTED = 130,   /* SIGINT/SIGTERM/SIGHUP: the run was stopped */
	RT_EXIT_CLOSED = 141,     /* stdout's reader went away (`| head`): the run was stopped */
};

const char *rt_verdict_name(int exit_code);   /* SUCCESS, FINDING, ... */
/* Rank for the final verdict: DEADLOCK > CRASH > HANG > FINDING > FAILED >
 * the rest > SUCCESS. */
int rt_verdict_severity(int exit_code);

struct rt_config;
/* Set once before the scenario starts. */
void rt_report_init(const struct rt_config *cfg, const char *replay_cmd, const char *json_path);
const char *rt_report_context(void);   /* "target T, scenario S, seed N" */
/* A library version the target runs (e.g. "rich", "14.2.0", "build/venvs/rich-14.2.0"),
 * named from start(): appended to the context of every finding ("target T with rich
 * 14.2.0, ..."), printed as a "library:" line and listed in the JSON report. */
void rt_report_library(const char *name, const char *version, const char *where);
const char *rt_report_replay(void);

/* Record a finding and print its text.  Returns 1 if new, 0 if its
 * signature was already reported in this run. */
int rt_report_finding(int exit_code, const char *kind, const char *title, const char *signature,
		      const char *text);
/* The same, for a finding about a cycle of lock classes (cycle[0..n-1], in
 * order, each once): kept as data, so no one parses it back out of text. */
int rt_report_finding_cycle(int exit_code, const char *kind, const char *title,
			    const char *signature, const char *text, const char *const *cycle, int n);
/* The same with the finding's structure: a JSON object (base/json.h) whose
 * members join the finding's in the report ("cycle", "threads", "chain":
 * docs/report-schema.md), built from the structs, never from text.  The
 * report takes the reference (also when the finding is a duplicate). */
struct json_t;
int rt_report_finding_data(int exit_code, const char *kind, const char *title,
			   const char *signature, const char *text, const char *const *cycle, int n,
			   struct json_t *data);
/* Add text (an explanation found later) to the end of the finding with this
 * signature, print it, and rewrite the JSON report.  0, or -1 if none. */
int rt_report_append(const char *sig, const char *text);
int rt_report_nfindings(void);
int rt_report_worst(void);             /* highest-severity exit code so far */

/* End of run: the JSON report.  stats: a JSON object (taken) or NULL. */
void rt_report_write_json(int exit_code, double elapsed_s, struct json_t *stats);
/* The command whose report this is ("run", "replay", "explore", "minimize",
 * "py"; a string that lives forever); "run" until set. */
void rt_report_set_command(const char *name);
/* Where the JSON report goes (rt_report_init), NULL if none. */
const char *rt_report_json_path(void);
/* 0 if the last JSON write succeeded (or there is no JSON report), else
 * -errno; rt_report_write_json printed one line saying so. */
int rt_report_json_error(void);
/* A repro file of this run could not be written (its writer said so). */
void rt_report_note_unwritten(void);
/* The exit code for verdict `code`: RT_EXIT_UNWRITTEN if the last JSON
 * write failed or a repro was not written. */
int rt_report_exit_code(int code);
void rt_report_reset(void);
/* Explore mode: record findings without printing them or writing JSON.
 * Returns the setting before. */
int rt_report_set_quiet(int quiet);
/* Finding i of this run (strings owned by the report; valid until reset). */
int rt_report_get(int i, int *code, const char **kind, const char **sig, const char **text);
/* Its cycle: the class names (owned by the report) and their count, 0 if none. */
int rt_report_get_cycle(int i, const char *const **cycle);
/* Its title and structure (borrowed; *data NULL if none). */
int rt_report_get_data(int i, const char **title, struct json_t **data);
/* How this program was invoked (argv[0]; "redirtorture" until set): the
 * first word of every replay command, so it runs as printed. */
void rt_report_set_program(const char *argv0);
const char *rt_report_program(void);
/* The replay command as free text, not a command line ("replay_argv": null). */
void rt_report_set_replay(const char *replay_cmd);
/* The replay command as an argument list (NULL-terminated, copied): the
 * report's "replay_argv", and shell-quoted its "replay" line. */
void rt_report_set_replay_argv(const char *const *argv);
/* A copy of the replay argument list (NULL if it is free text); free it with
 * rt_report_argv_free. */
char **rt_report_replay_argv(void);
char **rt_report_argv_dup(const char *const *argv);
void rt_report_argv_free(char **argv);
void rt_report_print(const char *text);   /* to the saved stderr, serialized */

/* Signature: "KIND:" + 16 hex digits of the hash of kind and canon + " " +
 * canon, e.g. "LOCKORDER:d8b13795fa77fa06 A -> B -> A". */
void rt_signature(char *out, size_t n, const char *kind, const char *canon);

#endif
