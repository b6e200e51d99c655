#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A target that really deadlocks (test_deadlock: the first two writers take
# Deadlock.A and Deadlock.B, meet, then each waits for the other's lock) is
# reported as DEADLOCK (exit 2) with its wait-for cycle, and the process
# exits within stall timeout + 1 s after the deadlock occurs.
#
# The deadlock occurs within milliseconds of the drivers starting, so the
# whole run's wall time bounds "deadlock -> exit" from above.  With
# stall_timeout_ms=500 each run must take less than
#   500 ms (stall) + 1000 ms + 500 ms x RT_TIME_SCALE
# where the last term covers process start, fork and exit (under TSan the
# exit alone takes 1 s: TSan's atexit_sleep_ms while deadlocked threads live).
# The report itself must say it was made <= stall + 1 s into the run.
# Each deadlocked thread's native stack is in the report, down to
# rt_lock_acquire_at and the target's deadlock_write with file:line, and no
# frame at line 0 (code clang merged from several lines, inlined: the line
# of the inlined call instead; it printed rt_lock_acquire_at (lock.c:0)).
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
STALL=500
BOUND=$((STALL + 1000 + $(scaled 500)))
for i in $(seq 1 "$RUNS"); do
  run "run$i" $((BOUND + 10000)) run --scenario live_refresh --target test_deadlock \
    --set stall_timeout_ms=$STALL --report none
  expect_rc 2
  expect_verdict DEADLOCK
  expect_ms_below "$BOUND" "run $i: deadlock to exit"
  e="run$i.err"
  expect_in "$e" '^DEADLOCK: 2 threads wait for each other in a cycle; target test_deadlock' "run $i: DEADLOCK header"
  expect_in "$e" '^wait-for cycle:$' "run $i: wait-for cycle"
  expect_in "$e" '^  print-[0-9]+ \[print\] waits for Deadlock\.A \(at test_deadlock\.c:[0-9]+ deadlock_write\(\)\), held by print-[0-9]+$' "run $i: cycle edge to Deadlock.A"
  expect_in "$e" '^  print-[0-9]+ \[print\] waits for Deadlock\.B \(at test_deadlock\.c:[0-9]+ deadlock_write\(\)\), held by print-[0-9]+$' "run $i: cycle edge to Deadlock.B"
  expect_in "$e" '^      holds Deadlock\.A ' "run $i: holder of Deadlock.A listed"
  expect_in "$e" '^      holds Deadlock\.B ' "run $i: holder of Deadlock.B listed"
  expect_in "$e" '^signature: DEADLOCK:[0-9a-f]{16} Deadlock\.A@deadlock_write \| Deadlock\.B@deadlock_write$' "run $i: signature"
  # every thread's native stack, names and file:line from libdw (not taken
  # in sanitizer builds: the report says so)
  if [ -z "$RT_SANITIZER" ]; then
    for cls in A B; do
      awk -v c="holds Deadlock.$cls " '/^  [^ ]/ { t = $0 } index($0, c) { print t }' "$e" >holder.txt
      who=$(awk '{print $1}' holder.txt | head -1)
      awk -v o="  $who [print] " 'index($0, o) == 1 { on = 1; next } /^  [^ ]/ { on = 0 } on' "$e" >stack.txt
      expect_in stack.txt '^      \| native stack \(most recent call first\):$' "run $i: $who's native stack"
      expect_in stack.txt '^      \|   #[0-9]+ +rt_lock_acquire_at \(.*harness/runtime/lock\.c:[1-9][0-9]*\)$' \
        "run $i: $who's native stack through the lock, with file:line"
      expect_in stack.txt '^      \|   #[0-9]+ +deadlock_write \(.*targets/test_deadlock\.c:[0-9]+\)$' \
        "run $i: $who's native stack in the target's write"
    done
    expect_not_in "$e" '^      \|   #[0-9]+ .*:0\)$' "run $i: a native frame at line 0"
  else
    expect_in "$e" '^      \|   \(not taken in sanitizer builds\)$' "run $i: native stacks not taken, said so"
  fi
  # "... blocked for 0.50 s (stall timeout 500 ms); 0.51 s into the run"
  into=$(grep -E -m1 -o '[0-9]+\.[0-9]+ s into the run' "$e" | cut -d' ' -f1)
  [ -n "$into" ] || fail "run $i: no 's into the run' in the report"
  awk -v t="$into" -v b="$(( STALL + 1000 ))" 'BEGIN { exit !(t * 1000 <= b) }' \
    || fail "run $i: reported ${into} s into the run, bound $(( STALL + 1000 )) ms"
done
pass "test_deadlock reported as DEADLOCK with its cycle in $RUNS of $RUNS runs, each exiting under ${BOUND} ms"
