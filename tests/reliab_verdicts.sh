#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Right verdicts at the edges (issue 11, item 7).
#  1. A cycle is a DEADLOCK even when a thread of it sits between its two
#     acquires for longer than the stall timeout (busted gave HANG in 2 of
#     200 runs at 100 ms on a loaded machine: the snapshot showed the owner
#     of Busted.A "running").  Noise sleeps of up to 60 ms at half of the
#     instrumented points, with a 50 ms stall timeout, put a thread in that
#     window at the watchdog's moment on purpose: the old single-snapshot
#     verdict said HANG in 11 of 30 runs.  Statistical budget: 30 runs, all
#     must be DEADLOCK; the old code would pass with probability
#     (19/30)^30 < 1e-5; the settled verdict could say HANG only if a thread
#     stayed in the window past the settle budget (0.5 s) with sleeps of at
#     most 60 ms.
#  2. Starvation with progress is no hang: 256 print + 256 log workers on
#     the fixed design wait over a second for the fair, busy
#     logging.Handler.lock, whose owners keep changing (4 of 4 false HANGs
#     before).  Two runs, both must be clean.
source "$(dirname "$0")/lib.sh"

n=30 dl=0
for i in $(seq 1 $n); do
  run "busted$i" "$(scaled 30000)" run --scenario busted_abba --seed "$i" --set stall_timeout_ms=50 \
    --set noise_delay_pct=50 --set noise_max_delay_us=60000 --set confirm_runs=0 --report none
  expect_rc 2
  expect_verdict DEADLOCK
  expect_in "$LAST.err" '^wait-for cycle:$' "busted seed $i: the cycle"
  dl=$((dl + 1))
  rm -f "busted$i".*
done

for i in 1 2; do
  run "starve$i" "$(scaled 60000)" run --scenario live_refresh --target rich_live_fixed \
    --set print_workers=256 --set log_workers=256 --set duration_ms=2000 --seed "$i" \
    --report "$WORK/starve$i.json"
  expect_clean_run "256+256 workers, run $i" 'log_ops >= 256'
done
pass "$dl/$n busted runs DEADLOCK (none HANG) with threads between acquires; 2/2 starved-but-moving runs clean"
