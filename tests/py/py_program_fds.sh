#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_program_fds.sh: under `redirtorture py` fd 1 and fd 2 are pipes that the
# harness drains into the sinks the integrity oracle reads, and copies to
# the real stdout/stderr (issue 12, item 5, for whole programs).  Programs in
# tests/py/programs, with driver threads (print_workers=4; no finalizers:
# a driver's finalizer inside a program's own lock is another test's
# subject, py_program_drivers.sh):
#  - fd_redirector.py, an fd-level redirector (dup2 of its own pipes over the
#    fds of sys.stdout/sys.stderr, a reader thread each that forwards whole
#    lines to the saved originals): clean in 2 of 2 runs, and its own
#    os.write(1) line reaches the real stdout through it.  --lossy (the
#    reader forgets the unfinished tail of each 100-byte read) is FINDING,
#    lines lost, in each of 2 runs: on main before this the drivers' lines
#    counted as delivered when they were written, and --lossy was SUCCESS.
#    Deterministic: the 49-byte lines are written whole and read 100 bytes
#    at a time, so most reads end inside a line.
#  - fd_redirector.py --stuck (the reader never reads: the pipe over fd 1
#    fills and every writer blocks in write(2)): HANG after the stall
#    timeout (1 s here), a driver "blocked in write(fd 1)" with its Python
#    stack and the kernel's view.  Before the harness marked its stream
#    writes as waits the HANG came too (the other writers wait for the
#    lock the blocked one holds), but that one read as "running", the
#    write nowhere in the verdict.
#  - c_stream.py: sys.stdout/sys.stderr that hand each complete line to
#    libc's write(2) on fd 1/2 (as a C extension prints), and lines of its
#    own by os.write(1) and libc write(2): SUCCESS with the drivers' lines
#    (stderr_pct 20, and a log worker; whole lines, see below) checked by
#    the oracle, and all of it on the real stdout/stderr too.  On main before this the drivers' lines
#    went to the real fds only: FINDING, every line lost.
#  - a program's output piped into `grep -m 2`: CLOSED (141) at once.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

P="$RT_SOURCE_DIR/tests/py/programs"
DRV=(--set print_workers=4 --set finalizer_every=0)
LIMIT=60000

# stderr stays empty for expect_clean_run: the drivers write to stdout only
fixed_twin_clean 2 "$LIMIT" 'print_ops >= 100' py "${DRV[@]}" --set stderr_pct=0 -- "$P/fd_redirector.py" 1
expect_in "$LAST.out" '^fd_redirector: os\.write\(1\) through the redirector$' "the program's own fd 1 line on the real stdout"
expect_in "$LAST.out" '^@T[0-9]+:[0-9]+@ ' "driver lines on the real stdout"

for i in 1 2; do
  run_py "lossy$i" "$LIMIT" 1 FINDING py --report none "${DRV[@]}" --set log_workers=1 -- "$P/fd_redirector.py" --lossy 1
  expect_in "lossy$i.err" '^FINDING: output integrity violated; target py' "lossy run $i: integrity finding"
  expect_in "lossy$i.err" '^  lost: +[1-9][0-9]*, e\.g\. @T[0-9]+:[0-9]+@ ' "lossy run $i: lines lost"
done

run_py stuck "$LIMIT" 3 HANG py --report none "${DRV[@]}" --set stderr_pct=0 --set stall_timeout_ms=1000 \
  -- "$P/fd_redirector.py" --stuck 1
expect_in stuck.err '^HANG: ' "stuck reader: HANG"
expect_in stuck.err '^  print-[0-9]+ \[print\] blocked in syscall write\(fd 1\) ' "stuck reader: a driver blocked in write(fd 1)"
expect_in stuck.err '^      \|   redirtorture_glue\.py:[0-9]+ ' "stuck reader: the blocked writer's Python stack"
expect_in stuck.err '^signature: HANG:[0-9a-f]+ .*write\(fd 1\)@py_sink_write' "stuck reader: the write in the signature"

# `redirtorture py -- script.py | head -N`: the reader (grep -m 2) takes the
# program's first two lines, then goes; the harness stops at once, exit 141
# (CLOSED), quiet, its report written (it was a CRASH: the scenario process
# died of SIGPIPE copying the program's output, then the harness itself)
LAST=head; t0=$(now_ms)
set +e
"$RT_BIN" py --report head.json -- -c 'import time
for i in range(200): print("prog", i, flush=True); time.sleep(0.05)' 2>head.err | grep -m 2 '^prog' >head.out
RC=${PIPESTATUS[0]}; set -e; MS=$(( $(now_ms) - t0 ))
expect_rc 141
expect_ms_below "$(scaled 5000)" "closed pipe: stopped at once (the program alone runs 10 s)"
expect_in head.out '^prog 0$' "closed pipe: the program's first line reached the reader"
expect_not_in head.err '^[^[]' "closed pipe: quiet on stderr"
"$PY" -c 'import json; d=json.load(open("head.json")); assert (d["verdict"], d["exit_code"]) == ("CLOSED", 141), d["verdict"]' \
  || fail "closed pipe: the report"

# whole lines only (partial_pct=0): a driver line begun in pieces on the
# harness's sys.stderr when the program swaps in its C stream would end on
# the other one, split (3 of 6 runs by hand; not what this test is about)
run_py cstream "$LIMIT" 0 SUCCESS py --report cstream.json "${DRV[@]}" --set log_workers=1 \
  --set partial_pct=0 -- "$P/c_stream.py" 1
"$PY" -c 'import json; d=json.load(open("cstream.json")); s=d["stats"]; assert d["findings"]==[] and s["print_ops"]>=100 and s["log_ops"]>=10, s' \
  || fail "cstream.json: drivers did not write through the C stream"
expect_in cstream.out '^c_stream: os\.write\(1\)$' "os.write(1) on the real stdout"
expect_in cstream.out '^c_stream done$' "the last os.write(1) on the real stdout"
expect_in cstream.err '^c_stream: libc write\(2\)$' "libc write(2) on the real stderr"
expect_in cstream.out '^@T[0-9]+:[0-9]+@ ' "driver lines on the real stdout"
expect_in cstream.err '^(WARNING )?@T[0-9]+:[0-9]+@ ' "driver lines on the real stderr"
pass "fd-level redirector: fixed clean, lossy FINDING in 2 of 2, stuck HANG; | head: CLOSED (141); C-level writes to fd 1/2 reach the sinks and the real fds"
