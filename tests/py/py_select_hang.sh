#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_select_hang.sh: a thread blocked in select() on a pipe nobody writes,
# while the others wait for it (issue 12 tests), and every thread of the
# report with its Python stack and its native stack.
# tests/py/mods/select_hold.py: its control-pipe thread holds the writers'
# lock while it waits in select() for a command that never comes.
# Expected in each of RUNS (3) runs: HANG (exit 3); the writers wait for
# select_hold.py's _lock, held by control-pipe; control-pipe (registered
# when it started, though it never waits for a harness lock) is shown with
# its Python stack taken now (select_hold.py _serve, where it sits in the C
# call), its native stack through libc's select, and, where the kernel shows
# wchan, the kernel's view (in select, pselect6 or poll).  Every thread of
# the report has a Python stack and a native stack.
# Statistical budget: control-pipe needs the lock once while the writers
# take and release it; a binary lock handed around 2 writers is free for it
# within milliseconds (the run lasts 10 s, the stall timeout is 1 s).
# The fixed twin (py_options mode=fixed: select() outside the lock) stays
# clean in RUNS runs of 1 s, and its uninstall() ends the thread through the
# pipe (Thread.join, a harness-visible wait now).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
RUNS=${RUNS:-3}
WCHAN=0
kernel_shows_wchan && WCHAN=1
COMMON=(--scenario live_refresh --target py:select_hold --set print_workers=2 --set refresh_hz=0
  --set finalizer_every=0)
for i in $(seq 1 "$RUNS"); do
  run_py "bug$i" 30000 3 HANG run "${COMMON[@]}" --report none
  f="bug$i.err"
  expect_in "$f" 'waits select_hold\.py:[0-9]+ _lock +at select_hold\.py:[0-9]+ write\(\); owner control-pipe$' \
    "run $i: the writers wait for the lock control-pipe holds"
  awk '/^  control-pipe \[python\]/{on=1; print; next} /^  [^ ]/{on=0} on' "$f" >pipe.txt
  expect_in pipe.txt '^      holds select_hold\.py:[0-9]+ _lock' "run $i: control-pipe holds the lock"
  expect_in pipe.txt '^      \|   select_hold\.py:[0-9]+ _serve$' "run $i: control-pipe's Python stack, taken in select"
  expect_in pipe.txt '^      \|   #[0-9]+ +(__)?select ' "run $i: control-pipe's native stack in libc's select"
  if [ "$WCHAN" = 1 ]; then
    expect_in pipe.txt '^      kernel: [a-z_.0-9]+, in (select|pselect6|poll|ppoll)' "run $i: the kernel's view"
  fi
  # every thread: a Python stack and a native stack
  "$PY" - "$f" <<'PYEOF' || fail "run $i: a thread of the report without its Python or native stack"
import re, sys
text = open(sys.argv[1]).read()
part = text.split("\nthreads (", 1)[1].split("\nsignature:", 1)[0]
blocks = re.split(r"\n(?=  \S)", part.split("\n", 1)[1])
assert len(blocks) >= 4, blocks
for b in blocks:
    name = b.split("\n", 1)[0]
    assert "| python stack" in b, "no Python stack: " + name
    assert "| native stack (most recent call first):" in b and re.search(r"\|   #0 ", b), \
        "no native stack: " + name
PYEOF
done
fixed_twin_clean "$RUNS" 20000 'print_ops >= 100' run "${COMMON[@]}" --set py_options=mode=fixed \
  --set duration_ms=1000
pass "select() under the writers' lock: HANG with control-pipe's Python and native stacks in $RUNS of $RUNS runs, every thread with both; fixed twin clean in $RUNS"
