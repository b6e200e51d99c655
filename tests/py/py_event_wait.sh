#!/usr/bin/env bash
# py_event_wait.sh: a thread blocked in Condition.wait (here Event.wait) is a
# harness wait (issue 12, item 1).  tests/py/mods/event_flush.py: writers
# hand lines to an I/O thread and wait in Event.wait(); flush() waits the
# same way while holding the terminal handler's lock, which the I/O thread
# needs for Handler.flush().  Expected in each of RUNS (3) runs: HANG (exit
# 3; the deadlock-through-condition inference of the issue's item 2 is not
# built yet, so no DEADLOCK), with the flusher shown as
# "waits for notify on event_flush.py:N done (Event)" (the Event's creation
# site), untimed, holding Handler.lock, with its Python stack through
# _Stream.flush; the I/O thread blocked on Handler.lock owned by that
# flusher; the module's periodic flusher in its timed Event.wait(30), shown
# as timed with the time left, and left out of the signature; the kernel's
# view of the I/O thread (in futex) where the kernel shows wchan.  The fixed twin (event_flush_fixed.py: no lock around the wait)
# stays clean in RUNS runs of 1.5 s with real work done.
# Statistical budget: the drivers flush after 1 print in 8 (drivers.c), so
# the chance that none of the first 100 prints of a run flushes is
# (7/8)^100 < 2e-6; from the first flush on the deadlock is certain (the I/O
# thread reaches the flush marker and needs the lock the flusher holds).  No
# timing assumption beyond the watchdog's stall timeout.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
RUNS=${RUNS:-3}
WCHAN=0
kernel_shows_wchan && WCHAN=1
COMMON=(--scenario live_refresh --set refresh_hz=0 --set finalizer_every=0)
for i in $(seq 1 "$RUNS"); do
  run "bug$i" "$(scaled 30000)" run "${COMMON[@]}" --target py:event_flush --report none
  skip_if_no_python
  expect_rc 3
  expect_verdict HANG
  f="bug$i.err"
  expect_in "$f" '^HANG: ' "run $i: a HANG report"
  expect_in "$f" '^  print-[0-9]+ \[print\] waits for notify on event_flush\.py:[0-9]+ done \(Event\) for [0-9.]+ s' \
    "run $i: a writer waiting in Event.wait, named by the Event's creation site"
  expect_in "$f" '^      waits for notify at event_flush\.py:[0-9]+ _hand_over\(\) \(no timeout\)$' \
    "run $i: where it waits, untimed"
  expect_in "$f" '^      \|   event_flush\.py:[0-9]+ _Stream\.flush$' "run $i: the flusher's Python stack"
  # the I/O thread waits for the lock, and its owner is the flusher in Event.wait
  owner=$(grep -E -m1 -o 'waits logging/__init__\.py:[0-9]+ Handler\.lock at .*; owner print-[0-9]+' "$f" |
          sed 's/.*owner //') || true
  [ -n "$owner" ] || fail "run $i: the I/O thread waits for Handler.lock with an owner"
  expect_in "$f" '^  event-flush-io \[python\] blocked on lock logging/__init__\.py:[0-9]+ Handler\.lock' \
    "run $i: the I/O thread blocked on Handler.lock"
  awk -v o="  $owner [print] " 'index($0, o) == 1 { on = 1; print; next } /^  [^ ]/ { on = 0 } on' "$f" >owner.txt
  expect_in owner.txt "waits for notify on event_flush\\.py:[0-9]+ done \\(Event\\)" \
    "run $i: the lock's owner $owner is shown waiting for the Event, not running"
  expect_in owner.txt '^      holds logging/__init__\.py:[0-9]+ Handler\.lock' "run $i: $owner holds Handler.lock"
  expect_in "$f" '^  event-flush-tick \[python\] waits for notify on event_flush\.py:[0-9]+ _stop \(Event\) for ' \
    "run $i: the periodic flusher in its timed Event.wait"
  expect_in "$f" '^      waits for notify at event_flush\.py:[0-9]+ _tick_loop\(\) \(timed, [0-9]+\.[0-9]+ s left\)$' \
    "run $i: the timed wait shown as timed, with what is left"
  expect_not_in "$f" '^signature: .*_stop' "run $i: timed waits are not in the signature"
  if [ "$WCHAN" = 1 ]; then
    awk '/^  event-flush-io /{on=1; print; next} /^  [^ ]/{on=0} on' "$f" >io.txt
    expect_in io.txt '^      kernel: [a-z_]+, in futex$' "run $i: the kernel's view of the I/O thread"
  fi
  expect_in "$f" '^signature: HANG:[0-9a-f]+ .*notify event_flush\.py:[0-9]+ done \(Event\)@event_flush\.py:[0-9]+ _hand_over' \
    "run $i: the untimed notify wait in the signature"
done
for i in $(seq 1 "$RUNS"); do
  run "fixed$i" "$(scaled 20000)" run "${COMMON[@]}" --target py:event_flush_fixed --set duration_ms=1500 \
    --report "fixed$i.json"
  skip_if_no_python
  expect_clean_run "fixed run $i" 'print_ops >= 200'
done
pass "Event.wait under a held handler lock: HANG showing the event wait in $RUNS of $RUNS runs; fixed twin clean in $RUNS"
