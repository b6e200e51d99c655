/* SPDX-License-Identifier: Apache-2.0 */
/* optable.c - see optable.h */
#include "cli/optable.h"

#include "base/report.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RT_OPT_MAX 32            /* options of one command, --help included */
#define RT_OPT_VAL0 256          /* getopt_long's val of the i-th option: 256 + i */

/* ---- the options of a command, both tables as one sequence ------------ */

static int opt_count(const struct rt_cmd_spec *cmd)
{
	int n = 0;
	for (int t = 0; t < 2; t++)
		for (const struct rt_opt *o = cmd->opts[t]; o && o->name; o++)
			n++;
	return n;
}

static const struct rt_opt *opt_at(const struct rt_cmd_spec *cmd, int i)
{
	for (int t = 0; t < 2; t++)
		for (const struct rt_opt *o = cmd->opts[t]; o && o->name; o++)
			if (i-- == 0)
				return o;
	return NULL;
}

static size_t kind_size(enum rt_opt_kind k)
{
	switch (k) {
	case RT_OPT_FLAG: case RT_OPT_INT: return sizeof(int);
	case RT_OPT_STR: case RT_OPT_CHOICE: return sizeof(const char *);
	case RT_OPT_LIST: return sizeof(struct rt_opt_list);
	case RT_OPT_U64: return sizeof(uint64_t);
	}
	return 0;
}

/* A table that stores into a field of the wrong type is a bug of this
 * program, caught on the command's first use (every --help test runs it). */
static void check_table(const struct rt_cmd_spec *cmd)
{
	int n = opt_count(cmd);
	if (n + 1 > RT_OPT_MAX)
		rt_die("%s: %d options, at most %d", cmd->name, n, RT_OPT_MAX - 1);
	for (int i = 0; i < n; i++) {
		const struct rt_opt *o = opt_at(cmd, i);
		if (o->size != kind_size(o->kind) || o->off + o->size > cmd->args_size ||
		    (o->kind == RT_OPT_INT && o->max > INT32_MAX) || o->min > o->max ||
		    (o->kind == RT_OPT_CHOICE && !o->choices) || o->short_name == 'h' ||
		    (o->given && o->given - 1 + sizeof(int) > cmd->args_size))
			rt_die("%s: option table entry --%s is inconsistent", cmd->name, o->name);
	}
}

/* ---- values ------------------------------------------------------------ */

static void range_text(const struct rt_opt *o, struct rt_buf *b)
{
	if (o->kind == RT_OPT_CHOICE) {
		for (int i = 0; o->choices[i]; i++)
			rt_buf_printf(b, "%s%s", i == 0 ? "" : o->choices[i + 1] ? ", " : " or ",
				      o->choices[i]);
	} else {
		rt_buf_printf(b, "%" PRIu64 "..%" PRIu64, o->min, o->max);
	}
}

enum value_fault { NOT_A_NUMBER, OUT_OF_RANGE, NOT_A_CHOICE };

/* "--runs: 0 is out of range (expected 1..1000000000)" */
static int value_error(const struct rt_opt *o, const char *v, enum value_fault f)
{
	struct rt_buf r = { 0 };
	range_text(o, &r);
	if (f == OUT_OF_RANGE)
		rt_cli_error("--%s: %s is out of range (expected %s)", o->name, v, r.p);
	else if (f == NOT_A_NUMBER)
		rt_cli_error("--%s: '%s' is not a number (expected %s)", o->name, v, r.p);
	else
		rt_cli_error("--%s: unknown value '%s' (expected %s)", o->name, v, r.p);
	rt_buf_free(&r);
	return -1;
}

/* Decimal digits, optionally after a '-'; nothing else (no spaces, '+',
 * hex).  Too large or below min: out of range; anything else: not a number. */
static int parse_number(const struct rt_opt *o, const char *v, uint64_t *out)
{
	const char *d = v + (v[0] == '-');
	if (!*d || d[strspn(d, "0123456789")])
		return value_error(o, v, NOT_A_NUMBER);
	char *end;
	errno = 0;
	if (v[0] == '-') {
		long long x = strtoll(v, &end, 10);
		if (errno || *end || x != 0 || o->min > 0)
			return value_error(o, v, OUT_OF_RANGE);
		*out = 0;
		return 0;
	}
	unsigned long long x = strtoull(v, &end, 10);
	if (errno == ERANGE || *end || x < o->min || x > o->max)
		return value_error(o, v, OUT_OF_RANGE);
	*out = x;
	return 0;
}

