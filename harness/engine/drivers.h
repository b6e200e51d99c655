/* SPDX-License-Identifier: Apache-2.0 */
/* drivers.h - the scenario's threads and the runtime models they use:
 * print, logging (handler lock around emit), finalizers (cyclic-GC model),
 * refresh loops. */
#ifndef RT_DRIVERS_H
#define RT_DRIVERS_H

#include "base/config.h"
#include "runtime/rt.h"

#include <stdatomic.h>
#include <stdint.h>

enum rt_role {
	RT_ROLE_PRINT, RT_ROLE_LOG, RT_ROLE_FINALIZER, RT_ROLE_REFRESH,
	RT_ROLE_SESSION, RT_ROLE_SERVER,   /* run-mode sessions (session_driver.c) */
	RT_NROLES
};
extern const char *const rt_role_names[RT_NROLES];

struct rt_stats {
	_Atomic uint64_t ops[RT_NROLES];
	_Atomic uint64_t garbage_made;
	_Atomic uint64_t collections;
};
extern struct rt_stats rt_stats;

/* Start every driver thread of the scenario against target t. */
int rt_drivers_start(const struct rt_config *c, const struct rt_target_ops *t);
/* Ask drivers to stop and join them (blocks if a driver is wedged: the
 * watchdog covers that). */
void rt_drivers_stop_and_join(void);
/* Every print/log driver has left its operation loop (max_ops reached). */
int rt_drivers_workers_done(void);
void rt_drivers_request_stop(void);
/* Forget per-run state (logging lock, pending garbage) between runs. */
void rt_drivers_reset(void);

#endif
