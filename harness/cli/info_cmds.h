/* SPDX-License-Identifier: Apache-2.0 */
/* info_cmds.h - `list` and `knobs`: what can be run, and how it is set. */
#ifndef RT_INFO_CMDS_H
#define RT_INFO_CMDS_H

#include "cli/optable.h"

extern const struct rt_cmd_spec rt_cmd_list;
extern const struct rt_cmd_spec rt_cmd_knobs;

#endif
