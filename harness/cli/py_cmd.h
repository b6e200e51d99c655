/* py_cmd.h - `py`: a Python program or test suite, unchanged, under the
 * harness (py_cmd.c parses; commands/pyprog.c runs it). */
#ifndef RT_PY_CMD_H
#define RT_PY_CMD_H

#include "cli/optable.h"

extern const struct rt_cmd_spec rt_cmd_py;

#endif
