#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_queue_fin.sh: a non-reentrant queue.Queue.put reached from a finalizer
# (issue 12 tests).  tests/py/mods/queue_fin.py hands complete lines to a
# writer thread through a queue.Queue; a printing finalizer, run by a
# collection that starts at an allocation inside Queue.put (the harness arms
# one after every acquisition: py_gc_pct=100, garbage every operation),
# puts again on the same thread and waits for the queue's own lock, which
# that thread holds.  Expected in each of RUNS (3) runs: DEADLOCK (exit 2),
# one thread, on queue.py's Queue.mutex (named by its creation site), with the finalizer (_Garbage.__del__) and Queue.put twice in
# that thread's Python stack.  No timing assumption: every put allocates
# under the mutex (Condition.notify makes an islice), so the first
# collection with a printing finalizer pending is inside a put, or (seen
# once under load: a load average of 7 with two busy loops) inside the
# writer thread's get, which holds the same mutex: the same bug, on
# queue-writer, with the finalizer's put inside Queue.get.
# The fixed twin (py_options mode=fixed: a queue.SimpleQueue, whose put
# Python documents as safe from __del__) stays clean in RUNS runs of 1 s
# under the same settings, with finalizers run.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
RUNS=${RUNS:-3}
COMMON=(--scenario live_refresh --target py:queue_fin --set print_workers=2 --set refresh_hz=0
  --set finalizer_every=1 --set finalizer_action=print --set py_gc_pct=100)
for i in $(seq 1 "$RUNS"); do
  run "bug$i" 30000 run "${COMMON[@]}" --report none
  skip_if_no_python
  expect_rc 2
  expect_verdict DEADLOCK
  f="bug$i.err"
  expect_in "$f" '^DEADLOCK: a thread waits for a lock it holds itself' "run $i: a one-thread cycle"
  expect_in "$f" '^  (print-[01]|queue-writer) \[(print|python)\] waits for queue\.py:[0-9]+ Queue\.mutex \(at .*\), held by \1$' \
    "run $i: it waits for the queue's mutex, which it holds"
  expect_in "$f" '^      \|   redirtorture_glue\.py:[0-9]+ _Garbage\.__del__$' "run $i: the finalizer in its stack"
  puts=$(grep -c -E '^      \|   queue\.py:[0-9]+ Queue\.put$' "$f" || true)
  gets=$(grep -c -E '^      \|   queue\.py:[0-9]+ Queue\.get$' "$f" || true)
  [ "$puts" -ge 2 ] || { [ "$puts" -ge 1 ] && [ "$gets" -ge 1 ]; } ||
    fail "run $i: the finalizer's Queue.put inside a Queue.put or Queue.get in the stack"
done
for i in $(seq 1 "$RUNS"); do
  run "fixed$i" 20000 run "${COMMON[@]}" --set py_options=mode=fixed --set duration_ms=1000 \
    --report "fixed$i.json"
  skip_if_no_python
  expect_clean_run "fixed run $i" 'print_ops >= 100' 'finalizer_ops >= 10'
done
pass "Queue.put re-entered from a finalizer: DEADLOCK, one thread, in $RUNS of $RUNS runs; SimpleQueue twin clean in $RUNS"
