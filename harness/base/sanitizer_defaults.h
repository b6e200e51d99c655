/* SPDX-License-Identifier: Apache-2.0 */
/* sanitizer_defaults.h - sanitizer settings of the harness
 * (sanitizer_defaults.c): exit code and where reports go. */
#ifndef RT_SANITIZER_DEFAULTS_H
#define RT_SANITIZER_DEFAULTS_H

/* Sanitizer reports go to fd from now on (no-op without sanitizers). */
void rt_sanitizer_report_fd(int fd);
/* 1 in a ThreadSanitizer build: it cannot start threads in a child forked
 * from a multi-threaded process. */
int rt_sanitizer_is_tsan(void);
/* End a forked child with code now.  Under TSan through the raw syscall:
 * TSan turns _exit's status into 66 once it reported anything, and a
 * target's own lock-order inversion (the bug under test) is such a report;
 * the verdict is the status, TSan's reports stay on stderr. */
void rt_exit_child(int code) __attribute__((noreturn));

#endif
