/* SPDX-License-Identifier: Apache-2.0 */
/* hangreport.h - the DEADLOCK / HANG report (hangreport.c): a snapshot of
 * every thread's record, the wait-for cycle in it, and the report.  Below both
 * the watchdog (free-running) and the controlled scheduler, which knows of a
 * deadlock the moment no thread can run. */
#ifndef RT_HANGREPORT_H
#define RT_HANGREPORT_H

#include <sys/types.h>

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
	int wait_ext;               /* wait is an external lock (lock.h) */
	struct rt_site wsite;
	const char *syscall, *op;
	const char *notify_on;      /* WAITING_NOTIFY: the condition's name */
	uint64_t notify_deadline;   /* 0: untimed */
	char *note;
	struct rt_stack *stack;     /* its recorded stack (runtime/langstack.h), copy */
	struct rt_held *held;
	int nheld;
	int next;                   /* index of the thread it waits for, -1 */
	int tid;                    /* kernel thread id, 0 if unknown */
	uint64_t wait_deadline;     /* BLOCKED_LOCK, timed: when it gives up; 0 untimed */
	const char **notified;      /* condition classes it notified before (copy) */
	int nnotified;
	int idle;                   /* the harness's main thread, idle until stop */
	int harness_work;           /* inside the harness's own work (a sink write) */
	int inext;                  /* rt_snapshot_inferred_cycle: next, inferred edges too */
};

/* Every thread's record, copied under its lock: the count, and *out. */
int rt_snapshot_take(struct rt_snap **out);
void rt_snapshot_free(struct rt_snap *s, int n);
/* The wait-for cycle: its length and thread indexes in cyc (n + 1 room), 0
 * if none. */
int rt_snapshot_cycle(const struct rt_snap *s, int n, int *cyc);
/* Same cycle, same waits in a second snapshot a moment later: real. */
int rt_snapshot_confirm(const struct rt_snap *a, int na, const int *cyc, int clen);

/* Every live thread asleep for good, as Go's "all goroutines are asleep":
 * blocked on a lock or in a notify wait, neither with a timeout, or the
 * harness's idle main thread; and a driver among them (the main thread
 * joins the drivers at the end, so it cannot wake them).  1 if so. */
int rt_snapshot_all_asleep(const struct rt_snap *s, int n);
/* The wait-for cycle with inferred edges: an untimed notify wait on a
 * condition class waits for the threads that notified that class before
 * (by name, as lockdep's lock classes); it is stuck when each of them is
 * stuck or finished.  all_asleep: a notify wait nobody notified before is
 * stuck too.  Sets every s[].inext; cycle length (0: none), indexes in cyc
 * (n + 1 room). */
int rt_snapshot_inferred_cycle(struct rt_snap *s, int n, int all_asleep, int *cyc);
/* The stuck threads of a (rt_snapshot_inferred_cycle) still wait the same
 * waits in a second snapshot a moment later, with the same cycle.  1 if so. */
int rt_snapshot_confirm_inferred(const struct rt_snap *a, int na, int all_asleep, int clen);

enum {
	RT_HANG_INFERRED = 1,       /* the cycle is through s[].inext, with evidence */
	RT_HANG_ASLEEP = 2,         /* all threads asleep: DEADLOCK even without a cycle */
};
/* Print the report (DEADLOCK with the cycle if clen or RT_HANG_ASLEEP, else
 * HANG) and record it; returns the exit code.  how: RT_HANG_* flags.
 * start_ns: when the run started. */
int rt_hang_report(struct rt_snap *s, int n, const int *cyc, int clen, unsigned how,
		   const char *why, uint64_t now, uint64_t start_ns);
/* Snapshot and report the current wait state now. */
int rt_hang_report_now(const char *why, uint64_t start_ns);

/* Optional section appended to a hang report after the threads (the
 * session oracles set it: fd 1/2, sys.stdout, recent session events). */
struct rt_buf;
extern void (*rt_hang_report_extra)(struct rt_buf *b);

/* Optional, installed by a language runtime (the Python plugin): the stacks
 * in its language of the threads with kernel TIDs tids[0..n), each a
 * malloc'd runtime/langstack.h stack into out[i] (one that says it was not
 * taken, or why it has no frame), or out[i] left NULL (not a thread of that
 * language).  Asked for the live threads that have no recorded stack or
 * note of their own; must return within a bound. */
struct rt_stack;
extern void (*rt_hang_lang_stacks)(const pid_t *tids, int n, struct rt_stack **out);
/* Installed by a scheduler that runs threads as fibers (several records on
 * one kernel thread): after the native stacks were taken by kernel thread,
 * it replaces those of s[i] that are fibers with each fiber's own (or marks
 * them not taken) and sets ns[i].fiber. */
struct rt_native_stack;
extern void (*rt_hang_fiber_stacks)(const struct rt_snap *s, int n, struct rt_native_stack *ns);

#endif
