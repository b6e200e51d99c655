#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_program_drivers.sh: driver threads hammer the redirection a program
# installed (tests/py/programs/line_proxy.py: its own sys.stdout/sys.stderr
# proxies, logging with a "%(levelname)s %(threadName)s: " format), with
# --set print_workers=4 --set log_workers=2, for 2 s of the program's time.
#  - per-thread partial-line buffers (correct): SUCCESS, and the drivers did
#    write through it (print_ops >= 100, log_ops >= 100 in the JSON stats;
#    measured ~30000-55000 prints and ~10000-21000 logs per run); the log
#    format's prefix before the tag is not a finding;
#  - --shared (one partial-line buffer for all threads, Rich FileProxy's
#    mistake): FINDING, output integrity violated, in each of 3 runs
#    (measured: thousands of lost lines per run; a run without any mixing
#    of 30% partial prints from 4 threads over 2 s has not been seen).
# The clean run makes no garbage with finalizers (finalizer_every=0): a
# driver finalizer that logs can run while the main thread holds logging's
# module lock (logging/__init__.py:226 _lock, e.g. in basicConfig), and
# logging.shutdown at exit takes them the other way round (Handler.lock, then
# _lock in Handler.close): a real lock-order inversion of CPython 3.11's
# logging, reported in about 1 run of 6; not what this test is about.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

PROG="$RT_SOURCE_DIR/tests/py/programs/line_proxy.py"
run ok 60000 py --report ok.json --set print_workers=4 --set log_workers=2 --set finalizer_every=0 \
  -- "$PROG" 2
skip_if_no_python
expect_rc 0
expect_verdict SUCCESS
expect_in ok.out '^summary: .*; findings 0$' "summary"
expect_in ok.out '^app done after [0-9]+ steps$' "the program ran to its end"
expect_in ok.err '^WARNING Dummy-[0-9]+: @T[0-9]+:[0-9]+@ ' "driver log lines in the program's format"
"$PY" -c 'import json; d=json.load(open("ok.json")); s=d["stats"]; assert d["verdict"]=="SUCCESS" and s["print_ops"]>=100 and s["log_ops"]>=100, s' \
  || fail "ok.json: drivers did not write through the program's streams"

for i in 1 2 3; do
  run "shared$i" 60000 py --report none --set print_workers=4 --set log_workers=2 -- "$PROG" --shared 2
  expect_rc 1
  expect_verdict FINDING
  expect_in "shared$i.err" '^FINDING: output integrity violated; target py' "run $i: integrity finding"
done
pass "drivers through a program's own proxy: per-thread buffers SUCCESS, one shared buffer FINDING in 3 of 3"
