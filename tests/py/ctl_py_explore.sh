#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Controlled exploration of embedded-Python targets (issue 14): every
# Python thread (drivers, and the threads the code under test starts
# through threading) runs one at a time under the scheduler, so
# `explore --jobs 1` with a fixed seed makes the same executions however
# loaded the machine is, and each outcome below is exact, not statistical:
#  - py_rich_noredirect (the #4158 workaround) stays clean for a budget of
#    20 executions; py_rich with the same seed and budget reports the
#    Live._lock / Console._lock DEADLOCK, exact ("no thread can run"), with
#    the Python stacks of Live's refresh thread and of the printer;
#  - py:example_redirect (its writer thread and queue waits controlled)
#    stays clean for 15 executions;
#  - py:event_flush (flush() holds the handler's lock while it waits for the
#    I/O thread's Event) is caught in its first execution, the wait in the
#    report; the fixed twin stays clean for 15;
#  - py:native_lock blocks in a lock the harness cannot see while it has
#    the turn: the scheduler goes on after its budget (no wedge), and a
#    replay of that execution says DIVERGED at that step.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
EX=(explore --scenario live_refresh --strategy pct --jobs 1 --seed 14 --repro-dir "$WORK/r")

run noredirect 300000 "${EX[@]}" --target py_rich_noredirect --runs 20
skip_if_no_python
expect_rc 0
expect_in noredirect.out '^no finding in 20 executions$' "py_rich_noredirect: clean for 20 executions"

run rich 300000 "${EX[@]}" --target py_rich --runs 20
expect_rc 2
expect_in rich.out '^first finding after [0-9]+ executions?: DEADLOCK:[0-9a-f]+ rich/console\.py Console\._lock@Console\.render_lines \| rich/live\.py Live\._lock@Live\.process_renderables$' \
  "py_rich: the #4158 deadlock"
f=rich.err; grep -q 'no thread can run' rich.out && f=rich.out
expect_in "$f" 'no thread can run \(controlled execution; exact, no timeout\)' "py_rich: exact"
expect_in "$f" '^  Thread-1 \[python\] waits for rich/console\.py:[0-9]+ Console\._lock .*held by print-[0-9]+$' \
  "py_rich: Live's refresh thread in the cycle"
expect_in "$f" '^      \|   rich/live\.py:[0-9]+ _RefreshThread\.run$' "py_rich: the refresh thread's Python stack"
expect_in "$f" '^      \|   rich/file_proxy\.py:[0-9]+ FileProxy\.write$' "py_rich: a printer's Python stack"

run example 300000 "${EX[@]}" --target py:example_redirect --runs 15
expect_rc 0
expect_in example.out '^no finding in 15 executions$' "py:example_redirect: clean for 15 executions"

EV=("${EX[@]}" --set finalizer_every=0 --set refresh_hz=0 --set print_workers=4)
run event 300000 "${EV[@]}" --target py:event_flush --runs 15
expect_rc 3
expect_in event.out '^first finding after 1 execution: HANG:[0-9a-f]+ logging/__init__\.py Handler\.lock@Handler\.acquire \| notify event_flush\.py done \(Event\)@_hand_over$' \
  "py:event_flush: the lock held across the Event wait, first execution"
run event_fixed 300000 "${EV[@]}" --target py:event_flush_fixed --runs 15
expect_rc 0
expect_in event_fixed.out '^no finding in 15 executions$' "py:event_flush_fixed: clean for 15 executions"

NL=(--set finalizer_every=0 --set refresh_hz=0 --set print_workers=2 --set max_ops=3 --set partial_pct=0)
run native 120000 "${EX[@]}" "${NL[@]}" --target py:native_lock --runs 1 --save-clean --repro "$WORK/native.repro"
expect_rc 0
[ -s native.repro ] || fail "py:native_lock: no repro of the clean execution"
expect_in native.err '^explore: execution 0: step [0-9]+: print-[0-9]+ did not reach its next scheduling point within 2000 ms, using no CPU \(blocked outside the controlled scheduler\)' \
  "py:native_lock: explore names the thread blocked outside control"
run native_replay 120000 replay native.repro
expect_rc 5
expect_in native_replay.err '^DIVERGED: .* at step [0-9]+: print-[0-9]+ did not reach its next scheduling point within 2000 ms, using no CPU \(blocked outside the controlled scheduler\)$' \
  "py:native_lock: the replay names the step"
pass "py_rich caught and its workaround clean, example clean, event_flush caught and fixed clean, a native lock no wedge"
