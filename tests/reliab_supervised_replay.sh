#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# replay and minimize are supervised (issue 11, item 2).  A repro naming a
# target that blocks outside the controlled scheduler (test_deadlock waits in
# pthread_barrier_wait, test_stuck in write(2)) made both hang for ever: such
# targets are refused at once with the documented line (exit 69).  A target
# that wedges anyway (test_wedge SIGSTOPs its own process on the first write)
# runs in a supervised child under the heartbeat timeout (stall 1 s + 2 s)
# and the deadline of `run`: CRASH report, exit 4, the child gone.
source "$(dirname "$0")/lib.sh"

run clean "$(scaled 30000)" explore --scenario live_refresh --target rich_live_fixed --runs 1 \
  --seed 3 --save-clean --repro "$WORK/clean.repro"
expect_rc 0
[ -s clean.repro ] || fail "no clean repro"

for t in test_deadlock test_stuck; do
  sed "s/^config: target = .*/config: target = $t/" clean.repro >"$t.repro"
  for cmd in replay minimize; do
    run "$cmd-$t" "$(scaled 20000)" "$cmd" "$t.repro"
    expect_rc 69
    expect_verdict NOSTART
    expect_ms_below "$(scaled 5000)" "$cmd $t: refused at once"
    [ "$(wc -l <"$LAST.err")" -eq 1 ] || fail "$cmd $t: expected one line on stderr"
    expect_in "$LAST.err" "^redirtorture: target $t runs only free \(its own threads or real blocking syscalls are outside the controlled scheduler\); use \`run\`\$" "$cmd $t: the refusal"
  done
done

sed "s/^config: target = .*/config: target = test_wedge/" clean.repro >wedge.repro
for cmd in replay minimize; do
  run "$cmd-wedge" "$(scaled 30000)" "$cmd" wedge.repro
  expect_rc 4
  expect_verdict CRASH
  expect_in "$LAST.err" '^CRASH: scenario process [0-9]+ wedged \(no heartbeat from the scenario.s watchdog\); killed it; target test_wedge' "$cmd: the supervisor's report"
  expect_in "$LAST.err" '^signature: CRASH:[0-9a-f]+ wedged: no heartbeat$' "$cmd: signature"
  expect_ms_below "$(scaled 10000)" "$cmd: heartbeat timeout (stall 1 s + 2 s)"
  pid=$(sed -n 's/^CRASH: scenario process \([0-9]*\) .*/\1/p' "$LAST.err" | head -n 1)
  ! kill -0 "$pid" 2>/dev/null || fail "$cmd: wedged child $pid still there"
done
pass "replay/minimize: blocking targets refused (69), a wedging replay reported as CRASH in bounded time"
