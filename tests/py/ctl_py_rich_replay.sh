#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Rich #4158 on the real Rich (Debian python3-rich 13.3.1), as a committed
# repro (issue 14): corpus/replay/py-rich-4158-live-console.repro is what
# `redirtorture explore --scenario live_refresh --target py_rich --strategy
# pct --seed 4158` wrote (8 printers and Live's refresh thread, all under the
# controlled scheduler).  Controlled replays are deterministic, so any miss
# is a failure, not noise: 20 of 20 replays give the recorded DEADLOCK
# signature, never DIVERGED, exact ("no thread can run"), with the Python
# stacks of Live's refresh thread and of the printer in the cycle, and of
# the harness's MainThread (none: it is in C), none "not taken".
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

f="$RT_SOURCE_DIR/corpus/replay/py-rich-4158-live-console.repro"
[ -f "$f" ] || fail "the real-Rich #4158 repro is missing: $f"
sig=$(sed -n 's/^signature: //p' "$f")
case $sig in
  "DEADLOCK:"*"rich/console.py Console._lock@Console.render_lines | rich/live.py Live._lock@Live.process_renderables") ;;
  *) fail "recorded signature is not the Live._lock / Console._lock deadlock: $sig" ;;
esac
for i in $(seq 1 20); do
  run "replay-$i" 120000 replay "$f"
  skip_if_no_python
  expect_rc 2
  expect_verdict DEADLOCK
  expect_not_in "$LAST.err" '^DIVERGED' "run $i: followed the recorded schedule"
  grep -F -- "replay: reproduced $sig (" "$LAST.out" >/dev/null ||
    fail "run $i: signature differs from the recorded $sig"
  cat "$LAST.out" "$LAST.err" >both.txt
  expect_in both.txt 'no thread can run \(controlled execution; exact, no timeout\)' "run $i: exact"
  expect_in both.txt '^  Thread-1 \[python\] waits for rich/console\.py:[0-9]+ Console\._lock .*held by print-[0-9]+$' \
    "run $i: Live's refresh thread in the cycle"
  expect_in both.txt '^      \|   rich/live\.py:[0-9]+ _RefreshThread\.run$' "run $i: the refresh thread's Python stack"
  expect_in both.txt '^      \|   rich/file_proxy\.py:[0-9]+ FileProxy\.write$' "run $i: the printer's Python stack"
  # every Python thread's stack, taken at once: the thread that found the
  # deadlock holds the GIL and walks the frames itself (pystacks.c); a
  # helper waiting for the GIL gave up after 300 ms
  expect_not_in both.txt 'python stack: not taken' "run $i: every Python stack taken"
  grep -A3 -E '^  MainThread \[python\]' both.txt >main.txt || true
  expect_in main.txt '^      \| python stack: none \(no Python frame: in C code\)$' \
    "run $i: the harness's MainThread's Python stack (it is in C code: the scheduler)"
done
pass "real-Rich #4158: the committed repro reproduced 20 of 20 times, exact, both Python stacks"
