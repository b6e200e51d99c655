#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# seeds_rich.sh ENV deadlock|clean: real Rich from the pinned environment
# build/venvs/ENV (e.g. rich-14.2.0, the #4158 reporter's version) under the
# issue's workload, scenarios/live_refresh.scn (8 printers, logging
# finalizers), chosen with the knob py_venv.
#  deadlock: py_rich (redirection on).  In each of RUNS (6) runs the harness
#    reports the Live._lock / Console._lock inversion named by that version's
#    own files (lock creation sites LIVE_SITE / CONSOLE_SITE below), then the
#    DEADLOCK (exit 2) with the wait-for cycle and both Python stacks (Live's
#    refresh thread in _RefreshThread.run, a writer in FileProxy.write),
#    within 10 s of process start; text and JSON name the version that ran.
#    Budget: scripts/rich-versions.sh measured every run of 14.2.0, 14.3.3
#    and 15.0.0 deadlocking (docs/seeds.md), the report ~1.3 s after the
#    start with a 1 s stall timeout (worst 2.2 s); with this test's 2 s,
#    ~2.5 s; 10 s is 4x that.  6 runs x ~2.5 s.
#  clean: py_rich_noredirect (the workaround), RUNS (4) runs of 2.5 s exit 0
#    with no finding and drivers, finalizers and Live's refresh all made
#    progress.  Budget: 10 s of exposure, ~7x the median time to DEADLOCK of
#    the same version with redirection on (every one of 40 runs hung within
#    2.5 s).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../py/pylib.sh"
source "$(dirname "$0")/seedlib.sh"

ENV=$1
MODE=$2
# Stall timeout 2 s, not live_refresh's 1 s: on a loaded machine (load
# average 18 on 2 CPUs) a printer running a long collection under
# Console._lock made no progress for just over 1 s, and the watchdog called
# it a HANG before the real deadlock formed.
STALL=2000
need_venv "$ENV"
VERSION=${ENV#rich-}
case "$VERSION" in
  14.2.0|14.3.3) LIVE_SITE='rich/live\.py:82'; CONSOLE_SITE='rich/console\.py:720' ;;
  15.0.0)        LIVE_SITE='rich/live\.py:82'; CONSOLE_SITE='rich/console\.py:714' ;;
  *) fail "no lock sites recorded for $ENV (read them from its rich/live.py and rich/console.py)" ;;
esac

if [ "$MODE" = deadlock ]; then
  RUNS=${RUNS:-6}
  BOUND=10000
  for i in $(seq 1 "$RUNS"); do
    run "run$i" $((BOUND + 5000)) run --scenario live_refresh --target py_rich \
      --set py_venv="$VENV" --set stall_timeout_ms=$STALL --report "run$i.json"
    skip_if_no_python
    expect_rc 2
    expect_verdict DEADLOCK
    expect_ms_below "$BOUND" "run $i: DEADLOCK reported"
    expect_library rich "$VERSION"
    e="run$i.err"
    expect_in "$e" "^FINDING: potential deadlock \\(lock-order inversion\\); target py_rich with rich $VERSION," "run $i: inversion, version named"
    # signatures carry no line numbers (the sites are in the report itself,
    # below); edges come from the most recent held lock, as lockdep adds
    # them, so the cycle found first may run through the logging handler
    # lock a finalizer holds: Console/Live, Handler/Live, Handler/Console or
    # Handler -> Live -> Console
    expect_in "$e" "signature: LOCKORDER:[0-9a-f]+ (logging/__init__\\.py Handler\\.lock|rich/console\\.py Console\\._lock) -> .*(rich/live\\.py Live\\._lock|rich/console\\.py Console\\._lock)" \
      "run $i: a lock-order cycle through Rich's locks"
    lo=$(grep -n -m1 'possible circular locking dependency' "$e" | cut -d: -f1)
    dl=$(grep -n -m1 '^DEADLOCK: ' "$e" | cut -d: -f1)
    [ -n "$lo" ] && [ -n "$dl" ] && [ "$lo" -lt "$dl" ] || fail "run $i: no inversion report before the DEADLOCK report"
    expect_in "$e" "^DEADLOCK: 2 threads wait for each other in a cycle; target py_rich with rich $VERSION," "run $i: DEADLOCK, version named"
    expect_in "$e" "waits for $CONSOLE_SITE Console\\._lock \\(at console\\.py:[0-9]+ Console\\.[a-z_]+\\(\\)\\)" "run $i: cycle, refresh side"
    expect_in "$e" "waits for $LIVE_SITE Live\\._lock \\(at live\\.py:[0-9]+ Live\\.process_renderables\\(\\)\\)" "run $i: cycle, writer side"
    expect_in "$e" '^      \|   rich/live\.py:[0-9]+ _RefreshThread\.run$' "run $i: the refresh thread's Python stack"
    expect_in "$e" '^      \|   rich/file_proxy\.py:[0-9]+ FileProxy\.write$' "run $i: a writer's Python stack in FileProxy.write"
    [ "$(count_in "$e" '^      \| python stack')" -ge 2 ] || fail "run $i: fewer than two Python stacks"
  done
  pass "rich $VERSION ($VENV): inversion then DEADLOCK with both Python stacks in $RUNS of $RUNS runs, each under ${BOUND} ms"
elif [ "$MODE" = clean ]; then
  RUNS=${RUNS:-4}
  DURATION_MS=2500
  BOUND=$((DURATION_MS + 10000))   # a harness bound: starting Python takes seconds under load
  for i in $(seq 1 "$RUNS"); do
    run "run$i" $((BOUND + 10000)) run --scenario live_refresh --target py_rich_noredirect \
      --set py_venv="$VENV" --set stall_timeout_ms=$STALL --set duration_ms="$DURATION_MS" \
      --report "run$i.json"
    skip_if_no_python
    expect_ms_below "$BOUND" "run $i"
    expect_library rich "$VERSION"
    expect_clean_run "run $i" 'print_ops >= 100' 'finalizer_ops >= 10' 'refresh_ops >= 1'
  done
  pass "rich $VERSION ($VENV), redirection off: clean in $RUNS runs of ${DURATION_MS} ms"
else
  fail "usage: seeds_rich.sh ENV deadlock|clean"
fi
