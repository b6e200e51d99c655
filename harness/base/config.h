/* config.h - scenario knobs: one declaration each (type, range, default,
 * help), scenario files of key=value lines over those defaults. */
#ifndef RT_CONFIG_H
#define RT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

enum rt_fin_action { RT_FIN_LOG, RT_FIN_PRINT, RT_FIN_MIXED };

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
	int py_gc_pct;
	int py_log_handler;         /* enum rt_py_log_handler */
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
	/* run-mode sessions (session targets only) */
	int sessions;
	int cells_per_session;
	int cell_prints;
	int c_write_pct;
	int capture_pct;
	int session_idle_ms;
	int server_log_us;
	char session_script[512];
};

/* Which targets exist: set once by the program (targets/targets.h's
 * rt_target_catalog), so the parser names a bad target at file:line without
 * calling up into targets/.  Unset: every target name is accepted. */
struct rt_buf;
struct rt_target_catalog {
	/* 1 if name is a target; *sessions = 1 if it has sessions (may be NULL) */
	int (*find)(const char *name, int *sessions);
	void (*names)(struct rt_buf *out);    /* "a, b, c" */
};
void rt_config_use_catalog(const struct rt_target_catalog *cat);

/* Parse errors: one line "file:line: what, expected ..." in err. */
#define RT_CONFIG_ERRLEN 512

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

/* "key = value" lines of the full effective configuration. */
void rt_config_dump(const struct rt_config *c, struct rt_buf *out, const char *indent);
void rt_config_dump_json(const struct rt_config *c, struct rt_buf *out);
/* Knob reference: name, type, range, default, help. */
void rt_config_help(struct rt_buf *out);
const char *rt_fin_action_name(int a);

#endif
