#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A child that dies (test_crash: abort() on the 100th write) is reported by
# the supervisor: exit 4 (CRASH), "died of signal 6 (Aborted)", and the JSON
# report records it.  Bound per run: 1 s x RT_TIME_SCALE (it dies at once)
# plus up to 3 s the dying child may spend naming its frames.  Before it
# dies the child writes the crashing thread's native stack (raw frames, then
# names and file:line), here down to the target's crash_write; test_segv (a
# null pointer store) dies of SIGSEGV the same way.  Sanitizer builds print
# their own stacks instead (not checked here).
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
BOUND=$(( $(scaled 1000) + 3000 ))
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
  if [ -z "$RT_SANITIZER" ]; then
    expect_in "$e" '^\*\*\* crash: signal 6 \(ABRT\) in thread [0-9]+; its native stack \(raw\):$' \
      "run $i: the child's own crash report"
    expect_in "$e" '^    #[0-9]+ +crash_write[.a-z]* \(.*targets/test_crash\.c:[0-9]+\)$' \
      "run $i: the crashing thread's stack with file:line"
  fi
done
if [ -z "$RT_SANITIZER" ]; then
  run segv $((BOUND + 10000)) run --scenario live_refresh --target test_segv --report none
  expect_rc 4
  expect_in segv.err '^CRASH: scenario process [0-9]+ died of signal 11 ' "SIGSEGV: supervisor report"
  expect_in segv.err '^\*\*\* crash: signal 11 \(SEGV\) in thread [0-9]+; its native stack \(raw\):$' \
    "SIGSEGV: the child's own crash report"
  expect_in segv.err '^    #0 +segv_write \(.*targets/test_crash\.c:[0-9]+\)$' \
    "SIGSEGV: the faulting frame first, with file:line"
fi
pass "dead child reported as CRASH in $RUNS of $RUNS runs"
