/* SPDX-License-Identifier: Apache-2.0 */
/* optable.h - one option table per command.  From the same table come
 * getopt_long's struct option[] and optstring, the parse into the command's
 * argument struct (every number range-checked), and the usage text of
 * `redirtorture CMD --help`. */
#ifndef RT_OPTABLE_H
#define RT_OPTABLE_H

#include "base/util.h"

#include <stddef.h>
#include <stdint.h>

enum rt_opt_kind {
	RT_OPT_FLAG,     /* no value: sets an int to 1 */
	RT_OPT_STR,      /* const char *: the value as given */
	RT_OPT_LIST,     /* struct rt_opt_list: every occurrence, in order */
	RT_OPT_CHOICE,   /* const char *: the entry of choices[] the value names */
	RT_OPT_U64,      /* uint64_t in min..max */
	RT_OPT_INT,      /* int in min..max (both within int) */
};

struct rt_opt_list {
	const char **v;
	int n;
};

/* A command's trailing words (rest_off): another program's command line. */
struct rt_opt_rest {
	int argc;
	char **argv;
};

struct rt_opt {
	const char *name;            /* long name, without the "--" */
	int short_name;              /* 0, or the letter of -X */
	enum rt_opt_kind kind;       /* a value is required for every kind but RT_OPT_FLAG */
	const char *metavar;         /* the value in usage text: "N", "FILE" */
	uint64_t min, max;           /* RT_OPT_U64, RT_OPT_INT */
	const char *const *choices;  /* RT_OPT_CHOICE: NULL-terminated */
	const char *def;             /* default, as it would be given, or NULL */
	int required;
	size_t off, size;            /* where it stores: RT_OPT_TO(type, field) */
	size_t given;                /* 0, or RT_OPT_GIVEN(type, field): an int set to 1 when given */
	const char *help;            /* one line; range, default and "required" are added */
};

#define RT_OPT_TO(type, field) .off = offsetof(type, field), .size = sizeof(((type *)0)->field)
#define RT_OPT_GIVEN(type, field) .given = offsetof(type, field) + 1

/* A command: its name, operands, options (up to two tables, so that run and
 * explore share one), and the function that runs it on the parsed args. */
struct rt_cmd_spec {
	const char *name;
	const char *purpose;             /* one line, for `redirtorture help` */
	const char *operand;             /* "FILE", or NULL when there is none */
	int min_operands, max_operands;  /* 0 or 1 */
	size_t operand_off;              /* const char * in args */
	size_t args_size;                /* sizeof the args struct */
	const struct rt_opt *opts[2];    /* each ends with { 0 }; either may be NULL */
	const char *notes;               /* text after the options, or NULL */
	/* 0, or offsetof + 1 of a struct rt_opt_rest in args: the options end at
	 * "--" or the first word that is not one, and every word from there on
	 * goes there, untouched (`py -- SCRIPT ARGS...`); no operands then. */
	size_t rest_off;
	int (*main)(const char *prog, const void *args);
};

enum rt_opt_result { RT_OPT_PARSED, RT_OPT_HELP_SHOWN, RT_OPT_BAD };

/* Parse argv[1..argc) (argv[0] is the command's name) into args, which the
 * caller zeroed: defaults first, then each option.  --help/-h prints the
 * usage on stdout (RT_OPT_HELP_SHOWN); a bad command line prints one line on
 * stderr (RT_OPT_BAD, exit RT_EXIT_USAGE). */
enum rt_opt_result rt_opt_parse(const struct rt_cmd_spec *cmd, int argc, char **argv, void *args);
/* What rt_opt_parse allocated in args (lists). */
void rt_opt_free(const struct rt_cmd_spec *cmd, void *args);

/* "run --scenario NAME|FILE [options]" */
void rt_opt_synopsis(const struct rt_cmd_spec *cmd, struct rt_buf *b);
/* The whole text of `redirtorture CMD --help`. */
void rt_opt_usage(const struct rt_cmd_spec *cmd, struct rt_buf *b);

/* One line "redirtorture: MESSAGE\n" on stderr, control bytes escaped
 * (whatever the message echoes from argv); returns RT_EXIT_USAGE. */
int rt_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
