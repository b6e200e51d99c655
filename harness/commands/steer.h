/* SPDX-License-Identifier: Apache-2.0 */
/* steer.h - confirming a potential deadlock (steer.c). */
#ifndef RT_STEER_H
#define RT_STEER_H

#include "base/config.h"
#include "commands/explain.h"
#include "sched/exec.h"

#include <stddef.h>
#include <stdint.h>

/* Up to `runs` controlled executions of t steered toward the lock classes of
 * a potential cycle.  On a real deadlock returns 1 with that execution in
 * *out and its parameters in *pout; else 0.  *tries counts the executions.
 * why (or NULL) gathers what each execution's lock-order graph recorded. */
int rt_steer(const struct rt_target_ops *t, const struct rt_config *c, char *const *classes,
	     int n, uint64_t runs, struct rt_exec_result *out, struct rt_ctl_params *pout,
	     uint64_t *tries, struct rt_explain *why);

/* The same from a clean configuration, for stress runs: returns
 * RT_EXIT_DEADLOCK and writes repro_path when the deadlock happened (its
 * signature into sig; *same = 1 if every class of the potential cycle is in
 * the real one), else 0. */
int rt_confirm_cycle(const struct rt_config *c, char *const *classes, int n, uint64_t runs,
		     const char *repro_path, char *sig, size_t sig_len, int *same);

#endif
