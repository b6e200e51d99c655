#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Exact deadlock detection in controlled mode: with the stall timeout set to
# 10 minutes, no wall-clock timeout can be what reports the deadlock; the
# scheduler sees that no thread can run and says so at once.
source "$(dirname "$0")/lib.sh"

for scen in busted_abba live_refresh; do
  run "$scen" "$(scaled 60000)" explore --scenario "$scen" --strategy random --runs 2000 \
    --seed 11 --set stall_timeout_ms=600000 --repro "$WORK/$scen.repro" --no-supervisor
  expect_rc 2
  expect_verdict DEADLOCK
  expect_in "$LAST.err" 'no thread can run \(controlled execution; exact, no timeout\)' "$scen: exact deadlock"
  expect_in "$LAST.err" '^wait-for cycle:$' "$scen: the wait-for cycle"
  expect_in "$LAST.err" '^  .* waits for .* held by ' "$scen: who waits for whom"
  expect_ms_below "$(scaled 20000)" "$scen: reported without any wall-clock timeout"
  [ -s "$WORK/$scen.repro" ] || fail "$scen: no repro file written"
done
expect_in busted_abba.err 'Busted\.A' "busted cycle names Busted.A"
expect_in live_refresh.err 'Live\._lock.*held by' "live_refresh cycle names Live._lock"
# Without --repro the file is named by the execution that found it: every
# replay line of the run (the potential deadlock's report, the confirmed
# one's, the summary) names the file that was written.  The potential
# report named the next execution's file, never written (exit 65 pasted).
run named "$(scaled 60000)" explore --scenario live_refresh --strategy pct --seed 3 \
  --repro-dir "$WORK/named" --no-supervisor
expect_rc 2
cat named.out named.err | sed -n 's/^replay: .* replay //p' | sort -u >named.files
[ -s named.files ] || fail "named: no replay line names a repro file"
while read -r f; do
  [ -s "$f" ] || fail "named: a replay line names $f, which was not written (have: $(ls "$WORK/named"))"
done <named.files
# A repro's header gives the replay command as it works when pasted: the
# program as invoked, the path as written (it said `redirtorture replay
# BASENAME`: neither on PATH nor in the current directory).
header_cmd() { sed -n '1s/^# redirtorture repro file: replay with `\(.*\)`$/\1/p' "$1"; }
mkdir "$WORK/my dir"
run min "$(scaled 60000)" minimize "$RT_SOURCE_DIR/corpus/replay/busted-abba.repro" -o "my dir/s.repro"
expect_rc 0
{ cat named.files; echo "my dir/s.repro"; } >headers.files
while read -r f; do
  cmd=$(header_cmd "$f")
  want="$(printf '%q' "$RT_BIN") replay $(printf '%q' "$f")"
  [ "$cmd" = "$want" ] || [ "$cmd" = "$RT_BIN replay '$f'" ] ||
    fail "$f: header says \`$cmd\`, wanted \`$want\`"
  set +e; (cd / && eval "cd '$WORK' && $cmd") >hdr.out 2>&1; rc=$?; set -e
  [ "$rc" = 2 ] || fail "$f: its header's command exited $rc, not 2 (DEADLOCK): $(tail -2 hdr.out)"
done <headers.files
pass "deadlocks reported exactly, no timeout involved; replay lines name the written repro; repro headers replay when pasted"
