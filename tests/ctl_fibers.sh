#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The fiber backend of controlled mode (sched/sched_ctl_fiber.c): C targets'
# driver threads run as fibers on one kernel thread; the thread backend
# (REDIRTORTURE_CTL_BACKEND=threads) runs them as real threads, one at a
# time.  Strategies, repro files and reports do not care which one ran:
#  - explore from one seed takes the same executions to the same finding
#    and writes the same schedule on both backends (random, pct, pos; and
#    random and pct with 64 printers: two words of threads);
#  - a repro recorded on one replays to the same signature on the other;
#  - the DEADLOCK report of a replay shows every thread of the cycle with
#    what it holds and awaits and, outside sanitizer builds, its own native
#    stack through the lock and the target's code: on fibers each fiber's
#    stack ("native stack of its fiber", no kernel view: the kernel thread
#    is shared), on threads each thread's.
source "$(dirname "$0")/lib.sh"

schedule() { sed -n '/^schedule:$/,$p' "$1"; }

# (on fibers the enabled set is kept incrementally, sched_ctl_enabled.c; on
# threads every thread is looked at: the same choices, check bytes included)
for st in random pct pos random-64 pct-64; do
  workers=()
  case $st in *-64) workers=(--set print_workers=64) ;; esac
  for be in threads fibers; do
    REDIRTORTURE_CTL_BACKEND=$be run "$st-$be" "$(scaled 60000)" explore --scenario live_refresh \
      --target rich_live --strategy "${st%-64}" --runs 3000 --seed 7 --jobs 1 --until-deadlock \
      "${workers[@]}" --repro "$WORK/$st-$be.repro" --no-supervisor
    expect_rc 2
    expect_verdict DEADLOCK
    [ -s "$WORK/$st-$be.repro" ] || fail "$st on $be: no repro written"
  done
  a=$(sed -n 's/^explore: \([0-9]*\) executions\{0,1\} in .*/\1/p' "$st-threads.out")
  b=$(sed -n 's/^explore: \([0-9]*\) executions\{0,1\} in .*/\1/p' "$st-fibers.out")
  [ -n "$a" ] && [ "$a" = "$b" ] || fail "$st: $a executions to the deadlock on threads, $b on fibers"
  cmp -s <(schedule "$st-threads.repro") <(schedule "$st-fibers.repro") ||
    fail "$st: the schedules recorded on threads and on fibers differ"
  grep '^signature:' "$st-threads.repro" >sig-threads.txt
  grep '^signature:' "$st-fibers.repro" >sig-fibers.txt
  cmp -s sig-threads.txt sig-fibers.txt || fail "$st: the signatures differ between backends"
done

# A repro replays on the other backend; the reports show each thread whole.
CORPUS="$RT_SOURCE_DIR/corpus/replay/rich-4158-live-console-abba.repro"
sig=$(sed -n 's/^signature: //p' "$CORPUS")
for be in threads fibers; do
  REDIRTORTURE_CTL_BACKEND=$be run "replay-$be" "$(scaled 30000)" replay "$CORPUS"
  expect_rc 2
  grep -F -- "replay: reproduced $sig (" "$LAST.out" >/dev/null || fail "$be: replay: another signature"
  e=$LAST.err
  expect_in "$e" '^wait-for cycle:$' "$be: the wait-for cycle"
  for cls in 'Console\._lock' 'Live\._lock'; do
    awk -v c="$cls" '/^  [^ ]/ { t = $0 } $0 ~ "^      holds " c " " { print t }' "$e" >holder.txt
    who=$(awk '{print $1}' holder.txt | head -1)
    [ -n "$who" ] || fail "$be: nobody holds $cls in the report"
    awk -v o="  $who [" 'index($0, o) == 1 { on = 1; next } /^  [^ ]/ { on = 0 } on' "$e" >"stack-$be-$who.txt"
    expect_in "stack-$be-$who.txt" '^      waits ' "$be: $who's awaited lock"
    if [ -n "$RT_SANITIZER" ]; then
      expect_in "stack-$be-$who.txt" '^      \|   \(not taken in sanitizer builds\)$' "$be: $who: stacks not taken, said so"
      continue
    fi
    if [ "$be" = fibers ]; then
      expect_in "stack-$be-$who.txt" '^      \| native stack of its fiber \(most recent call first\):$' "$be: $who's fiber stack"
      expect_not_in "stack-$be-$who.txt" '^      kernel: ' "$be: $who: no kernel view for a fiber"
      # it starts where the target called the harness: the scheduler's
      # frames (parking it, or reporting) are one line
      expect_in "stack-$be-$who.txt" "^      \|   \(#0-#[0-9]+: the scheduler's own frames, left out\)$" "$be: $who: scheduler frames said"
      first=$(grep -E -m1 '^      \|   #[0-9]+ ' "stack-$be-$who.txt" || true)
      [[ $first == *" rt_lock_acquire_at ("* ]] || fail "$be: $who: the first frame shown is not the lock acquire: $first"
    else
      expect_in "stack-$be-$who.txt" '^      \| native stack \(most recent call first\):$' "$be: $who's stack"
    fi
    expect_in "stack-$be-$who.txt" '^      \|   #[0-9]+ +rt_lock_acquire_at \(.*harness/runtime/lock\.c:[0-9]+\)$' \
      "$be: $who's native stack through the lock, with file:line"
    expect_in "stack-$be-$who.txt" '^      \|   #[0-9]+ +[a-z_]+ \(.*targets/rich_live\.c:[0-9]+\)$' \
      "$be: $who's native stack in the target"
    expect_in "stack-$be-$who.txt" '^      \|   #[0-9]+ +driver_main \(.*harness/engine/drivers\.c:[0-9]+\)$' \
      "$be: $who's native stack down to its driver"
  done
done
pass "same executions, schedules and signatures on fibers and threads; each thread's stack in the report"
