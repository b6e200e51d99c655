#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make stress SCENARIO=live_refresh` as a user runs it (no --set): rich_live
# really deadlocks (Live._lock <-> Console._lock), the watchdog reports
# DEADLOCK with the wait-for cycle, after the lock-order detector already
# reported the inversion, and the run exits with code 2.
#
# Budget per run: the deadlock happens in the first ~0.1 s; the watchdog
# reports it after stall_timeout_ms (1 s in live_refresh.scn), so each run
# must end within 1 s + 1 s + 0.5 s x RT_TIME_SCALE (process start, the
# confirming second snapshot, exit).  Observed on 2 cores: 20 of 20 runs
# deadlocked, each in ~1.13 s.
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-5}
BOUND=$((1000 + 1000 + $(scaled 500)))
for i in $(seq 1 "$RUNS"); do
  run "run$i" $((BOUND + 10000)) run --scenario live_refresh --report "run$i.json"
  expect_rc 2
  expect_ms_below "$BOUND" "run $i"
  e="run$i.err"
  expect_in "$e" '^DEADLOCK: 2 threads wait for each other in a cycle; target rich_live, scenario live_refresh' "run $i: DEADLOCK header"
  expect_in "$e" '^wait-for cycle:$' "run $i: wait-for cycle"
  expect_in "$e" '^  [a-z]+-[0-9]+ \[[a-z]+\] waits for Live\._lock \(at rich_live\.c:[0-9]+ [a-z_]+\(\)\), held by ' "run $i: someone waits for Live._lock in the cycle"
  expect_in "$e" '^  [a-z]+-[0-9]+ \[[a-z]+\] waits for Console\._lock \(at rich_live\.c:[0-9]+ [a-z_]+\(\)\), held by ' "run $i: someone waits for Console._lock in the cycle"
  expect_in "$e" '^signature: DEADLOCK:[0-9a-f]{16} Console\._lock@[a-z_]+ \| Live\._lock@[a-z_]+$' "run $i: timing-free signature"
  # the potential deadlock was reported before the real one
  lo=$(grep -E -n -m1 '^signature: LOCKORDER:[0-9a-f]* Console\._lock -> (logging\.Handler\.lock -> )?Live\._lock -> Console\._lock$' "$e" | cut -d: -f1 || true)
  dl=$(grep -n -m1 '^DEADLOCK: ' "$e" | cut -d: -f1)
  [ -n "$lo" ] && [ "$lo" -lt "$dl" ] || fail "run $i: the Live/Console LOCKORDER report should precede the DEADLOCK report"
  expect_verdict DEADLOCK
  "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["verdict"]=="DEADLOCK" and d["exit_code"]==2, d["verdict"]' "run$i.json" \
    || fail "run $i: JSON report verdict is not DEADLOCK"
done
pass "rich_live deadlocked and was reported as DEADLOCK with its cycle in $RUNS of $RUNS runs, each under ${BOUND} ms"
