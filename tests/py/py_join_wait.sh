#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_join_wait.sh: Thread.join is a harness-visible wait (issue 12).
# tests/py/mods/join_flush.py: flush() starts a sync thread that needs the
# writers' lock, and joins it while holding that lock.  Expected in each of
# RUNS (3) runs: DEADLOCK (exit 2) with the 2-thread cycle: the flusher
# "waits for notify on join_flush.py:N sync (Thread.join)" (the join, named by
# where the Thread was made, no timeout), the edge inferred from the sync
# thread having started (a thread ends its joiners' wait), and the sync
# thread waits for join_flush.py's _lock held by the flusher.  Before,
# Thread.join waited on a native lock: the flusher showed as running and
# the run was a HANG without a cycle.  Statistical budget: the drivers flush
# after 1 print in 8, so no flush in a run's first 100 prints has chance
# (7/8)^100 < 2e-6; from the first flush the deadlock is certain.
# The fixed twin (py_options mode=fixed: join after the lock is released)
# stays clean in RUNS runs of 1 s, with flushes joined.
# mode=slowstart: the fixed twin, and the sync thread takes 0.3 s from
# Thread.start to threading's bootstrap (the first write flushes, so every
# run has one).  Its starter waits in start() under the writers' lock, so
# every thread that has run is blocked; the new thread is not (it is
# registered from Thread.start on).  Clean in RUNS runs; before, a false
# "all threads are asleep" DEADLOCK in every run.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
RUNS=${RUNS:-3}
COMMON=(--scenario live_refresh --target py:join_flush --set refresh_hz=0 --set finalizer_every=0)
for i in $(seq 1 "$RUNS"); do
  run_py "bug$i" 30000 2 DEADLOCK run "${COMMON[@]}" --report none
  f="bug$i.err"
  flusher=$(grep -E -m1 -o '^  print-[0-9]+ \[print\] waits for notify on join_flush\.py:[0-9]+ sync \(Thread\.join\)' "$f" |
    awk '{print $1}')
  [ -n "$flusher" ] || fail "run $i: no flusher waiting in Thread.join in the cycle"
  expect_in "$f" "^  $flusher \\[print\\] waits for notify on join_flush\\.py:[0-9]+ sync \\(Thread\\.join\\) \\(at join_flush\\.py:[0-9]+ flush\\(\\), no timeout\\); inferred: notified before only by flush-sync \\(now blocked on lock join_flush\\.py:[0-9]+ _lock\\)\$" \
    "run $i: the join's inferred edge to the sync thread"
  expect_in "$f" "^  flush-sync \\[python\\] waits for join_flush\\.py:[0-9]+ _lock \\(at join_flush\\.py:[0-9]+ _sync\\(\\)\\), held by $flusher\$" \
    "run $i: the sync thread waits for the flusher's lock"
done
fixed_twin_clean "$RUNS" 20000 'print_ops >= 100' run "${COMMON[@]}" --set py_options=mode=fixed \
  --set duration_ms=1000
for i in $(seq 1 "$RUNS"); do
  run_py "slow$i" 20000 0 SUCCESS run "${COMMON[@]}" --set py_options=mode=slowstart \
    --set duration_ms=1000 --report "slow$i.json"
  expect_clean_run "slow-start run $i" 'print_ops >= 1'
done
pass "Thread.join under the lock its thread needs: DEADLOCK through the join in $RUNS of $RUNS runs; fixed twin clean in $RUNS, with a slow thread start too"