static int store(const struct rt_opt *o, const char *v, char *args)
{
	void *field = args + o->off;
	uint64_t x;
	switch (o->kind) {
	case RT_OPT_FLAG:
		*(int *)field = 1;
		break;
	case RT_OPT_STR:
		*(const char **)field = v;
		break;
	case RT_OPT_LIST: {
		struct rt_opt_list *l = field;
		l->v = rt_xrealloc(l->v, (size_t)(l->n + 1) * sizeof *l->v);
		l->v[l->n++] = v;
		break;
	}
	case RT_OPT_CHOICE:
		for (int i = 0; o->choices[i]; i++)
			if (!strcmp(o->choices[i], v)) {
				*(const char **)field = o->choices[i];
				return 0;
			}
		return value_error(o, v, NOT_A_CHOICE);
	case RT_OPT_U64:
	case RT_OPT_INT:
		if (parse_number(o, v, &x))
			return -1;
		if (o->kind == RT_OPT_INT)
			*(int *)field = (int)x;
		else
			*(uint64_t *)field = x;
		break;
	}
	return 0;
}

static void store_defaults(const struct rt_cmd_spec *cmd, char *args)
{
	for (int i = 0; i < opt_count(cmd); i++) {
		const struct rt_opt *o = opt_at(cmd, i);
		if (o->def && store(o, o->def, args))
			rt_die("%s: default of --%s is not valid", cmd->name, o->name);
	}
}

void rt_opt_free(const struct rt_cmd_spec *cmd, void *args)
{
	for (int i = 0; i < opt_count(cmd); i++) {
		const struct rt_opt *o = opt_at(cmd, i);
		if (o->kind == RT_OPT_LIST) {
			struct rt_opt_list *l = (void *)((char *)args + o->off);
			free(l->v);
			l->v = NULL;
			l->n = 0;
		}
	}
}

/* ---- errors ------------------------------------------------------------ */

static void opt_name(const struct rt_opt *o, struct rt_buf *b)
{
	rt_buf_printf(b, "--%s", o->name);
}

/* "unknown option '--bogus' for run (expected --scenario, ...)", or the
 * options an abbreviation could stand for. */
static int unknown_option(const struct rt_cmd_spec *cmd, const char *arg)
{
	struct rt_buf b = { 0 };
	size_t len = strcspn(arg, "=");
	int matches = 0;
	if (!strncmp(arg, "--", 2) && len > 2)
		for (int i = 0; i < opt_count(cmd); i++)
			if (!strncmp(opt_at(cmd, i)->name, arg + 2, len - 2)) {
				rt_buf_printf(&b, "%s", matches++ ? ", " : "");
				opt_name(opt_at(cmd, i), &b);
			}
	if (matches > 1) {
		rt_cli_error("ambiguous option '%.*s' for %s (could be %s)", (int)len, arg,
			     cmd->name, b.p);
	} else {
		b.len = 0;
		for (int i = 0; i < opt_count(cmd); i++) {
			opt_name(opt_at(cmd, i), &b);
			rt_buf_printf(&b, ", ");
		}
		rt_buf_printf(&b, "--help");
		rt_cli_error("unknown option '%.*s' for %s (expected %s)", (int)len, arg, cmd->name,
			     b.p);
	}
	rt_buf_free(&b);
	return -1;
}

static const struct rt_opt *opt_of_val(const struct rt_cmd_spec *cmd, int val)
{
	for (int i = 0; i < opt_count(cmd); i++) {
		const struct rt_opt *o = opt_at(cmd, i);
		if (val == RT_OPT_VAL0 + i || (o->short_name && val == o->short_name))
			return o;
	}
	return NULL;
}

/* getopt_long returned '?' or ':'; arg is the element it was looking at. */
static int bad_option(const struct rt_cmd_spec *cmd, int ch, int opt, const char *arg)
{
	const struct rt_opt *o = opt_of_val(cmd, opt);
	if (ch == ':' && o)
		rt_cli_error("option '--%s' needs a value (%s --%s %s)", o->name, cmd->name, o->name,
			     o->metavar);
	else if (o)   /* a flag given a value: --no-supervisor=1 */
		rt_cli_error("option '--%s' takes no value", o->name);
	else if (opt > 0 && opt < RT_OPT_VAL0 && opt != 'h')   /* an unknown letter: -x */
		unknown_option(cmd, (char[3]){ '-', (char)opt, 0 });
	else if (opt == 'h')
		rt_cli_error("option '--help' takes no value");
	else
		unknown_option(cmd, arg);
	return -1;
}

