#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fd_redirect (marimo run mode before PR #8353) under the reload loop of
# scenarios/run_mode_sessions.scn (16 sessions, server logging): every run
# reports a cross-session leak, a session that cannot start ("Stream not
# redirected, no fileno" or the StringIO variant) and the broken restore
# invariant, each with the session events around it; leaked forwarder
# threads, when reported, are named.  A run ends with FINDING (1), or HANG
# (3) if a pipe filled up first (sessions_fd_redirect_hang.sh asserts that
# one).
# Budget per run: 1.5 s + 0.5 s resource wait + 2 s x RT_TIME_SCALE.
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-2}
BOUND=$((2000 + $(scaled 2000)))
for i in $(seq 1 "$RUNS"); do
  run "run$i" $((BOUND + 10000)) run --scenario run_mode_sessions --target fd_redirect \
    --set duration_ms=1500 --report none
  expect_rc 1 3
  expect_ms_below "$BOUND" "run $i"
  e="run$i.err"
  expect_in "$e" '^FINDING: cross-session leak: .* reached .*; target fd_redirect' "run $i: leak"
  expect_in "$e" '^  landed:  in s[0-9]+.s (browser|capture)' "run $i: where the line landed"
  expect_in "$e" '^      -> the line was written here$' "run $i: the write in the interleaving"
  expect_in "$e" '^FINDING: a new session cannot start: (Stream not redirected, no fileno|io.UnsupportedOperation: fileno)' "run $i: failed start"
  expect_in "$e" '^  session: s[0-9]+ failed to start: ' "run $i: which session"
  expect_in "$e" '^    \* #[0-9]+ +s[0-9]+ +start FAILED' "run $i: the failed start among the events"
  if [ "$RC" -ne 3 ]; then   # a hang ends the run before the end-of-run oracles
    expect_in "$e" '^FINDING: restore invariant broken: no cell is running but ' "run $i: restore"
    # whether fds and forwarders leak depends on the pipes fd 1/2 end up on
    # (sessions_repro.sh asserts the leak deterministically)
    if grep -qE '^FINDING: resources .*: \+[1-9][0-9]* threads' "$e"; then
      expect_in "$e" '^    fwd-[0-9]+\.[0-9]+-(out|err) \[forwarder\] sleeping in read\(session pipe\)' "run $i: the stuck forwarder named"
    fi
    expect_in "$e" '^signature: LEAK:[0-9a-f]{16} ' "run $i: leak signature"
  fi
  [ "$RC" -ne 1 ] || expect_verdict FINDING
done
pass "fd_redirect: leak, failed start and restore reported in $RUNS of $RUNS runs"
