/* SPDX-License-Identifier: Apache-2.0 */
/* session_events.h - session events and tagged lines (session_events.c).
 *
 * Tagged lines of sessions: "@<K><id>:<seq>@ e<event> <filler>", where K is
 * P (print in a cell), C (write(2) on fd 1/2 in a cell), K (print inside a
 * capture), L (a server log line, id 0); id is the session id; event is the
 * number of the last session event (start, enter, ...) when it was written,
 * so a finding can show the interleaving around it. */
#ifndef RT_SESSION_EVENTS_H
#define RT_SESSION_EVENTS_H

#include <stddef.h>
#include <stdint.h>

struct rt_buf;

enum so_kind { SO_P, SO_C, SO_K, SO_L, SO_NKINDS };
enum so_ev {
	SO_EV_START, SO_EV_START_FAILED, SO_EV_STOP, SO_EV_ENTER, SO_EV_EXIT,
	SO_EV_CAP_BEGIN, SO_EV_CAP_END,
};
void so_set_label(int sid, const char *label);
int so_line_len(void);
/* Record a session event; returns its number. */
uint64_t so_event(int ev, int sid, int load, int cell);
/* out holds so_line_len() + 2 bytes; writes the line and '\n', returns
 * the length including the newline. */
size_t so_make_line(char *out, int kind, int id, uint64_t seq);
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
uint64_t so_loads(void);
uint64_t so_cells(void);

#endif
