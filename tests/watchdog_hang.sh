#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A target stuck without a lock cycle (test_stuck: one writer blocks in
# write(2) on a full pipe while holding Stuck.stdout_lock; the others pile up
# on that lock) is reported as HANG (exit 3), naming the blocked syscall, with
# no wait-for cycle, and the kernel's view of the writer (wchan *pipe_write,
# in write(fd N)) and of the lock waiters (in futex), where the kernel shows
# wchan at all.  Bound per run: stall 500 ms + 1 s + 500 ms x RT_TIME_SCALE
# (filling the 64 KiB pipe takes a few ms).
source "$(dirname "$0")/lib.sh"

RUNS=${RUNS:-3}
WCHAN=0
kernel_shows_wchan && WCHAN=1
STALL=500
BOUND=$((STALL + 1000 + $(scaled 500)))
for i in $(seq 1 "$RUNS"); do
  run "run$i" $((BOUND + 10000)) run --scenario live_refresh --target test_stuck \
    --set stall_timeout_ms=$STALL --report none
  expect_rc 3
  expect_verdict HANG
  expect_ms_below "$BOUND" "run $i"
  e="run$i.err"
  expect_in "$e" '^HANG: threads stopped making progress, no lock cycle; target test_stuck' "run $i: HANG header"
  expect_in "$e" '^  print-[0-9]+ \[print\] blocked in syscall write\(pipe with no reader\) for ' "run $i: thread blocked in write"
  expect_in "$e" '^      in    write\(pipe with no reader\) +at test_stuck\.c:[0-9]+ stuck_write\(\)$' "run $i: syscall site"
  expect_in "$e" '^      holds Stuck\.stdout_lock ' "run $i: the blocked writer holds the lock"
  expect_in "$e" '^      waits Stuck\.stdout_lock +at test_stuck\.c:[0-9]+ stuck_write\(\); owner print-[0-9]+$' "run $i: the others wait for it"
  expect_in "$e" '^signature: HANG:[0-9a-f]{16} .*write\(pipe with no reader\)@[a-z_]+( |$)' "run $i: signature names the syscall"
  expect_not_in "$e" '^wait-for cycle:' "run $i: no cycle"
  if [ "$WCHAN" = 1 ]; then
    expect_in "$e" '^      kernel: [a-z_]*pipe_write, in write\(fd [0-9]+\)$' "run $i: the kernel's view of the writer"
    expect_in "$e" '^      kernel: [a-z_]+, in futex$' "run $i: the kernel's view of a lock waiter"
  fi
  expect_not_in "$e" '^DEADLOCK' "run $i: not a deadlock"
done
pass "test_stuck reported as HANG naming write(pipe ...) in $RUNS of $RUNS runs (kernel view checked: $WCHAN)"
