#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# minimize: the output still fails with the same signature and is no larger
# (threads, choices, preemptions) than its input.
source "$(dirname "$0")/lib.sh"

src="$RT_SOURCE_DIR/corpus/replay/rich-4158-live-console-abba.repro"
cp "$src" in.repro
run minimize "$(scaled 120000)" minimize in.repro -o out.repro
expect_rc 0
[ -s out.repro ] || fail "no minimized file"
sig=$(sed -n 's/^signature: //p' in.repro)
[ "$(sed -n 's/^signature: //p' out.repro)" = "$sig" ] || fail "minimized signature differs"
field() { sed -n "s/^$1: //p" "$2" | cut -d' ' -f1; }
for f in threads choices preemptions; do
  a=$(field $f in.repro) b=$(field $f out.repro)
  [ "$b" -le "$a" ] || fail "$f grew: $a -> $b"
done
expect_in minimize.out '^  preemptions [0-9]+ -> [0-9]+$' "preemption count before and after"
run replay "$(scaled 30000)" replay out.repro
expect_rc 2
grep -F -- "replay: reproduced $sig (" replay.out >/dev/null || fail "minimized repro does not reproduce"
pass "minimized: threads $(field threads in.repro)->$(field threads out.repro), choices $(field choices in.repro)->$(field choices out.repro), preemptions $(field preemptions in.repro)->$(field preemptions out.repro)"
