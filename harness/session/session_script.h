/* SPDX-License-Identifier: Apache-2.0 */
/* session_script.h - session scripts (session_script.c): a fixed interleaving of session
 * steps, for exact repros of session findings. */
#ifndef RT_SESSION_SCRIPT_H
#define RT_SESSION_SCRIPT_H

#include "runtime/rt.h"

enum sc_op {
	SC_START, SC_STOP, SC_ENTER, SC_EXIT, SC_PRINT, SC_CWRITE, SC_CAP_BEGIN, SC_CAP_END,
	SC_LOG, SC_END,   /* SC_END: implicit cleanup after the script */
};
struct sc_step {
	int actor;                 /* index into actors */
	int op;                    /* enum sc_op */
	int stream;                /* RT_STDOUT or RT_STDERR */
	int line;                  /* in the script file */
};
struct sc_script {
	char actors[RT_MAX_SESSIONS + 1][12];
	int nactors;
	int server_actor;          /* index of "server", or -1 */
	struct sc_step *steps;
	int nsteps;
};
/* Parse a script file; 0, or -1 with "file:line: what (expected ...)". */
int sc_load(const char *path, struct sc_script *out, char *err, size_t n);
void sc_free(struct sc_script *s);


#endif
