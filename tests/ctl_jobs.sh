#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# explore --jobs 2: the workers' executions add up to --runs exactly on a
# clean target; on rich_live the finding is reported once (one report, one
# repro), it is the one --jobs 1 reports (same execution, same repro file
# but for its name), and the repro replays its signature.  Controlled
# executions are deterministic, so no statistical budget: any miss is a
# failure.
source "$(dirname "$0")/lib.sh"

run clean "$(scaled 60000)" explore --scenario live_refresh --target rich_live_fixed \
  --strategy pct --runs 400 --seed 7 --jobs 2 --repro-dir repros
expect_rc 0
expect_in clean.out '^explore: strategy pct \(PCT\), up to 400 executions, seed 7, 2 jobs$' "header"
expect_in clean.out '^no finding in 400 executions$' "all 400 executions ran, none twice"
expect_in clean.out '^explore: 400 executions in [0-9.]+ s \([0-9]+/s\) over 2 jobs' "summary"

for seed in 3 4; do
  run "dl$seed" "$(scaled 60000)" explore --scenario live_refresh --target rich_live \
    --strategy pct --runs 100000 --seed "$seed" --jobs 2 --until-deadlock --repro-dir repros
  expect_rc 2
  expect_verdict DEADLOCK
  n=$(grep -c '^DEADLOCK: ' "dl$seed.err" || true)
  [ "$n" -eq 1 ] || fail "seed $seed: $n DEADLOCK reports, expected exactly 1 (the winner's)"
  repro=$(sed -n 's/^repro: //p' "dl$seed.out")
  sig=$(sed -n 's/^first finding after [0-9]* executions\{0,1\}: //p' "dl$seed.out")
  [ -f "$repro" ] || fail "seed $seed: repro '$repro' not written"
  run "one$seed" "$(scaled 60000)" explore --scenario live_refresh --target rich_live \
    --strategy pct --runs 100000 --seed "$seed" --jobs 1 --until-deadlock --repro "one$seed.repro"
  expect_rc 2
  one=$(sed -n 's/^first finding after \([0-9]*\) executions\{0,1\}: .*/\1/p' "one$seed.out")
  two=$(sed -n 's/^first finding after \([0-9]*\) executions\{0,1\}: .*/\1/p' "dl$seed.out")
  [ "$one" = "$two" ] || fail "seed $seed: --jobs 1 found it after $one executions, --jobs 2 after $two"
  diff <(tail -n +2 "one$seed.repro") <(tail -n +2 "$repro") >/dev/null ||
    fail "seed $seed: --jobs 2 wrote another repro than --jobs 1"
  run "replay$seed" "$(scaled 30000)" replay "$repro"
  expect_rc 2
  grep -F -- "replay: reproduced $sig (" "replay$seed.out" >/dev/null ||
    fail "seed $seed: the repro does not replay $sig"
done
pass "--jobs 2: executions add up; one report per finding, the same as --jobs 1; repros replay"
