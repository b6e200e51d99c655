/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_check.c - checks the parser fuzz targets share. */
#include "fuzz/fuzz_check.h"

#include "base/config.h"

#include <stdio.h>
#include <stdlib.h>

void rt_fuzz_check_error(const char *prog, const char *origin, const char *err)
{
	if (!rt_input_error_form_ok(err, origin)) {
		fprintf(stderr, "%s: malformed error message: '%s'\n", prog, err);
		abort();
	}
}
