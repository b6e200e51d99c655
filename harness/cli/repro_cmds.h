/* SPDX-License-Identifier: Apache-2.0 */
/* repro_cmds.h - `replay` and `minimize`: commands on a repro file. */
#ifndef RT_REPRO_CMDS_H
#define RT_REPRO_CMDS_H

#include "cli/optable.h"

extern const struct rt_cmd_spec rt_cmd_replay;
extern const struct rt_cmd_spec rt_cmd_minimize;

#endif
