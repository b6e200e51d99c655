#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_log_handlers.sh: where the finalizers' log records go decides #4158
# (knob py_log_handler; the issue's measured facts), on real Rich, 8 workers:
#  - last_resort: no handler, logging.lastResort writes to the CURRENT
#    sys.stderr, i.e. Rich's FileProxy: DEADLOCK on the Live._lock /
#    Console._lock cycle, in each of RUNS (5) runs, within 10 s;
#  - before: a StreamHandler made before Live starts binds the real stderr:
#    no deadlock and no lock-order finding in RUNS runs of 2.5 s (whole-line
#    prints, so Rich's FileProxy merging partial lines is not in play), with
#    finalizers having logged.
# Budget: 5 x 2.5 s of exposure for "before" is ~50 times the median time to
# hang (0.26 s) of the default handler (made after Live starts).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

RUNS=${RUNS:-5}
for i in $(seq 1 "$RUNS"); do
  run "lr$i" 15000 run --scenario live_refresh --target py_rich --set py_log_handler=last_resort \
    --report none
  skip_if_no_python
  expect_rc 2
  expect_verdict DEADLOCK
  expect_ms_below 10000 "last_resort run $i"
  expect_in "lr$i.err" 'signature: DEADLOCK:[0-9a-f]+ rich/console\.py Console\._lock@.* \| rich/live\.py Live\._lock@Live\.process_renderables' \
    "last_resort run $i: the #4158 cycle"

  run "before$i" 20000 run --scenario live_refresh --target py_rich --set py_log_handler=before \
    --set partial_pct=0 --set duration_ms=2500 --report "before$i.json"
  expect_not_in "before$i.err" 'possible circular locking dependency' "before run $i: lock-order finding"
  expect_clean_run "before run $i" 'finalizer_ops >= 10'
done
pass "py_log_handler: last_resort deadlocks in $RUNS of $RUNS runs; before stays clean in $RUNS runs"
