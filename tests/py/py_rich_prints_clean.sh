#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_rich_prints_clean.sh: real Rich WITH redirection, 8 printers, whole-line
# prints and no finalizers (finalizer_every=0, partial_pct=0): "plain prints
# alone never deadlock" (the issue's measurement), and the harness adds no
# finding of its own: not its lock wrappers, not the collections it starts
# inside Rich's critical sections (py_gc_pct, which must have run), not its
# terminal model.  RUNS (5) runs of 2.5 s each must exit 0.
# (With partial writes Rich's FileProxy, one partial-line buffer shared by
# all threads, merges lines of different threads: a real integrity finding,
# so this test keeps lines whole.)
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

RUNS=${RUNS:-5}
for i in $(seq 1 "$RUNS"); do
  run "run$i" 20000 run --scenario live_refresh --target py_rich --set finalizer_every=0 \
    --set partial_pct=0 --set duration_ms=2500 --report "run$i.json"
  skip_if_no_python
  # work was done, and the harness's collection points ran (bounds far below
  # an idle machine's ~230 prints and ~1000 collections per run, so a loaded
  # CI machine passes too)
  expect_clean_run "run $i" 'print_ops >= 20' 'refresh_ops >= 1' 'collections >= 10'
done
pass "py_rich without finalizers: clean in $RUNS runs (prints alone never deadlock)"
