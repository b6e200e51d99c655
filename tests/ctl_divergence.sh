#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Divergence detection: test_nondet picks a lock from the wall clock, which
# the scheduler does not control.  A recorded run of it must not replay
# silently: replay names the choice where it diverged and exits 5.
# Statistical budget: a replay matches only if every one of its ~40 clock
# bits at controlled choices comes out the same (about 2^-40); we require 3
# of 3 replays to diverge.
source "$(dirname "$0")/lib.sh"

run record "$(scaled 30000)" explore --scenario busted_abba --target test_nondet --runs 1 \
  --save-clean --repro "$WORK/nondet.repro" --no-supervisor
expect_rc 0
[ -s nondet.repro ] || fail "no repro recorded"
for i in 1 2 3; do
  run "replay$i" "$(scaled 30000)" replay nondet.repro
  expect_rc 5
  expect_verdict DIVERGED
  expect_in "$LAST.err" '^DIVERGED: replay of .*nondet\.repro left the recorded schedule at choice [0-9]+: ' "replay $i names the step"
done
pass "hidden nondeterminism reported as divergence 3 of 3 times"
