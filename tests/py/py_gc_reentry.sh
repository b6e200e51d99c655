#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_gc_reentry.sh: the harness catches a redirector that a finalizer
# re-enters (tests/py/mods/gc_reentry.py: a plain Lock around a section that
# allocates).  With every acquisition a collection point (py_gc_pct=100) and
# garbage made every operation, a collection starts inside the section and
# its finalizer prints: the thread waits for itself.  Expected: DEADLOCK
# (exit 2), a one-thread wait-for cycle on gc_reentry.py's _lock, with the
# finalizer (_Garbage.__del__) in that thread's Python stack; in each of RUNS
# (3) runs.  No timing assumption: the section always allocates and every
# acquisition arms, so the first collection with garbage pending is inside.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
RUNS=${RUNS:-3}
for i in $(seq 1 "$RUNS"); do
  run "run$i" 20000 run --scenario live_refresh --target py:gc_reentry --set print_workers=2 \
    --set refresh_hz=0 --set finalizer_every=1 --set finalizer_action=print --set py_gc_pct=100 \
    --report none
  skip_if_no_python
  expect_rc 2
  expect_verdict DEADLOCK
  expect_in "run$i.err" '^DEADLOCK: a thread waits for a lock it holds itself' "run $i: a one-thread cycle"
  expect_in "run$i.err" 'waits for gc_reentry\.py:[0-9]+ _lock \(at gc_reentry\.py:[0-9]+ _Proxy\.write\(\)\), held by (print-[01])' \
    "run $i: the thread waits for the lock it holds"
  expect_in "run$i.err" '^      \|   redirtorture_glue\.py:[0-9]+ _Garbage\.__del__$' "run $i: the finalizer in its stack"
done
pass "a finalizer re-entering a plain Lock: DEADLOCK in $RUNS of $RUNS runs"
