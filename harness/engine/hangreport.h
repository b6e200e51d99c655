/* hangreport.h - the DEADLOCK / HANG report (hangreport.c): a snapshot of
 * every thread's record, the wait-for cycle in it, and the report.  Below both
 * the watchdog (free-running) and the controlled scheduler, which knows of a
 * deadlock the moment no thread can run. */
#ifndef RT_HANGREPORT_H
#define RT_HANGREPORT_H

#include "runtime/registry.h"

#include <stdint.h>

struct rt_snap {
	struct rt_thread *t;
	char name[32], role[16];
	int state;
	uint64_t since, serial, progress;
	rt_lock *wait;
	/* read under t->mu, while the waiter cannot finish acquiring wait (and
	 * so cannot free it): wait itself may be freed once t->mu is dropped */
	const char *wait_cls;
	struct rt_thread *owner;
	struct rt_site wsite;
	const char *syscall, *op;
	const char *notify_on;      /* WAITING_NOTIFY: the condition's name */
	uint64_t notify_deadline;   /* 0: untimed */
	char *note;
	struct rt_held *held;
	int nheld;
	int next;                   /* index of the thread it waits for, -1 */
	int tid;                    /* kernel thread id, 0 if unknown */
};

/* Every thread's record, copied under its lock: the count, and *out. */
int rt_snapshot_take(struct rt_snap **out);
void rt_snapshot_free(struct rt_snap *s, int n);
/* The wait-for cycle: its length and thread indexes in cyc (n + 1 room), 0
 * if none. */
int rt_snapshot_cycle(const struct rt_snap *s, int n, int *cyc);
/* Same cycle, same waits in a second snapshot a moment later: real. */
int rt_snapshot_confirm(const struct rt_snap *a, int na, const int *cyc, int clen);

/* Print the report (DEADLOCK with the cycle if clen, else HANG) and record
 * it; returns the exit code.  start_ns: when the run started. */
int rt_hang_report(struct rt_snap *s, int n, const int *cyc, int clen, const char *why,
		   uint64_t now, uint64_t start_ns);
/* Snapshot and report the current wait state now. */
int rt_hang_report_now(const char *why, uint64_t start_ns);

/* Optional section appended to a hang report after the threads (the
 * session oracles set it: fd 1/2, sys.stdout, recent session events). */
struct rt_buf;
extern void (*rt_hang_report_extra)(struct rt_buf *b);

#endif
