#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# minimize: the output still fails with the same signature and is no larger
# than its input (never more threads nor preemptions; more choices only
# along with fewer of either).  A schedule with fewer preemptions is taken
# even with more choices: 1 printer, refresh at 1000 Hz, seed 2: 4
# preemptions -> 2 (9 choices against 8; it stayed at 4 when choices could
# not grow).
source "$(dirname "$0")/lib.sh"

src="$RT_SOURCE_DIR/corpus/replay/rich-4158-live-console-abba.repro"
cp "$src" in.repro
run minimize "$(scaled 120000)" minimize in.repro -o out.repro
expect_rc 0
[ -s out.repro ] || fail "no minimized file"
sig=$(sed -n 's/^signature: //p' in.repro)
[ "$(sed -n 's/^signature: //p' out.repro)" = "$sig" ] || fail "minimized signature differs"
expect_not_larger in.repro out.repro
expect_in minimize.out '^  preemptions [0-9]+ -> [0-9]+$' "preemption count before and after"
run replay "$(scaled 30000)" replay out.repro
expect_rc 2
grep -F -- "replay: reproduced $sig (" replay.out >/dev/null || fail "minimized repro does not reproduce"
small="threads $(repro_field threads in.repro)->$(repro_field threads out.repro), choices $(repro_field choices in.repro)->$(repro_field choices out.repro), preemptions $(repro_field preemptions in.repro)->$(repro_field preemptions out.repro)"

# fewer preemptions with more choices
run explore "$(scaled 60000)" explore --scenario live_refresh --target rich_live --strategy pct \
  --jobs 1 --seed 2 --set print_workers=1 --set refresh_hz=1000 --set max_ops=5 --repro p.repro
expect_rc 2
pi=$(repro_field preemptions p.repro) ci=$(repro_field choices p.repro)
[ "$pi" -ge 3 ] || fail "the fixture changed: explore's repro has $pi preemptions (3 or more wanted)"
run minp "$(scaled 120000)" minimize p.repro -o p.min.repro
expect_rc 0
expect_not_larger p.repro p.min.repro
po=$(repro_field preemptions p.min.repro) co=$(repro_field choices p.min.repro)
[ "$po" -le 2 ] || fail "preemptions $pi -> $po (choices $ci -> $co): 2 wanted"
run replayp "$(scaled 30000)" replay p.min.repro
expect_rc 2
pass "minimized: $small; 1 printer: preemptions $pi->$po, choices $ci->$co"
