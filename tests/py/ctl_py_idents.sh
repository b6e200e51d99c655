#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Thread idents in controlled Python (issue 14): what the code under test
# sees of threading.get_ident(), _thread.get_ident(), Thread.ident,
# threading.get_native_id() and Thread.native_id is the same in every
# controlled execution, in every process (tests/py/mods/idents.py notes it
# for the thread that starts the target, a worker thread it starts and the
# driver threads, and takes an extra lock when its ident is divisible by 3).
# Real idents (pthread_self, the kernel TID) differ between processes and
# between executions, so on a harness that shows them the lines below
# differ (native ids always, pthread_t values under ASLR).
#  - explore: 3 executions with different schedules, the same line each;
#  - two replays of the saved execution, each in a fresh process: the
#    same line as explore's, never DIVERGED;
#  - every thread is found by threading under the ident it sees.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
EX=(explore --scenario live_refresh --strategy pct --jobs 1 --seed 23 --target py:idents
    --set finalizer_every=0 --set refresh_hz=0 --set print_workers=3 --set max_ops=3
    --set partial_pct=0)
run explore 300000 "${EX[@]}" --runs 3 --save-clean --repro "$WORK/idents.repro"
skip_if_no_python
expect_rc 0
[ -s idents.repro ] || fail "no repro of the clean execution"
grep '^idents: ' explore.err >explore.idents || true
[ "$(wc -l <explore.idents)" -eq 3 ] || fail "expected 3 idents lines from 3 executions, got $(wc -l <explore.idents)"
[ "$(sort -u explore.idents | wc -l)" -eq 1 ] || { cat explore.idents >&2; fail "the executions saw different idents"; }
line=$(head -n1 explore.idents)
n=$(grep -o 'found=True' <<<"$line" | wc -l)
[ "$n" -eq 5 ] || fail "expected 5 threads (starter, worker, 3 writers) found under their idents, got $n: $line"
if grep -q 'found=False' <<<"$line"; then fail "a thread is not found under the ident it sees: $line"; fi
for i in 1 2; do
  run "replay-$i" 120000 replay idents.repro
  expect_rc 0
  expect_not_in "$LAST.err" '^DIVERGED' "replay $i followed the recorded schedule"
  got=$(grep '^idents: ' "$LAST.err" || true)
  [ "$got" = "$line" ] || fail "replay $i saw other idents:
  explore: $line
  replay:  $got"
done
pass "the same thread idents in 3 executions and 2 replays: $line"
