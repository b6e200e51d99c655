#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# rich_live under live_refresh: the lock-order detector reports the
# Live._lock / Console._lock inversion (Rich #4158) in 20 of 20 runs, each
# with a fresh random seed.
#
# stop_on_potential=1 ends a run at the first potential deadlock, so a run
# normally takes ~30 ms; some runs deadlock for real while the drivers are
# being stopped and then end through the watchdog (DEADLOCK, ~1.1 s).
# Statistical budget: each run must end within 5 s wall time (x RT_TIME_SCALE);
# observed on 2 cores: 200 of 200 runs reported the inversion, the slowest in
# 1.2 s.  The bound is on the harness, not a performance goal.
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-20}
BOUND=$(scaled 5000)
# A stall timeout scaled like every other bound: under TSan on a loaded
# machine one thread can starve on a busy lock for over a second, which the
# watchdog reports as a HANG (one thread waiting on one lock for the stall
# timeout); that is not what this test is about.
STALL=$(scaled 1000)
handler=0
for i in $(seq 1 "$RUNS"); do
  run "run$i" $((BOUND + 5000)) run --scenario live_refresh --set stop_on_potential=1 \
    --set stall_timeout_ms="$STALL" --report none
  expect_rc 1 2
  expect_ms_below "$BOUND" "run $i"
  e="run$i.err"
  expect_in "$e" '^WARNING: possible circular locking dependency detected$' "run $i: lockdep-style header"
  expect_in "$e" '^FINDING: potential deadlock \(lock-order inversion\); target rich_live, scenario live_refresh' "run $i: finding line"
  # the canonical cycle in the signature
  # (edges only from the most recent held lock, as lockdep adds them: when
  # the finalizer under Console._lock logs, the printer holds the handler
  # lock too when it takes Live._lock, and the cycle is that chain).
  # The model has a second real inversion on the same path: a finalizer
  # under Console._lock logs (Console._lock -> logging.Handler.lock) while a
  # logging write renders the live display under the handler lock
  # (logging.Handler.lock -> Console._lock, after Live._lock was released).
  # One new edge often closes both cycles and both are reported
  # (lockgraph_multi_cycle); only when the refresh thread's first
  # Live._lock -> Console._lock comes after the others does the run stop
  # (stop_on_potential) on the Console/handler cycle alone.  Both are in
  # corpus/known-signatures.txt; each is checked with its own edges.
  if grep -E -q '^signature: LOCKORDER:[0-9a-f]{16} Console\._lock -> (logging\.Handler\.lock -> )?Live\._lock -> Console\._lock$' "$e"; then
    # both orders, each with the site where it was seen
    expect_in "$e" '^-> #[0-2] Live\._lock -> Console\._lock, (first seen in|new, in) ' "run $i: order Live._lock -> Console._lock"
    expect_in "$e" '^-> #[0-2] (Console\._lock|logging\.Handler\.lock) -> Live\._lock, (first seen in|new, in) ' "run $i: the way into Live._lock"
    expect_in "$e" 'taken at rich_live\.c:[0-9]+ rich_live_refresh\(\)' "run $i: the refresh thread's Live._lock site"
  else
    expect_in "$e" '^signature: LOCKORDER:[0-9a-f]{16} Console\._lock -> logging\.Handler\.lock -> Console\._lock$' "run $i: Live/Console signature, or the Console/handler one"
    handler=$((handler + 1))
  fi
  if grep -E -q '^signature: LOCKORDER:[0-9a-f]{16} Console\._lock -> logging\.Handler\.lock -> Console\._lock$' "$e"; then
    expect_in "$e" '^-> #[0-1] Console\._lock -> logging\.Handler\.lock, (first seen in|new, in) ' "run $i: order Console._lock -> handler lock"
    expect_in "$e" '^-> #[0-1] logging\.Handler\.lock -> Console\._lock, (first seen in|new, in) ' "run $i: order handler lock -> Console._lock"
  fi
  # one signature per bug: live_refresh's finalizers only log, so nothing
  # takes Live._lock right under Console._lock; an edge from every held lock
  # made the same inversion come out again as this transitive 2-class cycle
  expect_not_in "$e" '^signature: LOCKORDER:[0-9a-f]{16} Console\._lock -> Live\._lock -> Console\._lock$' \
    "run $i: the transitive duplicate of the chain"
  expect_in "$e" '^replay: .* --seed [0-9]+' "run $i: replay command"
  case $RC in 1) expect_verdict FINDING ;; 2) expect_verdict DEADLOCK ;; esac
done
# The Live/Console chain is the bug of this test: at least 3 of 4 runs must
# show it.  Budget: 20 of 20 showed it at a load average of 20 on 2 CPUs;
# with 1 run in 20 without it, 6 or more of 20 without it has probability
# 0.0003.
[ "$handler" -le $((RUNS / 4)) ] || fail "the Live/Console chain in only $((RUNS - handler)) of $RUNS runs"
pass "Live/Console inversion reported in $((RUNS - handler)) of $RUNS runs, the Console/handler one alone in $handler, each under ${BOUND} ms"
