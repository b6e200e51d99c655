#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The committed minimal repros (corpus/sessions/*.script), played in lockstep
# (one thread per session, one step at a time, in file order):
#   nonlifo-enter-exit: A.enter, B.enter, A.exit, B.exit, then C.start
#     fd_redirect: restore invariant broken (fd 1, fd 2, stream objects) right
#       after B.exit, C cannot start ("Stream not redirected, no fileno"), A's
#       two forwarders leaked; global_swap: stale stream objects only;
#       thread_local_proxy and proxy_with_global_redirect: nothing.
#   cross-session-print: A.enter, B.enter, A.print
#     fd_redirect and global_swap: A's line in B's browser; the proxies:
#       nothing.
# Deterministic: every run must give exactly these results.
source "$(dirname "$0")/lib.sh"

NONLIFO="$RT_SOURCE_DIR/corpus/sessions/nonlifo-enter-exit.script"
CROSS="$RT_SOURCE_DIR/corpus/sessions/cross-session-print.script"
BOUND=$((1000 + $(scaled 2000)))
play() {   # play NAME TARGET SCRIPT
  run "$1" $((BOUND + 10000)) run --scenario run_mode_sessions --target "$2" \
    --set session_script="$3" --report none
  expect_ms_below "$BOUND" "$1"
}

play nonlifo.fd fd_redirect "$NONLIFO"
expect_rc 1
e=nonlifo.fd.err
expect_in "$e" '^FINDING: restore invariant broken: no cell is running but fd 1\+fd 2\+stream objects; target fd_redirect' "fd: restore"
expect_in "$e" '^  when:    the last running cell exited, after session event #6$' "fd: right after B.exit"
expect_in "$e" 'sys.stdout is session 0 \(load 1\).s stdout stream, not redirected' "fd: A's stale stream installed"
for ev in '#3 +A +enter cell 1' '#4 +B +enter cell 1' '#5 +A +exit cell 1' '#6 +B +exit cell 1'; do
  expect_in "$e" "^      $ev\$" "fd: event $ev"
done
expect_in "$e" '^FINDING: a new session cannot start: Stream not redirected, no fileno; target fd_redirect' "fd: failed start"
expect_in "$e" '^  session: C failed to start: Stream not redirected, no fileno' "fd: C cannot start"
expect_in "$e" '^    \* #7 +C +start FAILED \(load 1\)$' "fd: failed start event"
expect_in "$e" '^FINDING: resources not back to the baseline after all sessions stopped: \+2 threads' "fd: A's forwarders leak"
expect_not_in "$e" '^(HANG|FINDING: cross-session)' "fd: nothing else"

play nonlifo.gs global_swap "$NONLIFO"
expect_rc 1
expect_in nonlifo.gs.err '^FINDING: restore invariant broken: no cell is running but stream objects; target global_swap' "global_swap: restore"
expect_not_in nonlifo.gs.err '^FINDING: (a new session|resources|restore invariant broken: no cell is running but fd)' "global_swap: no fd effects"

for t in thread_local_proxy proxy_with_global_redirect; do
  play "nonlifo.$t" "$t" "$NONLIFO"
  expect_rc 0
  expect_verdict SUCCESS
  expect_not_in "nonlifo.$t.err" '^(FINDING|HANG)' "$t: clean"
done

for t in fd_redirect global_swap; do
  play "cross.$t" "$t" "$CROSS"
  expect_rc 1
  expect_in "cross.$t.err" "^FINDING: cross-session leak: A's print reached B's browser; target $t" "$t: A's print in B"
  expect_in "cross.$t.err" '^  line:    "@P0:0@ e4 ' "$t: the line, written after event 4"
  expect_in "cross.$t.err" '^    \* #4 +B +enter cell 1$' "$t: B entered last"
done
for t in thread_local_proxy proxy_with_global_redirect; do
  play "cross.$t" "$t" "$CROSS"
  expect_rc 0
  expect_not_in "cross.$t.err" '^(FINDING|HANG)' "$t: clean"
done
pass "corpus/sessions repros: findings on fd_redirect and global_swap, none on the proxies"
