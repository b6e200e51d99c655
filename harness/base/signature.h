/* SPDX-License-Identifier: Apache-2.0 */
/* signature.h - the parts of a finding's signature text that name code.
 *
 * A signature names a bug, not a build of it: lock classes and function
 * names, the way ClusterFuzz's crash state is the top frames' function
 * names; never line numbers, addresses, thread names, times or counts.  The
 * same bug keeps its signature when code above its sites moves
 * (tests/signature_test.c, tests/signature_stable.sh). */
#ifndef RT_SIGNATURE_H
#define RT_SIGNATURE_H

#include "base/util.h"

/* A name as signatures show it: ":LINE" right after a file name is dropped
 * ("rich/console.py:731 Console._lock" -> "rich/console.py Console._lock";
 * Python lock classes and conditions are named by where they are made). */
void rt_sig_name(struct rt_buf *b, const char *name);
/* "WHAT@FUNC": a lock class (or syscall, condition) and the function that
 * waits for it or takes it; WHAT through rt_sig_name. */
void rt_sig_key(struct rt_buf *b, const char *what, const char *func);
/* Free text (a watchdog's reason) without its numbers: "checking sessions
 * for 1.14 s" -> "checking sessions for s". */
void rt_sig_text(struct rt_buf *b, const char *text);

#endif
