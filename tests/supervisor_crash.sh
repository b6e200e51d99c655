#!/usr/bin/env bash
# A child that dies (test_crash: abort() on the 100th write) is reported by
# the supervisor: exit 4 (CRASH), "died of signal 6 (Aborted)", and the JSON
# report records it.  Bound per run: 1 s x RT_TIME_SCALE (it dies at once).
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
BOUND=$(scaled 1000)
for i in $(seq 1 "$RUNS"); do
  # a report left over from an earlier run must not pass for this child's
  echo '{"stale": true}' >"run$i.json"
  run "run$i" $((BOUND + 10000)) run --scenario live_refresh --target test_crash --report "run$i.json"
  expect_rc 4
  expect_verdict CRASH
  expect_ms_below "$BOUND" "run $i"
  e="run$i.err"
  expect_in "$e" '^CRASH: scenario process [0-9]+ died of signal 6 \(Aborted\); target test_crash' "run $i: supervisor report"
  expect_in "$e" '^signature: CRASH:[0-9a-f]{16} died: signal 6$' "run $i: signature"
  "$PY" - "run$i.json" <<'PYEOF' || fail "run $i: JSON report"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "CRASH" and d["exit_code"] == 4, d["verdict"]
assert "died of signal 6" in d["stats"]["supervisor"], d["stats"]
# the child wrote no report before it died (and no stale file is picked up)
assert d["stats"]["child_report"] is None, d["stats"]["child_report"]
assert [f["kind"] for f in d["findings"]] == ["crash"], d["findings"]
PYEOF
done
pass "dead child reported as CRASH in $RUNS of $RUNS runs"
