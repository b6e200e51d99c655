#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `minimize` on the real Rich (issue 14): corpus/replay/py-rich-4158-live-
# console.min.repro is what `redirtorture minimize` made of the #4158 repro
# explore found (py-rich-4158-live-console.repro: 8 printers and Live's
# refresh thread): 1 printer and Live's refresh thread (3 threads with the
# harness's idle MainThread), 1 preemption, on a virtual clock 100 times
# faster.  (a) It replays the same DEADLOCK signature 20 times of 20, exact,
# never DIVERGED, with the Python stacks of Live's refresh thread and of the
# printer; (b) minimizing it again does not make it larger, stays within its
# stated execution budget, and the result replays the same signature; (c)
# minimizing the as-found repro within a budget of 400 gets there (3 threads,
# 1 preemption, a one-row live display, 3 operations or fewer; 6 threads and
# 89 preemptions before minimize tried a faster clock, 6 operations before
# each smaller configuration first replayed the best schedule).  Controlled executions are deterministic: any difference is a
# failure, not noise.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

src="$RT_SOURCE_DIR/corpus/replay/py-rich-4158-live-console.min.repro"
[ -f "$src" ] || fail "the minimized real-Rich #4158 repro is missing: $src"
cp "$src" in.repro
sig=$(sed -n 's/^signature: //p' in.repro)
case $sig in
  "DEADLOCK:"*"rich/console.py Console._lock@Console.render_lines | rich/live.py Live._lock@Live.process_renderables") ;;
  *) fail "recorded signature is not the Live._lock / Console._lock deadlock: $sig" ;;
esac
# (a) the committed minimized repro: 20 of 20 replays, exact, both stacks
for i in $(seq 1 20); do
  run "replay-$i" 120000 replay in.repro
  skip_if_no_python
  expect_rc 2
  expect_not_in "$LAST.err" '^DIVERGED' "run $i: followed the recorded schedule"
  grep -F -- "replay: reproduced $sig (" "$LAST.out" >/dev/null ||
    fail "run $i: signature differs from the recorded $sig"
  cat "$LAST.out" "$LAST.err" >both.txt
  expect_in both.txt 'no thread can run \(controlled execution; exact, no timeout\)' "run $i: exact"
  expect_in both.txt '^  Thread-1 \[python\] waits for rich/console\.py:[0-9]+ Console\._lock .*held by print-[0-9]+$' \
    "run $i: Live's refresh thread in the cycle"
  expect_in both.txt '^      \|   rich/live\.py:[0-9]+ _RefreshThread\.run$' "run $i: the refresh thread's Python stack"
  expect_in both.txt '^      \|   rich/file_proxy\.py:[0-9]+ FileProxy\.write$' "run $i: the printer's Python stack"
done
# (b) minimizing it again: not larger, within the budget, the same signature
budget=120
run minimize 600000 minimize in.repro -o out.repro --budget "$budget"
expect_rc 0
[ -s out.repro ] || fail "no minimized file"
[ "$(sed -n 's/^signature: //p' out.repro)" = "$sig" ] || fail "minimized signature differs"
expect_not_larger in.repro out.repro
ex=$(sed -n 's/^  executions  \([0-9]*\) of a budget of \([0-9]*\).*/\1 \2/p' minimize.out)
[ -n "$ex" ] || fail "minimize did not say how many executions it ran"
set -- $ex
[ "$2" -eq "$budget" ] && [ "$1" -le "$budget" ] || fail "executions $1 beyond the budget $budget ($2)"
run replay 120000 replay out.repro
expect_rc 2
expect_not_in replay.err '^DIVERGED' "the minimized repro follows its schedule"
grep -F -- "replay: reproduced $sig (" replay.out >/dev/null || fail "minimized repro does not reproduce $sig"
cat replay.out replay.err >both.txt
expect_in both.txt 'no thread can run \(controlled execution; exact, no timeout\)' "exact"
again="threads $(repro_field threads in.repro)->$(repro_field threads out.repro), choices $(repro_field choices in.repro)->$(repro_field choices out.repro), preemptions $(repro_field preemptions in.repro)->$(repro_field preemptions out.repro), $1 executions (budget $budget)"
# (c) the as-found repro, minimized: one printer, one preemption
cp "$RT_SOURCE_DIR/corpus/replay/py-rich-4158-live-console.repro" found.repro
budget=400
run found 600000 minimize found.repro -o found.min.repro --budget "$budget"
expect_rc 0
[ "$(sed -n 's/^signature: //p' found.min.repro)" = "$sig" ] || fail "minimized signature differs"
expect_not_larger found.repro found.min.repro
t=$(repro_field threads found.min.repro) p=$(repro_field preemptions found.min.repro)
[ "$t" -le 3 ] && [ "$p" -le 1 ] || fail "as-found repro minimized to $t threads, $p preemptions (3 and 1 wanted)"
o=$(sed -n 's/^config: max_ops = //p' found.min.repro) rows=$(sed -n 's/^config: live_rows = //p' found.min.repro)
[ "$o" -le 3 ] && [ "$rows" = 1 ] || fail "as-found repro minimized to max_ops $o, live_rows $rows (3 and 1 wanted)"
ex=$(sed -n 's/^  executions  \([0-9]*\) of a budget.*/\1/p' found.out)
[ -n "$ex" ] && [ "$ex" -le "$budget" ] || fail "executions '$ex' beyond the budget $budget"
run found-replay 120000 replay found.min.repro
expect_rc 2
grep -F -- "replay: reproduced $sig (" found-replay.out >/dev/null || fail "the minimized as-found repro does not reproduce $sig"
pass "minimize on the real-Rich repro: again: $again; as found: threads $(repro_field threads found.repro)->$t, choices $(repro_field choices found.repro)->$(repro_field choices found.min.repro), preemptions $(repro_field preemptions found.repro)->$p, $ex executions"
