#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# minimize: the output still fails with the same signature and is no larger
# than its input (never more threads nor preemptions; more choices only
# along with fewer of either).  Four capabilities, each failing without it:
# (1) fewer threads on a faster virtual clock: the #4158 repro (8 printers
# and the refresh thread) becomes 1 printer and the refresh thread, which at
# the recorded 0.1 ms a step never meet (the printer is done before the
# refresh thread first wakes); with --keep-clock it stays at 4 printers;
# (2) a one-row live display first (live_rows = 1: the cost of a real-Rich
# execution is mostly its render; kept here since the deadlock needs no rows);
# (3) a schedule with fewer preemptions is taken even with more choices:
# 1 printer, refresh at 1000 Hz, seed 2: 4 preemptions -> 2 (it stayed at 4
# when choices could not grow: the first 2-preemption schedule had 9 for 8);
# (4) ddmin's switches named by thread, not by position: a random-strategy
# repro (8 printers, 367 preemptions), --keep-clock --search-runs 100:
# 18 preemptions left (65 when a switch was kept at its position);
# (5) counts of 1 in the singular (busted's ABBA minimized: '1 preemption').
source "$(dirname "$0")/lib.sh"

src="$RT_SOURCE_DIR/corpus/replay/rich-4158-live-console-abba.repro"
cp "$src" in.repro
sig=$(sed -n 's/^signature: //p' in.repro)
run minimize "$(scaled 120000)" minimize in.repro -o out.repro
expect_rc 0
[ -s out.repro ] || fail "no minimized file"
[ "$(sed -n 's/^signature: //p' out.repro)" = "$sig" ] || fail "minimized signature differs"
expect_not_larger in.repro out.repro
expect_in minimize.out '^  preemptions [0-9]+ -> [0-9]+$' "preemption count before and after"
[ "$(repro_field threads out.repro)" -le 2 ] ||
  fail "not down to one printer and the refresh thread: $(repro_field threads out.repro) threads"
[ "$(repro_field vstep_ns out.repro)" -gt "$(repro_field vstep_ns in.repro)" ] ||
  fail "one printer on the recorded clock? vstep_ns $(repro_field vstep_ns out.repro)"
grep -qx 'config: live_rows = 1' out.repro || fail "not down to a one-row live display: $(grep live_rows out.repro)"
run replay "$(scaled 30000)" replay out.repro
expect_rc 2
grep -F -- "replay: reproduced $sig (" replay.out >/dev/null || fail "minimized repro does not reproduce"
small="threads $(repro_field threads in.repro)->$(repro_field threads out.repro), choices $(repro_field choices in.repro)->$(repro_field choices out.repro), preemptions $(repro_field preemptions in.repro)->$(repro_field preemptions out.repro)"

# counts of 1 read in the singular: busted's ABBA minimizes to 1 preemption
run minb "$(scaled 60000)" minimize "$RT_SOURCE_DIR/corpus/replay/busted-abba.repro" -o b.min.repro
expect_rc 0
[ "$(repro_field preemptions b.min.repro)" = 1 ] || fail "the fixture changed: busted minimized to $(repro_field preemptions b.min.repro) preemptions (1 wanted)"
run replayb "$(scaled 30000)" replay b.min.repro
expect_rc 2
expect_in replayb.out 'choice points?, 1 preemption\)$' "replay of a 1-preemption repro"
run explore1 "$(scaled 30000)" explore --scenario live_refresh --target rich_live_fixed --runs 1 --jobs 1
expect_rc 0
expect_in explore1.out '^no finding in 1 execution$' "explore --runs 1"
expect_in explore1.out '^explore: 1 execution in ' "explore --runs 1 summary"
expect_not_in explore1.out '(^| )1 [a-z ]*(executions|preemptions|choices|threads|runs|locks)\b' "a count of 1 in the plural"
expect_not_in replayb.out '(^| |\()1 [a-z ]*(executions|preemptions|choices|threads|runs|locks)\b' "a count of 1 in the plural"

# --keep-clock: the recorded time per step, so more printers stay
run keep "$(scaled 120000)" minimize in.repro -o keep.repro --keep-clock
expect_rc 0
[ "$(repro_field vstep_ns keep.repro)" = "$(repro_field vstep_ns in.repro)" ] || fail "--keep-clock changed the clock"
[ "$(repro_field threads keep.repro)" -gt 2 ] || fail "one printer met the refresh thread on the recorded clock"
expect_not_larger in.repro keep.repro

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
# ddmin by thread
run explore16 "$(scaled 60000)" explore --scenario live_refresh --target rich_live --strategy random \
  --jobs 1 --seed 16 --runs 10000 --until-deadlock --repro r16.repro
expect_rc 2
ri=$(repro_field preemptions r16.repro)
[ "$ri" -ge 100 ] || fail "the fixture changed: explore's random repro has $ri preemptions (100 or more wanted)"
run min16 "$(scaled 120000)" minimize r16.repro -o r16.min.repro --keep-clock --search-runs 100
expect_rc 0
expect_not_larger r16.repro r16.min.repro
ro=$(repro_field preemptions r16.min.repro)
[ "$ro" -le 30 ] || fail "random repro: preemptions $ri -> $ro (30 or fewer wanted)"
run replay16 "$(scaled 30000)" replay r16.min.repro
expect_rc 2
pass "minimized: $small; random repro: preemptions $ri->$ro; --keep-clock: threads $(repro_field threads keep.repro); 1 printer: preemptions $pi->$po, choices $ci->$co"
