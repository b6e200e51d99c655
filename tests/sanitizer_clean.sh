#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The harness itself is sanitizer-clean (registered only in the tsan and
# asan-ubsan presets): the fixed targets, run through every rich_live scenario
# of scenarios/CFLIST, supervised and in-process (--no-supervisor), produce no
# sanitizer output at all and exit 0.  (lib.sh's run() already fails any run
# of any test on a sanitizer error; this test also forbids the TSan
# lock-order-inversion reports that buggy targets legitimately produce.)
# Each run lasts 1 s; bound 1 s + 2 s x RT_TIME_SCALE.
source "$(dirname "$0")/lib.sh"

[ -n "$RT_SANITIZER" ] || { pass "not a sanitizer build: nothing to check"; exit 0; }
PAT='WARNING: ThreadSanitizer|ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (ThreadSanitizer|AddressSanitizer|UndefinedBehaviorSanitizer)'
BOUND=$((1000 + $(scaled 2000)))
n=0
for tgt in rich_live_fixed test_clean; do
  for scn in live_refresh finalizer_storm logging_storm; do
    for mode in supervised no-supervisor; do
      name="$tgt.$scn.$mode"
      extra=()
      [ "$mode" = no-supervisor ] && extra=(--no-supervisor)
      run "$name" $((BOUND + 10000)) run --scenario "$scn" --target "$tgt" --set duration_ms=1000 \
        --set stall_timeout_ms="$(scaled 1000)" --report none "${extra[@]}"
      # 66 would be a sanitizer turning a clean exit into a failure
      expect_rc 0
      expect_verdict SUCCESS
      expect_not_in "$name.err" "$PAT" "$name ($RT_SANITIZER)"
      expect_ms_below "$BOUND" "$name"
      n=$((n + 1))
    done
  done
done
# the harness's report paths (lock-order report, hang report, emergency
# exit) on buggy targets: only TSan's own lock-order-inversion may appear
for tgt in rich_live test_deadlock test_stuck; do
  run "$tgt" 30000 run --scenario live_refresh --target "$tgt" --set stall_timeout_ms=500 --report none
  expect_rc 1 2 3
  grep -E "$PAT" "$tgt.err" | grep -v -E 'lock-order-inversion' >/dev/null \
    && fail "$tgt: sanitizer report other than a lock-order-inversion"
  n=$((n + 1))
done
pass "$n runs without sanitizer reports ($RT_SANITIZER)"
