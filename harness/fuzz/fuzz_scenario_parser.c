/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_scenario_parser.c - fuzz target: scenario files (key = value lines)
 * through rt_config_parse, then validate and dump what was accepted.  It
 * must never crash (run it under ASan+UBSan); parse errors are fine, but an
 * error must have the whole form config.h promises: one line, "FILE:LINE: "
 * or "FILE: ", what was expected, closed, never cut (rt_input_error_form_ok). */
#include "fuzz/fuzz.h"
#include "fuzz/fuzz_check.h"
#include "targets.h"

#include "base/config.h"
#include "base/json.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORIGIN "fuzz-input.scn"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rt_config_use_catalog(&rt_target_catalog);
	struct rt_config c;
	char err[RT_CONFIG_ERRLEN] = "";
	rt_config_defaults(&c);
	snprintf(c.scenario_path, sizeof c.scenario_path, ORIGIN);
	if (rt_config_parse(&c, (const char *)data, size, ORIGIN, err)) {
		rt_fuzz_check_error("fuzz_scenario_parser", ORIGIN, err);
		return 0;
	}
	if (rt_config_validate(&c, err))
		rt_fuzz_check_error("fuzz_scenario_parser", ORIGIN, err);
	struct rt_buf b = { 0 };
	rt_config_dump(&c, &b, "  ");
	json_t *j = rt_config_json(&c);
	char *js = rt_json_dump(j, 0);   /* serializes every knob, any text */
	free(js);
	json_decref(j);
	rt_buf_free(&b);
	return 0;
}
