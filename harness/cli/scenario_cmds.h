/* SPDX-License-Identifier: Apache-2.0 */
/* scenario_cmds.h - `run` and `explore`: a scenario, free-running or under
 * the controlled scheduler. */
#ifndef RT_SCENARIO_CMDS_H
#define RT_SCENARIO_CMDS_H

#include "cli/optable.h"

extern const struct rt_cmd_spec rt_cmd_run;
extern const struct rt_cmd_spec rt_cmd_explore;

/* Where scenario names are looked up: given, else ./scenarios if it has a
 * CFLIST, else the source tree's. */
const char *rt_cli_scenario_dir(const char *given);

#endif
