/* SPDX-License-Identifier: Apache-2.0 */
/* sched_ctl.h - controlled execution: only one driver thread runs at a
 * time (fibers on one kernel thread for C targets, sched_ctl_fiber.c; real
 * threads for embedded Python); every instrumented operation is a
 * scheduling point where a seeded strategy picks the next thread.  Time is
 * virtual. */
#ifndef RT_SCHED_CTL_H
#define RT_SCHED_CTL_H

#include "runtime/rt.h"

#include <stddef.h>
#include <stdint.h>

enum rt_strategy {
	RT_STRAT_RANDOM, RT_STRAT_PCT, RT_STRAT_POS, RT_STRAT_REPLAY, RT_STRAT_CONFIRM,
	RT_STRAT_BYTES,   /* fuzzing: each choice consumes one input byte */
};
const char *rt_strategy_name(int s);
int rt_strategy_parse(const char *name);   /* -1 if unknown */

/* One decision where more than one thread could run. */
struct rt_choice {
	uint16_t tid;
	uint8_t check;   /* hash of the enabled set and the chosen event */
	/* in memory only, for minimize: who asked, and was it a preemption */
	uint8_t preempt;
	int16_t prev;
};

/* What the trace exporters draw. */
enum rt_tev { RT_TEV_WAIT, RT_TEV_ACQUIRED, RT_TEV_RELEASED, RT_TEV_SLEEP, RT_TEV_EXIT, RT_TEV_DEADLOCK };
struct rt_trace_ev {
	uint64_t step;
	int tid;
	int kind;             /* enum rt_tev */
	const char *cls;      /* lock class name (interned, lives forever) */
};

/* minimize: a switch named by the thread that runs at the choice (me, -1:
 * none) and how many choices it had run at before (k), not by the choice's
 * position: to thread tid there. */
struct rt_steer {
	int16_t me;
	uint16_t tid;
	uint32_t k;
};

struct rt_ctl_params {
	int strategy;
	uint64_t seed;
	int depth;                      /* PCT */
	uint64_t k_estimate;            /* PCT: expected choice points */
	const struct rt_choice *replay; /* REPLAY */
	size_t nreplay;
	int lenient;                    /* REPLAY: fall back instead of diverging */
	const struct rt_steer *steer;   /* REPLAY, lenient: switches by thread, not position */
	size_t nsteer;
	const uint8_t *bytes;           /* BYTES: choice i picks enabled[bytes[i] % n]; */
	size_t nbytes;                  /*   past the end, the running thread goes on */
	const char *const *confirm;     /* CONFIRM: lock classes of the cycle */
	int nconfirm;
	uint64_t vstep_ns;              /* virtual time per step */
	uint64_t vduration_ns;          /* drivers are stopped past this */
	uint64_t max_steps;             /* livelock bound */
	int trace;                      /* record rt_trace_ev */
	/* > 0: a thread that has the turn and reaches no point for this long
	 * (real time) is blocked outside control; another one runs (embedded
	 * Python: locks inside CPython).  A replay diverges there. */
	uint64_t outside_ns;
	/* 1: driver threads run as fibers on the calling thread (sched_ctl_fiber.c;
	 * C targets only: rt_ctl_backend_fibers); 0: real threads, one at a time */
	int fibers;
};

struct rt_ctl_result {
	int deadlock, step_bound, diverged;
	char diverge_msg[300];
	struct rt_choice *choices;       /* recorded, owned; check bytes: rt_ctl_result_checks */
	size_t nchoices;
	struct rt_checklog *checklog;    /* owned: what the check bytes are made from */
	uint64_t steps;
	int preemptions;
	struct rt_trace_ev *trace;       /* owned */
	size_t ntrace;
	int nthreads;
	char (*thread_names)[32];        /* owned, nthreads entries */
	/* draining did not bring the target's own threads to rest: they were
	 * let go holding locks, maybe deadlocked for real (sched_ctl.c) */
	int stuck_threads;
	int outside;                     /* times a thread was found outside control */
	char outside_msg[300];           /* the first of them */
};

/* The default backend for a target that can run on either: fibers, unless
 * REDIRTORTURE_CTL_BACKEND=threads is set in the environment (read once). */
int rt_ctl_backend_fibers(void);
/* Switch the scheduler to controlled mode for the next execution. */
void rt_ctl_begin(const struct rt_ctl_params *p);
/* Called by the creator after starting every driver thread: runs the
 * execution to its end (all threads finished, or deadlock then drain). */
void rt_ctl_run(void);
/* Collect the result and go back to free-running mode. */
void rt_ctl_end(struct rt_ctl_result *out);
void rt_ctl_result_free(struct rt_ctl_result *r);
/* The check bytes of r's choices, made on demand (sched/checklog.h): call
 * before they are written or compared.  Fills them in place through the
 * result's pointers, once, so a const result can be given. */
void rt_ctl_result_checks(const struct rt_ctl_result *r);

#endif
