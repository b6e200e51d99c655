/* SPDX-License-Identifier: Apache-2.0 */
/* config.h - scenario knobs: one declaration each (type, range, default,
 * help), scenario files of key=value lines over those defaults.  The generic
 * knobs, which any target may use, are fields of struct rt_config; a family
 * of targets (sessions, embedded Python) declares its own knobs in its own
 * file as a struct rt_knob_family, registered through the target catalog,
 * and keeps their values in its settings block (rt_config_family). */
#ifndef RT_CONFIG_H
#define RT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

enum rt_fin_action { RT_FIN_LOG, RT_FIN_PRINT, RT_FIN_MIXED };

/* Input errors: one line in err, "FILE:LINE: what (expected ...)", or
 * "FILE: what (expected ...)" for an error about the whole file.  The line
 * is never cut: echoed values are abbreviated (at most 60 bytes, or "..."),
 * origins are paths (at most PATH_MAX), and the buffer holds both.  It may
 * echo control bytes from the input: print it with rt_input_error, which
 * escapes them.  rt_input_error_form_ok checks all of this (fuzzers, tests). */
#define RT_CONFIG_ERRLEN 8192
int rt_input_error_form_ok(const char *err, const char *origin);

enum rt_knob_type { RT_KNOB_INT, RT_KNOB_I64, RT_KNOB_U64, RT_KNOB_BOOL, RT_KNOB_STR, RT_KNOB_ENUM };

/* One knob.  INT, BOOL and ENUM values are int, I64 int64_t, U64 uint64_t,
 * STR a char array of size bytes. */
struct rt_knob {
	const char *name;
	enum rt_knob_type type;
	size_t off, size;       /* its field: in struct rt_config, or in its family's settings */
	int64_t min, max;       /* integers */
	const char *def;        /* default, as text */
	const char *choices;    /* ENUM: "log|print|mixed" */
	const char *help;
};
/* off, size of a field: RT_KNOB_FIELD(struct rt_session_settings, sessions) */
#define RT_KNOB_FIELD(type, field) offsetof(type, field), sizeof(((type *)0)->field)

/* The knobs of a family of targets, declared in the family's own file.  The
 * values live in the family's settings struct (size bytes, at most
 * RT_KNOB_BLOCK), one block of every struct rt_config. */
struct rt_knob_family {
	const char *name;           /* "session" */
	const char *applies;        /* for `knobs`: which targets read them */
	const struct rt_knob *knobs;
	size_t nknobs;
	size_t size;                /* sizeof its settings struct */
	/* Optional cross-knob check once everything is applied; applies = 1
	 * if the configured target belongs to the family.  0 or -1 (err set;
	 * where names the file or "configuration"). */
	int (*validate)(const void *settings, const char *target, int applies, const char *where,
			char err[RT_CONFIG_ERRLEN]);
};
#define RT_KNOB_FAMILIES 4
#define RT_KNOB_BLOCK 1024

struct rt_config {
	/* identity */
	char scenario[64];          /* scenario name (file stem) */
	char scenario_path[1024];   /* file it came from, "" for built-in defaults */
	char description[256];
	char target[64];
	uint64_t seed;
	/* shape */
	int64_t duration_ms;
	int64_t stall_timeout_ms;
	int print_workers;
	int log_workers;
	int refresh_hz;
	int finalizer_every;
	int gc_threshold;
	int finalizer_action;       /* enum rt_fin_action */
	int partial_pct;
	int stderr_pct;
	int line_len;
	int live_rows;
	int64_t max_ops;
	/* noise */
	int noise;
	int noise_yield_pct;
	int noise_delay_pct;
	int noise_max_delay_us;
	/* oracles and output */
	int integrity;
	int stop_on_potential;
	int confirm_runs;
	int64_t progress_ms;
	/* the families' knobs (rt_config_family), in the catalog's order */
	_Alignas(max_align_t) unsigned char family[RT_KNOB_FAMILIES][RT_KNOB_BLOCK];
};

/* Which targets exist and which knob families there are: set once by the
 * program (targets/targets.h's rt_target_catalog), so the parser names a bad
 * target at file:line and knows the families' knobs without calling up into
 * targets/.  Unset: every target name is accepted, generic knobs only. */
struct rt_buf;
struct rt_target_info {
	int sessions;                          /* the target has sessions */
	const struct rt_knob_family *family;   /* the knobs it reads besides the generic ones */
};
struct rt_target_catalog {
	/* 1 if name is a target, and what it is in *info (may be NULL) */
	int (*find)(const char *name, struct rt_target_info *info);
	void (*names)(struct rt_buf *out);    /* "a, b, c" */
	const struct rt_knob_family *const *families;   /* NULL-terminated */
};
void rt_config_use_catalog(const struct rt_target_catalog *cat);

/* The settings block of family f in c (its settings struct), or NULL if the
 * catalog has no such family. */
const void *rt_config_family(const struct rt_config *c, const struct rt_knob_family *f);

void rt_config_defaults(struct rt_config *c);
/* Load a scenario by name (looked up as scenarios/NAME.scn under dir) or path. */
int rt_config_load(struct rt_config *c, const char *name_or_path, const char *scenario_dir,
		   char err[RT_CONFIG_ERRLEN]);
/* Parse scenario text; origin names it in errors.  0 or -1. */
int rt_config_parse(struct rt_config *c, const char *text, size_t len, const char *origin,
		    char err[RT_CONFIG_ERRLEN]);
/* Apply one key=value (from --set or a file line). */
int rt_config_set(struct rt_config *c, const char *key, const char *value, const char *origin,
		  int line, char err[RT_CONFIG_ERRLEN]);
/* Cross-knob checks after everything is applied (target exists, ...). */
int rt_config_validate(const struct rt_config *c, char err[RT_CONFIG_ERRLEN]);

/* "key = value" lines of the effective configuration: the generic knobs and
 * those of the target's family (the knobs that apply to it). */
void rt_config_dump(const struct rt_config *c, struct rt_buf *out, const char *indent);
/* The same as a JSON object (base/json.h), a new reference: the report's
 * "config". */
struct json_t;
struct json_t *rt_config_json(const struct rt_config *c);
/* Knob reference, grouped by family: name, type, range, default, help. */
void rt_config_help(struct rt_buf *out);
const char *rt_fin_action_name(int a);

#endif
