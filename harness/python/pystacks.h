/* SPDX-License-Identifier: Apache-2.0 */
/* pystacks.h - every thread's Python stack in hang reports (pystacks.c).
 * Include Python.h first. */
#ifndef RT_PYSTACKS_H
#define RT_PYSTACKS_H

/* Starts the helper thread (once) and installs rt_hang_lang_stacks.  After
 * the interpreter is initialized.  0 or -errno. */
int rt_pystacks_install(void);

#endif
