#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_event_wait.sh: deadlocks through condition waits (issue 12, items 1
# and 2).  tests/py/mods/event_flush.py: writers hand lines to an I/O
# thread and wait in Event.wait(); flush() waits the same way while holding
# the terminal handler's lock, which the I/O thread needs for
# Handler.flush().  Expected in each of RUNS (3) runs: DEADLOCK (exit 2)
# with the 2-thread wait-for cycle through the event: the flusher "waits
# for notify on event_flush.py:N done (Event)", the edge inferred because
# only the I/O thread set events of that class before (and it is blocked on
# Handler.lock now), and the I/O thread waits for Handler.lock held by the
# flusher; this while the module's periodic flusher still can run (a timed
# Event.wait(30), shown as timed with the time left, left out of the
# signature), so it is reported at the stall timeout, not as "all asleep".
# Also the flusher's Python stack, the kernel's view of the I/O thread
# (in futex) where the kernel shows wchan, and both threads' native stacks
# with file:line (issue 12, item 3).
# event_flush_asleep.py (the bug without the periodic flusher): every
# thread is asleep for good, reported at once as DEADLOCK ("all threads
# are asleep", Go's rule) with the same cycle, with a stall timeout of
# 60 s that the run never reaches (the report's reason says which rule
# fired; no wall-clock bound).
# The fixed twin (event_flush_fixed.py: no lock around the wait) stays
# clean in RUNS runs of 1.5 s with real work done (and neither rule fires
# on its idle I/O thread in Queue.get).
# Statistical budget: the drivers flush after 1 print in 8 (drivers.c), so
# the chance that none of the first 100 prints of a run flushes is
# (7/8)^100 < 2e-6; from the first flush on the deadlock is certain (the I/O
# thread reaches the flush marker and needs the lock the flusher holds).
# The inferred edge needs the I/O thread to have set a `done` event before
# the deadlock: every print's line is handed over first, so it has.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
RUNS=${RUNS:-3}
WCHAN=0
kernel_shows_wchan && WCHAN=1
COMMON=(--scenario live_refresh --set refresh_hz=0 --set finalizer_every=0)
for i in $(seq 1 "$RUNS"); do
  run_py "bug$i" "$(scaled 30000)" 2 DEADLOCK run "${COMMON[@]}" --target py:event_flush --report none
  f="bug$i.err"
  expect_in "$f" '^DEADLOCK: 2 threads wait for each other in a cycle through notify waits \(edges inferred\)' \
    "run $i: a DEADLOCK through the event"
  expect_not_in "$f" 'all threads are asleep' "run $i: the periodic flusher can still run"
  expect_in "$f" '^  print-[0-9]+ \[print\] waits for notify on event_flush\.py:[0-9]+ done \(Event\) \(at event_flush\.py:[0-9]+ _hand_over\(\), no timeout\); inferred: notified before only by event-flush-io \(now blocked on lock logging/__init__\.py:[0-9]+ Handler\.lock\)$' \
    "run $i: the cycle's inferred edge through the event, with its evidence"
  flusher=$(grep -E -m1 -o '^  print-[0-9]+ \[print\] waits for notify on event_flush' "$f" | awk '{print $1}')
  expect_in "$f" "^  event-flush-io \\[python\\] waits for logging/__init__\\.py:[0-9]+ Handler\\.lock \\(at .*\\), held by $flusher\$" \
    "run $i: the cycle's lock edge back to the flusher $flusher"
  awk -v o="  $flusher [print] " 'index($0, o) == 1 { on = 1; print; next } /^  [^ ]/ { on = 0 } on' "$f" >owner.txt
  expect_in owner.txt '^      holds logging/__init__\.py:[0-9]+ Handler\.lock' "run $i: $flusher holds Handler.lock"
  expect_in owner.txt '^      waits for notify at event_flush\.py:[0-9]+ _hand_over\(\) \(no timeout\)$' \
    "run $i: where it waits, untimed"
  expect_in owner.txt '^      \|   event_flush\.py:[0-9]+ _Stream\.flush$' "run $i: the flusher's Python stack"
  expect_in "$f" '^  event-flush-tick \[python\] waits for notify on event_flush\.py:[0-9]+ _stop \(Event\) for ' \
    "run $i: the periodic flusher in its timed Event.wait"
  expect_in "$f" '^      waits for notify at event_flush\.py:[0-9]+ _tick_loop\(\) \(timed, [0-9]+\.[0-9]+ s left\)$' \
    "run $i: the timed wait shown as timed, with what is left"
  expect_not_in "$f" '^signature: .*_stop' "run $i: timed waits are not in the signature"
  if [ "$WCHAN" = 1 ]; then
    awk '/^  event-flush-io /{on=1; print; next} /^  [^ ]/{on=0} on' "$f" >io.txt
    expect_in io.txt '^      kernel: [a-z_]+, in futex$' "run $i: the kernel's view of the I/O thread"
  fi
  # native stacks (issue 12, item 3): the I/O thread in the harness lock's
  # acquire, the flusher in the Waiter's, both with file:line
  awk '/^  event-flush-io \[/{on=1; print; next} /^  [^ ]/{on=0} on' "$f" >io.txt
  expect_in io.txt '^      \|   #[0-9]+ +do_acquire \(.*harness/python/pylocks\.c:[0-9]+\)$' \
    "run $i: the I/O thread's native stack"
  expect_in owner.txt '^      \|   #[0-9]+ +waiter_acquire_timed \(.*harness/python/pywait\.c:[0-9]+\)$' \
    "run $i: the flusher's native stack"
  expect_not_in "$f" 'no answer: the thread did not unwind' "run $i: every thread answered"
  expect_in "$f" '^signature: DEADLOCK:[0-9a-f]+ logging/__init__\.py Handler\.lock@Handler\.acquire \| notify event_flush\.py done \(Event\)@_hand_over$' \
    "run $i: the cycle's two waits are the signature"
done
for i in $(seq 1 "$RUNS"); do
  run_py "asleep$i" "$(scaled 30000)" 2 DEADLOCK run "${COMMON[@]}" --set stall_timeout_ms=60000 \
    --target py:event_flush_asleep --report none
  f="asleep$i.err"
  expect_in "$f" '^DEADLOCK: all threads are asleep \(blocked on locks or in notify waits, no timeout left\)' \
    "run $i: Go's rule: every thread asleep"
  expect_in "$f" '^all [0-9]+ live threads are asleep for good \(no timeout left to expire\); ' \
    "run $i: reported by that rule, not by the 60 s stall timeout"
  expect_in "$f" '^  print-[0-9]+ \[print\] waits for notify on event_flush\.py:[0-9]+ done \(Event\) .*; inferred: notified before only by event-flush-io \(now blocked on lock logging/__init__\.py:[0-9]+ Handler\.lock\)$' \
    "run $i: the same cycle through the event"
  expect_in "$f" '^  MainThread \[python\] sleeping .*; op harness main thread, idle until stop;' \
    "run $i: the harness's idle main thread, counted as asleep"
done
fixed_twin_clean "$RUNS" "$(scaled 20000)" 'print_ops >= 200' run "${COMMON[@]}" --target py:event_flush_fixed \
  --set duration_ms=1500
pass "Event.wait under a held handler lock: DEADLOCK through the event in $RUNS of $RUNS runs, at once when all threads are asleep in $RUNS of $RUNS; fixed twin clean in $RUNS"
