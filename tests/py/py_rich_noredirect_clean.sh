#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_rich_noredirect_clean.sh [SCENARIO]: the reporter's workaround, real
# Rich's Live with redirect_stdout/redirect_stderr off, under the same
# workload as py_rich_hang.sh (scenarios/SCENARIO.scn, py_live_refresh by
# default), stays clean: RUNS (20) runs of
# DURATION_MS (2500) each exit 0 with no finding (no lock-order cycle, no
# hang, every tagged line intact), and drivers, finalizers and Live's
# refresh thread all made progress.
# Budget: 20 x 2.5 s = 50 s of exposure, about 190 times the median and 15
# times the worst time to hang of py_rich on the same workloads (measured in
# 60 runs: median 0.26 s, worst 3.2 s; see py_rich_hang.sh).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

SCENARIO=${1:-py_live_refresh}
RUNS=${RUNS:-20}
DURATION_MS=${DURATION_MS:-2500}
BOUND=$((DURATION_MS + 5000))
for i in $(seq 1 "$RUNS"); do
  run "run$i" $((BOUND + 10000)) run --scenario "$SCENARIO" --target py_rich_noredirect \
    --set duration_ms="$DURATION_MS" --report "run$i.json"
  skip_if_no_python
  expect_ms_below "$BOUND" "run $i"
  # refresh_ops: Live's thread rendered (it gets few GIL turns)
  expect_clean_run "run $i" 'print_ops >= 100' 'finalizer_ops >= 10' 'refresh_ops >= 1'
done
pass "py_rich_noredirect ($SCENARIO): clean in $RUNS runs of ${DURATION_MS} ms"
