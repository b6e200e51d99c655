/* supervisor.h - run a body in a forked child (supervisor.c): watch its
 * heartbeats and a hard deadline; report a child that dies or wedges. */
#ifndef RT_SUPERVISOR_H
#define RT_SUPERVISOR_H

#include "base/config.h"

#include <stdint.h>

/* The scenario (rt_run_scenario) in a child. */
int rt_supervise(const struct rt_config *c, const char *json_path);
/* The same for any child body; deadline_ms 0 = heartbeats only. */
int rt_supervise_fn(const struct rt_config *c, const char *json_path,
		    int (*body)(const struct rt_config *c, int heartbeat_fd, void *arg), void *arg,
		    uint64_t deadline_ms);

#endif
