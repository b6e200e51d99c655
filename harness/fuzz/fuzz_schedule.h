/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_schedule.h - the fuzz target over scenarios and schedules
 * (fuzz_schedule.c), for its tools (fuzz_schedule_tools.c). */
#ifndef RT_FUZZ_SCHEDULE_H
#define RT_FUZZ_SCHEDULE_H

#include "fuzz/fuzz_schedule_input.h"
#include "sched/exec.h"

/* Environment and report setup (no threads); idempotent. */
void fs_setup(void);
/* One controlled execution of case k; free r with rt_exec_result_free. */
void fs_exec(const struct fs_case *k, struct rt_exec_result *r);

#endif