static int add_operand(const struct rt_cmd_spec *cmd, const char *v, int *n, char *args)
{
	if (*n < cmd->max_operands) {
		*(const char **)(args + cmd->operand_off) = v;
		(*n)++;
		return 0;
	}
	if (cmd->max_operands)
		rt_cli_error("unexpected argument '%s' for %s (expected one %s)", v, cmd->name,
			     cmd->operand);
	else
		rt_cli_error("unexpected argument '%s' for %s (it takes options only)", v, cmd->name);
	return -1;
}

static int check_required(const struct rt_cmd_spec *cmd, int noperands, const char *args)
{
	for (int i = 0; i < opt_count(cmd); i++) {
		const struct rt_opt *o = opt_at(cmd, i);
		if (o->required && !*(const char *const *)(args + o->off)) {
			rt_cli_error("%s needs --%s %s", cmd->name, o->name, o->metavar);
			return -1;
		}
	}
	if (noperands < cmd->min_operands) {
		rt_cli_error("%s needs %s (see `redirtorture %s --help`)", cmd->name, cmd->operand,
			     cmd->name);
		return -1;
	}
	return 0;
}

/* ---- the parse ----------------------------------------------------------- */

/* struct option[] and optstring from the table: "-:" (operands returned in
 * order as 1, whatever POSIXLY_CORRECT says; ':' for a missing value). */
static void build_getopt(const struct rt_cmd_spec *cmd, struct option *lo, char *shorts)
{
	int n = opt_count(cmd), k = 0;
	shorts[k++] = cmd->rest_off ? '+' : '-';   /* '+': stop at the first non-option */
	shorts[k++] = ':';
	for (int i = 0; i < n; i++) {
		const struct rt_opt *o = opt_at(cmd, i);
		int arg = o->kind == RT_OPT_FLAG ? no_argument : required_argument;
		lo[i] = (struct option){ o->name, arg, NULL, o->short_name ? o->short_name : RT_OPT_VAL0 + i };
		if (o->short_name) {
			shorts[k++] = (char)o->short_name;
			if (arg == required_argument)
				shorts[k++] = ':';
		}
	}
	lo[n] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n + 1] = (struct option){ 0 };
	shorts[k++] = 'h';
	shorts[k] = 0;
}

