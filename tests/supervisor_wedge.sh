#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A child that ignores everything (test_wedge: ignores SIGTERM/INT/HUP/QUIT,
# then SIGSTOPs its whole process, watchdog included) is killed by the
# supervisor and reported: exit 4 (CRASH), "wedged ... killed it", and the
# child process is gone afterwards.
#
# The supervisor declares a child wedged after stall_timeout + 2 s without a
# heartbeat (15 s under TSan, whose reports stop the process while they
# symbolize); with stall_timeout_ms=500 each run must end within
# 500 ms + that grace + 1000 ms x RT_TIME_SCALE.
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-2}
STALL=500
GRACE=2000
[ "$RT_SANITIZER" = thread ] && GRACE=15000
BOUND=$((STALL + GRACE + $(scaled 1000)))
for i in $(seq 1 "$RUNS"); do
  run "run$i" $((BOUND + 10000)) run --scenario live_refresh --target test_wedge \
    --set stall_timeout_ms=$STALL --report "run$i.json"
  expect_rc 4
  expect_verdict CRASH
  expect_ms_below "$BOUND" "run $i"
  e="run$i.err"
  expect_in "$e" "^CRASH: scenario process [0-9]+ wedged \(no heartbeat from the scenario's watchdog\); killed it; target test_wedge" "run $i: supervisor report"
  expect_in "$e" '^supervisor: the scenario process could not report this itself\.$' "run $i: supervisor line"
  expect_in "$e" '^signature: CRASH:[0-9a-f]{16} wedged: no heartbeat$' "run $i: signature"
  pid=$(grep -E -m1 -o 'scenario process [0-9]+ wedged' "$e" | awk '{print $3}')
  if kill -0 "$pid" 2>/dev/null && ! grep -q zombie "/proc/$pid/status" 2>/dev/null; then
    # it may be a recycled pid: only fail if it is still a redirtorture
    if grep -q redirtorture "/proc/$pid/cmdline" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      fail "run $i: wedged child $pid still alive after the supervisor returned"
    fi
  fi
  "$PY" - "run$i.json" <<'PYEOF' || fail "run $i: JSON report"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "CRASH" and d["exit_code"] == 4, d["verdict"]
assert "wedged" in d["stats"]["supervisor"], d["stats"]
assert [f["kind"] for f in d["findings"]] == ["crash"], d["findings"]
PYEOF
done
pass "wedged child killed and reported as CRASH in $RUNS of $RUNS runs, each under ${BOUND} ms"
