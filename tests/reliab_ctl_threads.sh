#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Controlled mode at 64 and 256 driver threads (issue 11, item 1): the
# scheduler's per-thread records must not move while threads sleep on the
# condition variables inside them (it used to HANG from 17 threads on).
# explore, replay and minimize, each with a bounded number of executions:
# the fixed target stays clean, rich_live's deadlock is found, replayed and
# minimized.  Deterministic: controlled executions with fixed seeds.
source "$(dirname "$0")/lib.sh"

for n in 64 256; do
  runs=$(( n == 64 ? 20 : 5 ))
  run "clean$n" "$(scaled 60000)" explore --scenario live_refresh --target rich_live_fixed \
    --set print_workers=$n --runs $runs --seed 7 --save-clean --repro "$WORK/clean$n.repro"
  expect_rc 0
  expect_verdict SUCCESS
  expect_in "$LAST.out" "^no finding in $runs executions$" "$n workers: every execution ran"
  expect_ms_below "$(scaled 30000)" "$n workers: explore of the fixed target"
  [ -s "clean$n.repro" ] || fail "$n workers: no repro of the clean execution"
  expect_in "clean$n.repro" "^threads: $(( n + 1 ))( |$)" "$n workers: the repro has every thread"

  run "replay_clean$n" "$(scaled 30000)" replay "clean$n.repro"
  expect_rc 0
  expect_in "$LAST.out" '^replay: reproduced no finding ' "$n workers: clean replay"

  run "dl$n" "$(scaled 60000)" explore --scenario live_refresh --target rich_live \
    --set print_workers=$n --runs 200 --seed 5 --repro "$WORK/dl$n.repro"
  expect_rc 2
  expect_verdict DEADLOCK
  expect_in "$LAST.err" '^wait-for cycle:$' "$n workers: the deadlock's cycle"
  sig=$(sed -n 's/^signature: //p' "dl$n.repro")
  [ -n "$sig" ] || fail "$n workers: no signature in dl$n.repro"

  run "replay_dl$n" "$(scaled 30000)" replay "dl$n.repro"
  expect_rc 2
  grep -F -- "replay: reproduced $sig (" "$LAST.out" >/dev/null || fail "$n workers: replay"

  run "min$n" "$(scaled 120000)" minimize "dl$n.repro" -o "min$n.repro" --search-runs 50
  expect_rc 0
  expect_ms_below "$(scaled 60000)" "$n workers: minimize"
  [ "$(sed -n 's/^signature: //p' "min$n.repro")" = "$sig" ] || fail "$n workers: minimized signature"
  t=$(sed -n 's/^threads: \([0-9]*\).*/\1/p' "min$n.repro")
  [ "$t" -lt "$n" ] || fail "$n workers: minimize kept $t threads"
  run "replay_min$n" "$(scaled 30000)" replay "min$n.repro"
  expect_rc 2
done
pass "64 and 256 workers: explore clean/deadlock, replay, minimize (256 -> $t threads)"
