#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# busted (scenario busted_abba) is always caught: in 10 of 10 runs the
# lock-order detector reports the Busted.A / Busted.B inversion, and the
# run fails with FINDING (1) or, when the ABBA really deadlocks, DEADLOCK (2).
#
# Budget per run: the scenario's duration (5 s) + stall timeout (1 s) +
# 1 s x RT_TIME_SCALE; observed ~1.03 s (it deadlocks at once under 4 writers).
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-10}
BOUND=$((5000 + 1000 + $(scaled 1000)))
for i in $(seq 1 "$RUNS"); do
  run "run$i" $((BOUND + 10000)) run --scenario busted_abba --report none
  expect_rc 1 2
  expect_ms_below "$BOUND" "run $i"
  e="run$i.err"
  expect_in "$e" '^FINDING: potential deadlock \(lock-order inversion\); target busted, scenario busted_abba' "run $i: finding line"
  expect_in "$e" '^signature: LOCKORDER:[0-9a-f]{16} Busted\.A -> Busted\.B -> Busted\.A$' "run $i: Busted signature"
  expect_in "$e" '^-> #[01] Busted\.A -> Busted\.B, (first seen in|new, in) ' "run $i: order A -> B"
  expect_in "$e" '^-> #[01] Busted\.B -> Busted\.A, (first seen in|new, in) ' "run $i: order B -> A"
  if [ "$RC" -eq 2 ]; then
    expect_verdict DEADLOCK
    expect_in "$e" '^signature: DEADLOCK:[0-9a-f]{16} Busted\.A@busted_write \| Busted\.B@busted_write$' "run $i: deadlock signature"
  else
    expect_verdict FINDING
  fi
done
pass "busted caught in $RUNS of $RUNS runs"
