/* SPDX-License-Identifier: Apache-2.0 */
/* py_fds.h - fd 1/2 of a Python run as pipes drained into the sinks
 * (py_fds.c). */
#ifndef RT_PY_FDS_H
#define RT_PY_FDS_H

#include <stddef.h>

/* Pipes on fd 1 and fd 2 and a thread that feeds what they carry to
 * feed(0 = stdout / 1 = stderr, bytes, count); with echo, also copied in
 * order to the saved real stdout/stderr (rt_out_fd, rt_err_fd).  0 or
 * -errno (fd 1/2 left as they were). */
int py_fds_open(void (*feed)(int stream, const char *s, size_t n), int echo);
/* 1 between open and close. */
int py_fds_on(void);
/* The saved originals back on fd 1/2; what the pipes still hold is fed;
 * the drain thread is joined; the echo gets 1 s to write out the rest.
 * 0, or -1 if some of the echo was left unwritten. */
int py_fds_close(void);

#endif
