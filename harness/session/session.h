/* session.h - marimo run-mode sessions in the harness: the session and
 * server driver threads (session_driver.c), the server console that stands
 * in for the process's original stdout/stderr (session_console.c), and the
 * per-session oracles (session_oracle.c).
 *
 * Tagged lines of sessions: "@<K><id>:<seq>@ e<event> <filler>", where K is
 * P (print in a cell), C (write(2) on fd 1/2 in a cell), K (print inside a
 * capture), L (a server log line, id 0); id is the session id; event is the
 * number of the last session event (start, enter, ...) when it was written,
 * so a finding can show the interleaving around it. */
#ifndef RT_SESSION_H
#define RT_SESSION_H

#include "base/config.h"
#include "runtime/rt.h"

#include <stddef.h>
#include <stdint.h>

/* ---- for run.c ---------------------------------------------------------- */
int rt_is_session_target(const struct rt_target_ops *t);
/* Before t->start: server console, oracle tables, session script.  0, or
 * an exit code (NOSTART, BADINPUT) after printing why. */
int rt_session_run_begin(const struct rt_config *c, const struct rt_target_ops *t);
/* After t->start: resource baseline, then the session and server threads. */
int rt_sessions_start(void);
int rt_sessions_done(void);              /* a session script ran to its end */
/* Stop every session, join the threads; then the restore and resource
 * oracles ("after all sessions stop"). */
void rt_sessions_stop_and_join(void);
/* After t->stop: fd 1/2 back, console drained, the exactly-once oracle. */
void rt_session_run_end(void);
/* NOSTART if no session could ever start for lack of resources, else code. */
int rt_sessions_exit_code(int code);

/* ---- for oracle.c: every write into an owned sink ----------------------- */
#define RT_SINK_CONSOLE (-2)
void rt_session_sink_observe(int owner, const char *buf, size_t len);

/* ---- session_console.c -------------------------------------------------- */
int rt_console_begin(char *err, size_t n);   /* 0 or -errno */
void rt_console_end(void);                   /* restores fd 1/2, drains */

/* ---- between the driver and the oracle ---------------------------------- */
enum so_kind { SO_P, SO_C, SO_K, SO_L, SO_NKINDS };
enum so_ev {
	SO_EV_START, SO_EV_START_FAILED, SO_EV_STOP, SO_EV_ENTER, SO_EV_EXIT,
	SO_EV_CAP_BEGIN, SO_EV_CAP_END,
};

void so_init(const struct rt_config *c, const struct rt_target_ops *t);
void so_set_label(int sid, const char *label);
int so_line_len(void);
/* Record a session event; returns its number. */
uint64_t so_event(int ev, int sid, int load, int cell);
/* Next sequence number of kind for session sid (sid ignored for SO_L). */
uint64_t so_next_seq(int sid, int kind);
uint64_t so_written(int sid, int kind);
/* out holds so_line_len() + 2 bytes; writes the line and '\n', returns
 * the length including the newline. */
size_t so_make_line(char *out, int kind, int id, uint64_t seq);
/* Around cell_enter ... cell_exit; the end of the last active cell checks
 * the idle restore invariant. */
void so_cell_begin(void);
void so_cell_end(void);
void so_session_started(int sid);
/* A session start failed: a finding, or NOSTART if no session ever started
 * and the reason is a lack of resources (does not return then). */
void so_start_failed(int sid, int rc, const char *why);
int so_nostart(void);
void so_settle(int actors_alive);   /* scripts: target threads wait in a syscall */   /* the environment cannot hold one session: end the run */
void so_capture_check(int sid, const char *text, size_t len, uint64_t k_from, uint64_t k_to);
void so_baseline(void);
void so_after_sessions(void);
void so_final(void);
void so_hang_extra(struct rt_buf *b);   /* rt_hang_report_extra */

/* ---- inside the oracle (session_events.c, session_oracle.c,
 * session_checks.c) ------------------------------------------------------- */
const struct rt_config *so_cfg(void);
const struct rt_target_ops *so_tgt(void);
const char *so_label(int sid);            /* "s3", a script actor, "server" */
uint64_t so_step_now(void);
void so_state_desc(int sid, char *out, size_t n);
/* Session events lo..hi (clamped to what the ring still holds), preceded by
 * the last earlier events of sessions a and c (-1: none), which are starred;
 * "the line was written here" after event mark (SO_NO_MARK: no line). */
#define SO_NO_MARK UINT64_MAX
void so_ring_dump(struct rt_buf *b, uint64_t lo, uint64_t hi, uint64_t mark, int a, int c);
void so_make_line_at(char *out, int len, int kind, int id, uint64_t seq, uint64_t step);
int so_parse(const char *p, size_t len, int *kind, int *id, uint64_t *seq, uint64_t *step);
extern const char so_kind_ch[SO_NKINDS];
extern const char *const so_kind_name[SO_NKINDS];
/* Print a finding in the house format; canon is the timing-free part of
 * the signature. */
void so_report(const char *kind, const char *sigkind, const char *title, const char *canon,
	       const char *body);
void so_events_reset(void);
void so_checks_reset(void);
uint64_t so_loads(void);
uint64_t so_cells(void);

/* ---- session scripts (session_script.c) --------------------------------- */
enum sc_op {
	SC_START, SC_STOP, SC_ENTER, SC_EXIT, SC_PRINT, SC_CWRITE, SC_CAP_BEGIN, SC_CAP_END,
	SC_LOG, SC_END,   /* SC_END: implicit cleanup after the script */
};
struct sc_step {
	int actor;                 /* index into actors */
	int op;                    /* enum sc_op */
	int stream;                /* RT_STDOUT or RT_STDERR */
	int line;                  /* in the script file */
};
struct sc_script {
	char actors[RT_MAX_SESSIONS + 1][12];
	int nactors;
	int server_actor;          /* index of "server", or -1 */
	struct sc_step *steps;
	int nsteps;
};
/* Parse a script file; 0, or -1 with "file:line: what (expected ...)". */
int sc_load(const char *path, struct sc_script *out, char *err, size_t n);
void sc_free(struct sc_script *s);

#endif
