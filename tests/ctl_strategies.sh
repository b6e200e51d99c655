#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every strategy finds the Rich #4158 deadlock on rich_live, and none finds
# anything on rich_live_fixed over the same budget (300 executions each).
source "$(dirname "$0")/lib.sh"

for st in random pct pos; do
  run "$st-buggy" "$(scaled 60000)" explore --scenario live_refresh --target rich_live \
    --strategy "$st" --runs 300 --seed 5 --set integrity=0 --repro "$WORK/$st.repro" --no-supervisor
  expect_rc 2
  expect_in "$LAST.out" '^first finding after [0-9]+ executions?: DEADLOCK:[0-9a-f]+ Console\._lock@.* \| Live\._lock@' "$st finds the Live/Console deadlock"
  run "$st-fixed" "$(scaled 120000)" explore --scenario live_refresh --target rich_live_fixed \
    --strategy "$st" --runs 300 --seed 5 --no-supervisor
  expect_rc 0
  expect_in "$LAST.out" '^no finding in 300 executions$' "$st: rich_live_fixed clean"
done
pass "random, pct and pos find the deadlock; the fixed target stays clean"
