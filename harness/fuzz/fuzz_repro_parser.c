/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_repro_parser.c - fuzz target: repro files through the strict parser
 * rt_repro_parse, then the checks `redirtorture replay` makes before it runs
 * anything.  It must never crash (run it under ASan+UBSan); rejections are
 * fine, but one must have the whole form config.h promises: one line,
 * "FILE:LINE: " or "FILE: ", what was expected, closed, never cut
 * (rt_input_error_form_ok). */
#include "fuzz/fuzz.h"
#include "fuzz/fuzz_check.h"
#include "targets.h"

#include "base/config.h"
#include "sched/repro.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORIGIN "fuzz-input.repro"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rt_config_use_catalog(&rt_target_catalog);
	struct rt_repro r;
	char err[RT_CONFIG_ERRLEN] = "";
	if (rt_repro_parse((const char *)data, size, ORIGIN, &r, err)) {
		rt_fuzz_check_error("fuzz_repro_parser", ORIGIN, err);
		rt_repro_free(&r);
		return 0;
	}
	if (rt_config_validate(&r.cfg, err))
		rt_fuzz_check_error("fuzz_repro_parser", ORIGIN, err);
	struct rt_buf b = { 0 };
	rt_config_dump(&r.cfg, &b, "");
	for (size_t i = 0; i < r.nchoices; i++)
		rt_buf_printf(&b, " %u.%02x", r.choices[i].tid, r.choices[i].check);
	rt_buf_free(&b);
	rt_repro_free(&r);
	return 0;
}
