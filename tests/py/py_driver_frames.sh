#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_driver_frames.sh: driver operations come from a Python frame (issue 12,
# item 4).  tests/py/mods/caller_frames.py asks who called its write() with
# sys._getframe(1) and logs each write with stacklevel=2; its uninstall()
# raises unless logging's findCaller named a caller outside the module for
# every record.  Called straight from C (main before this change) every
# write raised "ValueError: call stack is not deep enough" (a python
# exception finding, exit 1).  Expected now, in each of RUNS (2) runs of
# 1.5 s (prints, logging workers and finalizers alike): exit 0, no finding,
# real work done.  Deterministic: every write takes the path checked.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
RUNS=${RUNS:-2}
for i in $(seq 1 "$RUNS"); do
  run "run$i" 20000 run --scenario live_refresh --target py:caller_frames --set duration_ms=1500 \
    --set log_workers=2 --report "run$i.json"
  skip_if_no_python
  expect_not_in "run$i.err" 'call stack is not deep enough' "run $i: write() has a caller frame"
  expect_clean_run "run $i" 'print_ops >= 100' 'log_ops >= 10'
done
pass "py:caller_frames: every driver write has a Python caller (findCaller, stacklevel=2) in $RUNS runs"
