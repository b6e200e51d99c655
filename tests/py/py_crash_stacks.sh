#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_crash_stacks.sh: a Python target's scenario process that crashes
# writes every Python thread's stack, the crashing thread's native stack
# and the list of the run's threads to the saved stderr before it dies
# (issue 12, item 3: CRASH reports).  tests/py/mods/crash_thread.py: the
# 100th line a driver writes crashes its thread in C, while the thread
# crash-bystander waits in _idle(); py_options mode=segv (a null read
# through ctypes, SIGSEGV) and mode=abort (os.abort(), SIGABRT).
# Expected for each: CRASH (exit 4) from the supervisor; CPython's
# faulthandler's "Fatal Python error" with a stack per thread: the crashing
# thread's ("Current thread 0x...") through crash_thread.py _crash and
# write, the bystander's ("Thread 0x...") in _idle; then the harness's own
# crash report: the signal, the crashing thread's native stack with names
# (libdw), and the threads of the run, whose ids tie the stacks to names:
# the crashing thread's TID is a driver whose thread id is faulthandler's
# "Current thread", and crash-bystander's thread id is the block in _idle.
# Before, the report had the crashing thread's native stack only.
# Deterministic: the crash comes at the 100th line; no timing assumption.
# The fixed twin (mode=fixed) stays clean in a run of 1 s.
# Sanitizer builds have no embedded Python (the test is skipped there).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
COMMON=(--scenario live_refresh --target py:crash_thread --set refresh_hz=0 --set finalizer_every=0)
for mode in segv abort; do
  case $mode in segv) sig=11 abbr=SEGV fatal='Segmentation fault' ;; abort) sig=6 abbr=ABRT fatal=Aborted ;; esac
  run_py "$mode" 30000 4 CRASH run "${COMMON[@]}" --set py_options=mode=$mode --report "$mode.json"
  e="$mode.err"
  expect_in "$e" "^CRASH: scenario process [0-9]+ died of signal $sig " "$mode: the supervisor's report"
  expect_in "$e" "^Fatal Python error: $fatal\$" "$mode: faulthandler's dump"
  expect_in "$e" "^\\*\\*\\* crash: signal $sig \\($abbr\\) in thread [0-9]+; its native stack \\(raw\\):\$" \
    "$mode: the harness's crash report"
  expect_in "$e" '^  with names and lines \(libdw\):$' "$mode: the native stack with names"
  "$PY" - "$e" <<'PYEOF' || fail "$mode: every Python thread's stack, tied to the run's threads"
import re, sys
text = open(sys.argv[1]).read()
dump = text.split("Fatal Python error: ", 1)[1].split("\n*** crash: ", 1)[0]
stacks = {}
for m in re.finditer(r"^(Current thread|Thread) (0x[0-9a-f]+) \(most recent call first\):\n((?:  .*\n)*)",
                     dump, re.M):
    stacks[m.group(2)] = (m.group(1), m.group(3))
assert len(stacks) >= 3, dump
crash = text.split("\n*** crash: ", 1)[1]
tid = re.match(r"signal \d+ \(\w+\) in thread (\d+);", crash).group(1)
listed = dict(re.findall(r"^  (\S+ \[\w+\] tid \d+), Thread (0x[0-9a-f]+)$", crash, re.M))
by_tid = {k.split(" tid ")[1]: (k.split(" ")[0], v) for k, v in listed.items()}
name, ident = by_tid[tid]
assert re.match(r"print-\d+$", name), (name, listed)
kind, frames = stacks[ident]
assert kind == "Current thread", (name, kind)
assert re.search(r'^  File ".*crash_thread\.py", line \d+ in _crash$', frames, re.M), frames
assert re.search(r'^  File ".*crash_thread\.py", line \d+ in write$', frames, re.M), frames
bident = [v for k, v in listed.items() if k.startswith("crash-bystander [python] ")]
assert bident, listed
kind, frames = stacks[bident[0]]
assert kind == "Thread", kind
assert re.search(r'^  File ".*crash_thread\.py", line \d+ in _idle$', frames, re.M), frames
assert re.search(r'^  File ".*threading\.py", line \d+ in wait$', frames, re.M), frames
names = crash.split("with names and lines (libdw):\n", 1)[1]
assert re.match(r"    #0 +\S+ \(", names), names[:300]
PYEOF
done
fixed_twin_clean 1 20000 'print_ops >= 100' run "${COMMON[@]}" --set py_options=mode=fixed --set duration_ms=1000
pass "SIGSEGV and SIGABRT in a Python thread: every Python thread's stack, the native stack and the thread list before the CRASH; fixed twin clean"
