/* SPDX-License-Identifier: Apache-2.0 */
/* pystacks.h - every thread's Python stack in hang and crash reports
 * (pystacks.c).
 * Include Python.h first. */
#ifndef RT_PYSTACKS_H
#define RT_PYSTACKS_H

/* Starts the helper thread (once) and installs rt_hang_lang_stacks.  After
 * the interpreter is initialized.  0 or -errno. */
int rt_pystacks_install(void);
/* A crash of this process writes every Python thread's stack to fd first
 * (CPython's faulthandler, chained with the crash handler installed now).
 * GIL held; once per run, after the harness's crash handler.  0, or -1 with
 * a Python error set. */
int rt_pystacks_crash_enable(int fd);

#endif
