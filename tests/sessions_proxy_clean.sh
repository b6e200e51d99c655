#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# thread_local_proxy (marimo run mode after PR #8353) is clean over a long
# run.  Budget: one 15 s run of scenarios/run_mode_sessions.scn (16
# sessions reloading, 6 cells x 4 writes per load, 10% fd-level writes,
# 10% of cells capturing, a server logging every 2 ms), i.e. at least
# 20000/RT_TIME_SCALE cells (about 250000 in the default build), every one
# checked: each print in its own session's browser exactly once, each
# fd-level write and server line exactly once at the server console, each
# captured line in its capture; fd 1/2 and sys.stdout untouched whenever no
# cell runs; threads and fds back to the baseline.  No finding, and no
# sanitizer report in the sanitizer builds.
source "$(dirname "$0")/lib.sh"

BOUND=$((15000 + $(scaled 3000)))
run long $((BOUND + 10000)) run --scenario run_mode_sessions --target thread_local_proxy \
  --set duration_ms=15000 --report long.json
expect_rc 0
expect_verdict SUCCESS
expect_ms_below "$BOUND" "long run"
expect_not_in long.err '^[^[]' "stderr beyond progress lines"
expect_not_in long.err 'ThreadSanitizer|AddressSanitizer|runtime error' "sanitizers"
expect_in long.out '^sessions: 16 ids, .*; lost or duplicated 0; misplaced or damaged 0$' "all lines accounted for"
cells=$(sed -n 's/^sessions: 16 ids, [0-9]* loads, \([0-9]*\) cells;.*/\1/p' long.out)
min=$((20000 / RT_TIME_SCALE))
[ "${cells:-0}" -ge "$min" ] || fail "only ${cells:-0} cells in 15 s (expected at least $min)"
"$PY" - long.json <<'PYEOF' || fail "JSON report"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "SUCCESS" and d["findings"] == [], d["findings"]
assert d["stats"]["session_ops"] > 0 and d["stats"]["server_ops"] > 0, d["stats"]
PYEOF
pass "thread_local_proxy: no finding in 15 s, $cells cells checked"
