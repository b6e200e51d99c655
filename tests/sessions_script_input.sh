#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Malformed session scripts are rejected before anything runs, with
# file:line, what is wrong and what was expected (exit 65); session_script
# on a target without sessions is a configuration error.
source "$(dirname "$0")/lib.sh"

check() {   # check NAME CONTENT REGEX
  printf '%b' "$2" >"$1.script"
  run "$1" 10000 run --scenario run_mode_sessions --target fd_redirect \
    --set session_script="$1.script" --report none
  expect_rc 65
  expect_in "$1.err" "$3" "$1"
  expect_not_in "$1.err" '^(FINDING|HANG)' "$1: nothing ran"
}
check unknown_op 'A start\nA jump\n' '^redirtorture: unknown_op\.script:2: unknown op .jump. \(expected one of: start, stop, enter, exit, print, cwrite, capture_begin, capture_end, log\)$'
check bad_stream 'A start\nA enter\nA print stdlog\n' '^redirtorture: bad_stream\.script:3: bad stream .stdlog. \(expected stdout or stderr\)$'
check no_op '# only a comment\nA\n' '^redirtorture: no_op\.script:2: .A. is not an operation \(expected ACTOR op\)$'
check bad_actor 'A-1 start\n' '^redirtorture: bad_actor\.script:1: bad actor .A-1. \(expected 1-11 letters, digits or _\)$'
check server_cell 'server enter\n' '^redirtorture: server_cell\.script:1: the server only logs \(expected .server log.\)$'
check extra_arg 'A start now\n' '^redirtorture: extra_arg\.script:1: .start. takes no argument \(expected ACTOR start\)$'
check empty '# nothing\n\n' '^redirtorture: empty\.script: empty session script \(expected .ACTOR op. lines\)$'
check nul 'A start\nA st\0op\n' '^redirtorture: nul\.script:2: NUL byte in line \(expected text\)$'
run missing 10000 run --scenario run_mode_sessions --target fd_redirect \
  --set session_script=no-such.script --report none
expect_rc 65
expect_in missing.err '^redirtorture: no-such\.script: cannot open session script: No such file or directory' "missing file"
run nosessions 10000 run --scenario live_refresh --target rich_live_fixed \
  --set session_script=x.script --report none
expect_rc 64 65
expect_in nosessions.err 'session_script needs a session target' "non-session target"
pass "session scripts: malformed input rejected with file:line"
