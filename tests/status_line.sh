#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The status line on a pseudo-terminal: clear to end of line, active roles
# only, time left (run) or executions of the budget (explore), findings; plain
# lines off a terminal (tests/status_line.py has the checks).
source "$(dirname "$0")/lib.sh"
"$PY" "$RT_SOURCE_DIR/tests/status_line.py" "$RT_BIN" "$RT_TIME_SCALE" || fail "status line (see above)"
pass "status line on a terminal and off one"
