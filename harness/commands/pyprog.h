/* SPDX-License-Identifier: Apache-2.0 */
/* pyprog.h - `redirtorture py`: a Python program or test suite, unchanged,
 * under the harness (pyprog.c; the command line is cli/py_cmds.c). */
#ifndef RT_PYPROG_H
#define RT_PYPROG_H

#include "py_plugin.h"

#include <stdint.h>

struct rt_py_opts {
	uint64_t runs;                /* >= 1 */
	int keep_going, supervised;
	uint64_t seed;                /* of the first run; 0 = from the clock */
	const char *venv;             /* or NULL */
	const char *report;           /* JSON report path, or NULL for none */
	const char *const *sets;      /* KEY=VALUE knobs */
	int nsets;
	struct rt_py_program prog;    /* prog.venv = venv */
};

/* Runs it; argv0 starts the replay commands.  Returns the exit code (the
 * worst verdict of the runs). */
int rt_py_command(const struct rt_py_opts *o, const char *argv0);

#endif
