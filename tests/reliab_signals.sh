#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Kills (issue 11, item 3).  The harness runs the scenario in a child; a
# signal to it must never lose the report or leave the target behind:
#  - SIGTERM to the parent, SIGINT to the whole process group (Ctrl-C): the
#    parent stops the child (SIGTERM, SIGKILL after a 1 s grace), writes the
#    JSON report with verdict INTERRUPTED, prints `End of test: INTERRUPTED`
#    and exits 130; with a healthy and with a wedged (SIGSTOPped) target;
#  - SIGKILL to the parent: the child dies with it (PR_SET_PDEATHSIG), and
#    the older report at the path stays as it was (it is only ever replaced
#    by a complete new file, never deleted at start);
#  - SIGKILL to the child: the parent reports CRASH (exit 4);
#  - stdout closed by its reader (`| head -1`): CLOSED (exit 141), quiet;
# no orphan in any case.  Bounds: the grace (1 s) plus slack, scaled.
source "$(dirname "$0")/lib.sh"

gone() {   # gone PID: no such process, or only a zombie nobody reaped yet
  [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}
wait_gone() {   # wait_gone PID MS WHAT
  local t=0
  while ! gone "$1"; do
    [ "$t" -lt "$2" ] || fail "$3: process $1 still there after $2 ms ($(cat /proc/$1/stat 2>/dev/null))"
    sleep 0.05; t=$((t + 50))
  done
}
# start NAME TARGET: the harness in its own process group, in the
# background; sets PID (the harness) and CHILD (its scenario process), and
# waits until the target runs (healthy: first prints; wedged: stopped)
start() {
  LAST=$1
  printf '%q ' "$RT_BIN" run --scenario live_refresh --target "$2" --set duration_ms=60000 \
    --set stall_timeout_ms=60000 --report "$1.json" >"$1.cmd"
  # job control on: the job gets its own process group (as under an
  # interactive shell) and does not start with SIGINT ignored
  set -m
  "$RT_BIN" run --scenario live_refresh --target "$2" --set duration_ms=60000 \
    --set stall_timeout_ms=60000 --report "$1.json" >"$1.out" 2>"$1.err" &
  PID=$!
  set +m
  local t=0
  CHILD=""
  while [ -z "$CHILD" ]; do
    CHILD=$(pgrep -P "$PID" | head -n 1 || true)
    [ "$t" -lt "$(scaled 10000)" ] || fail "$1: no scenario process after $t ms"
    sleep 0.05; t=$((t + 50))
  done
  if [ "$2" = test_wedge ]; then   # wait until it has stopped itself
    while [ "$(awk '{print $3}' "/proc/$CHILD/stat" 2>/dev/null)" != T ]; do
      [ "$t" -lt "$(scaled 10000)" ] || fail "$1: the wedge target did not stop"
      sleep 0.05; t=$((t + 50))
    done
  else
    sleep 0.5
  fi
}
finish() {   # finish: wait for the harness; sets RC and MS (from the signal)
  local t0 t1
  t0=$(now_ms)
  set +e
  wait "$PID"
  RC=$?
  set -e
  t1=$(now_ms)
  MS=$((t1 - t0))
  check_sanitizer_output "$LAST.err"
}
expect_interrupted() {   # expect_interrupted WHAT SIGNAL-NAME
  expect_rc 130
  expect_verdict INTERRUPTED
  expect_ms_below "$(scaled 5000)" "$1: stopped within the grace"
  expect_in "$LAST.err" "^INTERRUPTED: interrupted by signal [0-9]+ \\(.*\\); stopped the scenario process $CHILD" "$1: the report"
  expect_in "$LAST.out" "^report: $LAST.json\$" "$1: report path"
  "$PY" - "$LAST.json" <<'PYEOF' || fail "$1: JSON report"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "INTERRUPTED" and d["exit_code"] == 130, d["verdict"]
assert d["findings"][-1]["kind"] == "interrupted", d["findings"]
assert "child_report" in d["stats"], d["stats"]
PYEOF
  wait_gone "$CHILD" 1000 "$1: the scenario process"
}

n=0
for tgt in test_clean test_wedge; do
  # SIGTERM to the parent
  echo '{"old": "report"}' >"term-$tgt.json"
  start "term-$tgt" "$tgt"
  kill -TERM "$PID"
  finish
  expect_interrupted "SIGTERM, $tgt"
  n=$((n + 1))

  # Ctrl-C: SIGINT to the process group
  start "int-$tgt" "$tgt"
  kill -INT -- "-$PID"
  finish
  expect_interrupted "group SIGINT, $tgt"
  n=$((n + 1))

  # SIGKILL to the parent: the child dies too; the older report stays
  echo '{"old": "report"}' >"kill-$tgt.json"
  start "kill-$tgt" "$tgt"
  kill -KILL "$PID"
  finish
  [ "$RC" -eq 137 ] || fail "SIGKILL $tgt: exit $RC"
  wait_gone "$CHILD" "$(scaled 2000)" "SIGKILL to the parent, $tgt: the scenario process"
  [ "$(cat "kill-$tgt.json")" = '{"old": "report"}' ] || fail "SIGKILL $tgt: the older report changed"
  n=$((n + 1))
done

# SIGKILL to the child: the parent reports it
start killchild test_clean
kill -KILL "$CHILD"
finish
expect_rc 4
expect_verdict CRASH
expect_in "$LAST.err" "^CRASH: scenario process $CHILD died of signal 9" "SIGKILL to the child"
"$PY" -c 'import json,sys; assert json.load(open(sys.argv[1]))["verdict"] == "CRASH"' killchild.json \
  || fail "SIGKILL to the child: JSON report"
n=$((n + 1))
# stdout's reader goes away (`| head -1`, which exits after the header):
# no SIGPIPE death (141 from the shell, no report); the parent stops the
# child (SIGTERM: it died of the parent's own handler, run on until SIGKILL,
# when the signal came before the child had its own), writes the complete
# report (verdict CLOSED) and exits 141, nothing on stderr; no orphan.
closed() {   # closed NAME TARGET SIGNAL-WORD
  LAST=$1
  local t0
  t0=$(now_ms)
  set +e
  "$RT_BIN" run --scenario live_refresh --target "$2" --set duration_ms=60000 \
    --set stall_timeout_ms=60000 --report "$1.json" 2>"$1.err" | head -n 1 >"$1.out"
  RC=${PIPESTATUS[0]}
  set -e
  MS=$(( $(now_ms) - t0 ))
  check_sanitizer_output "$1.err"
  expect_rc 141
  expect_ms_below "$(scaled 5000)" "$1: stopped at once"
  expect_in "$1.out" '^redirtorture: target ' "$1: the header reached the reader"
  expect_not_in "$1.err" '^[^[]' "$1: quiet on stderr (status lines aside)"
  "$PY" - "$1.json" "$3" <<'PYEOF' || fail "$1: JSON report"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "CLOSED" and d["exit_code"] == 141, d["verdict"]
f = d["findings"][-1]
assert f["kind"] == "closed" and "stdout closed by its reader" in f["title"], f
assert f"({sys.argv[2]}" in f["title"], f["title"]   # "(S": either
assert "child_report" in d["stats"], d["stats"]
PYEOF
  n=$((n + 1))
}
for i in 1 2 3; do closed "pipe-$i" test_clean SIGTERM; done
closed pipe-wedge test_wedge S   # SIGTERM, or SIGKILL once it has stopped itself
for p in $(pgrep -f -- "--report pipe-" || true); do   # ours: in this test's directory
  [ "$(readlink "/proc/$p/cwd" 2>/dev/null)" != "$WORK" ] || fail "process $p outlived its closed pipe"
done

pass "$n kills: INTERRUPTED (130) with a report, or CRASH; no orphan; older report kept on SIGKILL; a closed stdout: CLOSED (141), quiet, report written"
