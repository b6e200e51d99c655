#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# clean_target.sh TARGET: a correct target produces no finding in 20 short
# runs.  The runs cycle through the rich_live scenarios of scenarios/CFLIST
# (live_refresh, finalizer_storm, logging_storm) with --target TARGET and
# duration_ms=500, fresh random seeds: every run must exit 0, print
# "End of test: SUCCESS", report nothing on stderr but progress lines, and
# its summary must count zero findings and at least 20 driver operations
# (so a harness that silently ran nothing would fail).  The stall timeout is
# scaled by RT_TIME_SCALE like the time bounds: under TSan on a loaded machine
# a thread can starve on a busy lock for over a second.
#
# Budget per run: 500 ms + 2.5 s x RT_TIME_SCALE (start, join, oracle, exit;
# observed ~0.65 s on an idle 2-core machine).
source "$(dirname "$0")/lib.sh"

TARGET=${1:?usage: clean_target.sh TARGET}
RUNS=${RUNS:-20}
SCENARIOS=(live_refresh finalizer_storm logging_storm)
BOUND=$((500 + $(scaled 2500)))
for i in $(seq 1 "$RUNS"); do
  scn=${SCENARIOS[$(( (i - 1) % ${#SCENARIOS[@]} ))]}
  run "run$i" $((BOUND + 10000)) run --scenario "$scn" --target "$TARGET" \
    --set duration_ms=500 --set stall_timeout_ms="$(scaled 1000)" --report "run$i.json"
  expect_ms_below "$BOUND" "run $i ($scn)"
  # driver operations: thousands on an idle machine; TSan on a loaded one has
  # made only ~100 in the 500 ms
  expect_clean_run "run $i ($scn)" 'print_ops + log_ops >= 20'
done
pass "$TARGET: no finding in $RUNS runs (${SCENARIOS[*]}), each under ${BOUND} ms"
