#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The output-integrity oracle can fail: rich_live's FileProxy keeps one
# unlocked line buffer per stream shared by all threads (as Rich does), so
# with every print split into partial writes, concurrent writers merge and
# drop each other's text.  With refresh and finalizers off there is no lock
# cycle to find (no Live/Console nesting, no logging under Console._lock):
# the only finding left is the oracle's.
#
# Statistical budget: 5 of 5 runs of 300 ms must report the violation;
# observed: every run of 300 ms has hundreds of lost and merged lines
# (e.g. 388 lost, 240 split or merged), so a miss would mean a broken oracle.
# Control: the same settings on rich_live_fixed (per-thread buffers) must pass
# the oracle, so it is not crying wolf.
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-5}
SETS=(--set finalizer_every=0 --set refresh_hz=0 --set partial_pct=100 --set duration_ms=300
      --set stall_timeout_ms="$(scaled 1000)")
BOUND=$((300 + $(scaled 1500)))
for i in $(seq 1 "$RUNS"); do
  run "run$i" $((BOUND + 10000)) run --scenario live_refresh "${SETS[@]}" --report "run$i.json"
  expect_rc 1
  expect_verdict FINDING
  expect_ms_below "$BOUND" "run $i"
  e="run$i.err"
  expect_in "$e" '^FINDING: output integrity violated; target rich_live, scenario live_refresh' "run $i: integrity finding"
  expect_in "$e" '^  tagged lines completed by drivers: [0-9]+; found intact: [0-9]+$' "run $i: counts"
  # an example line of what went wrong
  expect_in "$e" '^  (lost:|split or merged:) +[1-9][0-9]*, e\.g\. ' "run $i: lost or merged lines with an example"
  expect_in "$e" '^signature: INTEGRITY:[0-9a-f]{16} [a-z+]+$' "run $i: signature"
  expect_not_in "$e" 'LOCKORDER|DEADLOCK' "run $i: nothing but the oracle may fire"
  "$PY" - "run$i.json" <<'PYEOF' || fail "run $i: JSON report"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "FINDING", d["verdict"]
assert [f["kind"] for f in d["findings"]] == ["integrity"], d["findings"]
assert d["findings"][0]["title"].startswith("output integrity violated: "), d["findings"][0]["title"]
PYEOF
done

run control $((BOUND + 10000)) run --scenario live_refresh --target rich_live_fixed "${SETS[@]}" --report none
expect_rc 0
expect_verdict SUCCESS
expect_not_in control.err 'integrity' "control run on rich_live_fixed"
pass "integrity violations caught in $RUNS of $RUNS runs; rich_live_fixed passes the same check"
