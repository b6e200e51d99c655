#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_mp_locks.sh: multiprocessing's in-process locks (SemLock) take part in
# the lock-order and wait-for graphs like threading's (issue 12, item 1).
# tests/py/mods/mp_abba.py: write() takes a threading.RLock (output) then a
# multiprocessing.RLock (progress bar); flush() takes them the other way
# round.  Expected in each of RUNS (3) runs: the lock-order finding naming
# both locks by creation site ("mp_abba.py:N _bar (multiprocessing.RLock)",
# "mp_abba.py:N _out"), then DEADLOCK (exit 2) with the 2-thread wait-for
# cycle through both, each thread holding the other's lock.  The fixed twin
# (mp_abba_fixed.py: flush() in write()'s order) stays clean in RUNS runs of
# 1.5 s with real work done.
# Statistical budget: the drivers flush after 1 print in 8 (drivers.c), so
# the chance that none of the first 100 prints of a run flushes is
# (7/8)^100 < 2e-6.  The module's first flush holds the bar lock until a
# writer holds the output lock (a timed wait of at most 5 s: on this
# machine a writer gets there within milliseconds; only a machine that
# stops 7 printer threads for 5 s would miss it, and the run would then be
# a lock-order FINDING, exit 1, failing the test), so the cycle is certain
# from there.  No other timing assumption.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
RUNS=${RUNS:-3}
COMMON=(--scenario live_refresh --set refresh_hz=0 --set finalizer_every=0)
BAR='mp_abba\.py:[0-9]+ _bar \(multiprocessing\.RLock\)'
OUT='mp_abba\.py:[0-9]+ _out'
for i in $(seq 1 "$RUNS"); do
  run_py "bug$i" "$(scaled 30000)" 2 DEADLOCK run "${COMMON[@]}" --target py:mp_abba --report none
  f="bug$i.err"
  expect_in "$f" '^FINDING: potential deadlock \(lock-order inversion\)' "run $i: the lock-order finding"
  # signatures name classes without the creation line (base/signature.h)
  SBAR='mp_abba\.py _bar \(multiprocessing\.RLock\)' SOUT='mp_abba\.py _out'
  expect_in "$f" "^signature: LOCKORDER:[0-9a-f]+ ($SBAR -> $SOUT -> $SBAR|$SOUT -> $SBAR -> $SOUT)\$" \
    "run $i: the inversion between the multiprocessing and the threading RLock"
  expect_in "$f" '^DEADLOCK: 2 threads wait for each other in a cycle;' "run $i: a 2-thread DEADLOCK"
  expect_in "$f" "^  print-[0-9]+ \\[print\\] waits for $BAR \\(at mp_abba\\.py:[0-9]+ _emit\\(\\)\\), held by print-[0-9]+\$" \
    "run $i: a writer waits for the multiprocessing RLock, held by a thread"
  expect_in "$f" "^  print-[0-9]+ \\[print\\] waits for $OUT \\(at mp_abba\\.py:[0-9]+ _Stream\\.flush\\(\\)\\), held by print-[0-9]+\$" \
    "run $i: the flusher waits for the threading RLock"
  expect_in "$f" "^      holds $BAR +taken at mp_abba\\.py:[0-9]+ _Stream\\.flush\\(\\)" \
    "run $i: the flusher holds the multiprocessing RLock, with its site"
  expect_in "$f" "^      waits $BAR at mp_abba\\.py:[0-9]+ _emit\\(\\); owner print-[0-9]+\$" \
    "run $i: the waiter sees the multiprocessing RLock's owner"
  expect_in "$f" '^signature: DEADLOCK:[0-9a-f]+ .*_bar \(multiprocessing\.RLock\)@.*_out@' \
    "run $i: both locks in the DEADLOCK signature"
done
fixed_twin_clean "$RUNS" "$(scaled 20000)" 'print_ops >= 200' run "${COMMON[@]}" --target py:mp_abba_fixed \
  --set duration_ms=1500
pass "multiprocessing.RLock against threading.RLock: lock-order finding and DEADLOCK naming both in $RUNS of $RUNS runs; fixed twin clean in $RUNS"