enum rt_opt_result rt_opt_parse(const struct rt_cmd_spec *cmd, int argc, char **argv, void *args)
{
	struct option lo[RT_OPT_MAX + 1];
	char shorts[3 * RT_OPT_MAX + 4];
	int ch, noperands = 0;
	check_table(cmd);
	build_getopt(cmd, lo, shorts);
	store_defaults(cmd, args);
	opterr = 0;
	optind = 0;   /* glibc: a full re-initialisation */
	while ((ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (ch == 'h') {
			struct rt_buf b = { 0 };
			rt_opt_usage(cmd, &b);
			rt_write_all(1, b.p, b.len);
			rt_buf_free(&b);
			return RT_OPT_HELP_SHOWN;
		}
		if (ch == 1) {
			if (add_operand(cmd, optarg, &noperands, args))
				return RT_OPT_BAD;
			continue;
		}
		const struct rt_opt *o = ch == '?' || ch == ':' ? NULL : opt_of_val(cmd, ch);
		if (!o) {
			bad_option(cmd, ch, optopt, argv[optind - 1]);
			return RT_OPT_BAD;
		}
		if (store(o, optarg, args))
			return RT_OPT_BAD;
		if (o->given)
			*(int *)((char *)args + o->given - 1) = 1;
	}
	if (cmd->rest_off) {
		*(struct rt_opt_rest *)((char *)args + cmd->rest_off - 1) =
			(struct rt_opt_rest){ argc - optind, argv + optind };
		optind = argc;
	}
	for (; optind < argc; optind++)   /* after "--" */
		if (add_operand(cmd, argv[optind], &noperands, args))
			return RT_OPT_BAD;
	return check_required(cmd, noperands, args) ? RT_OPT_BAD : RT_OPT_PARSED;
}

/* ---- usage text ---------------------------------------------------------- */

#define HELP_COL 28
#define WIDTH 79

/* text from column HELP_COL, words wrapped at WIDTH; col: where b's line is */
static void add_wrapped(struct rt_buf *b, size_t col, const char *text)
{
	if (col + 1 >= HELP_COL) {
		rt_buf_printf(b, "\n");
		col = 0;
	}
	rt_buf_printf(b, "%*s", (int)(HELP_COL - col), "");
	col = HELP_COL;
	while (*text) {
		size_t w = strcspn(text, " ");
		if (col > HELP_COL && col + 1 + w > WIDTH) {
			rt_buf_printf(b, "\n%*s", HELP_COL, "");
			col = HELP_COL;
		} else if (col > HELP_COL) {
			rt_buf_lit(b, " ");
			col++;
		}
		rt_buf_add(b, text, w);
		col += w;
		text += w + strspn(text + w, " ");
	}
	rt_buf_lit(b, "\n");
}

/* The option's help, then what the table says about its value. */
static void opt_help(const struct rt_opt *o, struct rt_buf *h)
{
	rt_buf_printf(h, "%s", o->help);
	if (o->required)
		rt_buf_printf(h, " (required)");
	if (o->kind == RT_OPT_LIST)
		rt_buf_printf(h, " (repeatable)");
	if (o->kind == RT_OPT_U64 || o->kind == RT_OPT_INT || o->kind == RT_OPT_CHOICE) {
		rt_buf_printf(h, " (");
		range_text(o, h);
		rt_buf_printf(h, "%s%s)", o->def ? "; default " : "", o->def ? o->def : "");
	} else if (o->def) {
		rt_buf_printf(h, " (default %s)", o->def);
	}
}

static void opt_line(struct rt_buf *b, int short_name, const char *name, const char *metavar,
		     const char *help)
{
	size_t start = b->len;
	if (short_name)
		rt_buf_printf(b, "  -%c, --%s", short_name, name);
	else
		rt_buf_printf(b, "      --%s", name);
	if (metavar)
		rt_buf_printf(b, " %s", metavar);
	add_wrapped(b, b->len - start, help);
}

void rt_opt_synopsis(const struct rt_cmd_spec *cmd, struct rt_buf *b)
{
	rt_buf_printf(b, "%s", cmd->name);
	for (int i = 0; i < opt_count(cmd); i++)
		if (opt_at(cmd, i)->required)
			rt_buf_printf(b, " --%s %s", opt_at(cmd, i)->name, opt_at(cmd, i)->metavar);
	if (cmd->rest_off) {   /* the words after the options: operand names them */
		rt_buf_printf(b, " [options] -- %s", cmd->operand ? cmd->operand : "ARGS...");
		return;
	}
	if (cmd->operand)
		rt_buf_printf(b, cmd->min_operands ? " %s" : " [%s]", cmd->operand);
	rt_buf_printf(b, " [options]");
}

void rt_opt_usage(const struct rt_cmd_spec *cmd, struct rt_buf *b)
{
	struct rt_buf h = { 0 };
	rt_buf_printf(b, "usage: redirtorture ");
	rt_opt_synopsis(cmd, b);
	rt_buf_printf(b, "\n%s\n\noptions:\n", cmd->purpose);
	for (int i = 0; i < opt_count(cmd); i++) {
		const struct rt_opt *o = opt_at(cmd, i);
		h.len = 0;
		opt_help(o, &h);
		opt_line(b, o->short_name, o->name, o->kind == RT_OPT_FLAG ? NULL : o->metavar, h.p);
	}
	/* taken out of argv before any command sees it (cli/main.c) */
	opt_line(b, 0, "target-plugin", "FILE", "load the targets of a plugin built out of tree "
		 "(docs/target-plugins.md; repeatable)");
	opt_line(b, 'h', "help", NULL, "this text");
	if (cmd->notes)
		rt_buf_printf(b, "\n%s", cmd->notes);
	rt_buf_free(&h);
}

/* ---- error lines ----------------------------------------------------------- */

int rt_cli_error(const char *fmt, ...)
{
	struct rt_buf msg = { 0 }, line = { 0 };
	va_list ap;
	va_start(ap, fmt);
	rt_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	rt_buf_printf(&line, "redirtorture: ");
	rt_buf_add_escaped(&line, msg.p, msg.len);
	rt_buf_lit(&line, "\n");
	rt_write_all(2, line.p, line.len);
	rt_buf_free(&msg);
	rt_buf_free(&line);
	return RT_EXIT_USAGE;
}
