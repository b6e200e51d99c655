/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_check.h - checks the parser fuzz targets share (fuzz_check.c). */
#ifndef RT_FUZZ_CHECK_H
#define RT_FUZZ_CHECK_H

/* A parser's error must have the form config.h promises ("ORIGIN:LINE: what
 * (expected ...)" or "ORIGIN: ...", one line, not cut:
 * rt_input_error_form_ok): otherwise print it (prog names the fuzz target)
 * and abort, a crash to the fuzzer. */
void rt_fuzz_check_error(const char *prog, const char *origin, const char *err);

#endif
