#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_fd_redirect.sh: the process's streams are like a real process's (issue
# 12, item 5): sys.stdout/sys.stderr have fileno() 1 and 2, pipes the harness
# drains into the sinks; every sink reads \r and ANSI sequences as a screen
# does; a capture keeps stdout and stderr apart.  Modules in tests/py/mods,
# twins chosen with the knob py_options (also item 6):
#  - fd_capture.py, an fd-level redirector (dup2 of its own pipes over fd 1
#    and 2, found through sys.stdout.fileno(), a reader thread each, capture()
#    returns (stdout, stderr)): mode=fixed is clean, and its uninstall()
#    raises unless both fds carried tagged lines (on main before this,
#    fileno() raised and it could not start); the bug (default mode: each
#    32-byte read stored as a line of its own) is an integrity finding,
#    lines split in sink capture_stdout or capture_stderr.  Deterministic:
#    every 48-character line is longer than one read.
#  - c_lines.py: complete lines written by libc's write(2) on fd 1/2 (as C
#    code prints): clean, so they reached the sinks (none on the real stdout).
#  - progress_bar.py: a bar redrawn with '\r' and colour on stderr, cleared
#    with '\r' ESC[2K before each message (mode=fixed): clean (on main before
#    this the stdout/stderr sinks kept the raw bytes: every message after a
#    bar was broken).  The bug (default: no clear) leaves the bar's text in
#    front of a message: split lines in sink stderr.  Statistical budget:
#    the bar follows every complete message, and a thread's next stderr
#    message (stderr_pct=20) is then glued to it; the chance that a thread
#    writes none in its first 100 operations is 0.8^100 < 3e-10.
# RUNS (2) runs of each, 1 s.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
RUNS=${RUNS:-2}
COMMON=(--scenario live_refresh --set duration_ms=1000)
for i in $(seq 1 "$RUNS"); do
  run "fdfixed$i" 20000 run "${COMMON[@]}" --target py:fd_capture --set py_options=mode=fixed \
    --report "fdfixed$i.json"
  skip_if_no_python
  expect_clean_run "fd_capture fixed, run $i" 'print_ops >= 100'

  run "fdbug$i" 20000 run "${COMMON[@]}" --target py:fd_capture --report none
  expect_rc 1
  expect_in "fdbug$i.err" '^  split or merged: +[0-9]+, e\.g\. sink capture_std(out|err) line [0-9]+: "@[TF][0-9]+:[0-9]+@ ' \
    "fd_capture chunks, run $i: lines split in a capture sink"

  run "clines$i" 20000 run "${COMMON[@]}" --target py:c_lines --report "clines$i.json"
  expect_clean_run "c_lines, run $i" 'print_ops >= 100'
  expect_not_in "clines$i.out" '@T[0-9]+:' "c_lines, run $i: no tagged line on the harness's own stdout"

  run "barfixed$i" 20000 run "${COMMON[@]}" --target py:progress_bar --set py_options=mode=fixed \
    --report "barfixed$i.json"
  expect_clean_run "progress_bar fixed, run $i" 'print_ops >= 100'

  run "barbug$i" 20000 run "${COMMON[@]}" --target py:progress_bar --report none
  expect_rc 1
  expect_in "barbug$i.err" '^  split or merged: +[0-9]+, e\.g\. sink stderr line [0-9]+: "\[#* *\] +[0-9]+%@T[0-9]+:[0-9]+@ ' \
    "progress_bar noclear, run $i: the bar's text glued to a message"
done
pass "fd-level redirector, C writes to fd 1/2, progress bar: fixed twins clean, bugs caught, in $RUNS runs each"
