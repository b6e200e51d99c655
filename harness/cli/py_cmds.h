/* SPDX-License-Identifier: Apache-2.0 */
/* py_cmds.h - `py`: a Python program or test suite, unchanged, under the
 * harness (py_cmds.c parses; commands/pyprog.c runs it). */
#ifndef RT_PY_CMDS_H
#define RT_PY_CMDS_H

#include "cli/optable.h"

extern const struct rt_cmd_spec rt_cmd_py;

#endif
