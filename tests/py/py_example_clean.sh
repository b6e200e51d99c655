#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_example_clean.sh: the shipped example py: target
# (targets/py/example_redirect.py) passes: RUNS (6) runs of 1.5 s cycling
# through live_refresh, finalizer_storm (printing and logging finalizers) and
# logging_storm, each exit 0 with no finding and real work done, including
# its refresh().
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

RUNS=${RUNS:-6}
SCENARIOS=(live_refresh finalizer_storm logging_storm)
BOUND=6500
for i in $(seq 1 "$RUNS"); do
  scn=${SCENARIOS[$(( (i - 1) % ${#SCENARIOS[@]} ))]}
  run "run$i" $((BOUND + 10000)) run --scenario "$scn" --target py:example_redirect \
    --set duration_ms=1500 --report "run$i.json"
  skip_if_no_python
  expect_ms_below "$BOUND" "run $i ($scn)"
  expect_clean_run "run $i ($scn)" 'print_ops + log_ops >= 100' 'finalizer_ops >= 10' 'refresh_ops >= 5'
done
pass "py:example_redirect: no finding in $RUNS runs (${SCENARIOS[*]})"
