#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# sessions_buggy.sh TARGET: a run-mode design that swaps the global
# sys.stdout (global_swap; proxy_with_global_redirect, where session 0's
# contextlib.redirect_stdout defeats the proxy) leaks one session's output
# into another session's browser (or capture) in every run of the reload
# loop, and leaves a stale stream object installed.
# Budget per run: 1.5 s + 2 s x RT_TIME_SCALE.
source "$(dirname "$0")/lib.sh"

TARGET=${1:?usage: sessions_buggy.sh TARGET}
RUNS=${RUNS:-3}
BOUND=$((1500 + $(scaled 2000)))
for i in $(seq 1 "$RUNS"); do
  run "run$i" $((BOUND + 10000)) run --scenario run_mode_sessions --target "$TARGET" \
    --set duration_ms=1500 --report none
  expect_rc 1
  expect_verdict FINDING
  expect_ms_below "$BOUND" "run $i"
  e="run$i.err"
  expect_in "$e" "^FINDING: cross-session leak: .* reached .*; target $TARGET" "run $i: leak"
  expect_in "$e" '^      -> the line was written here$' "run $i: the interleaving"
  expect_in "$e" '^FINDING: restore invariant broken: no cell is running but stream objects' "run $i: stale sys.stdout"
  expect_not_in "$e" '^FINDING: (a new session|resources)' "run $i: no fd-level effects"
done
pass "$TARGET: cross-session leak in $RUNS of $RUNS runs"
