#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A potential deadlock that steering cannot confirm is explained from what the
# lock-order graph recorded at every acquisition along the cycle's edges
# (commands/explain.c), with the scenario knob that would exercise it:
#   test_instances  Inst.A #1 -> Inst.B -> Inst.A #2: different instances
#   test_timed      Timed.B -> Timed.A only with a timeout (it gives up)
#   test_logorder   Log.A/Log.B ABBA on the target's own log path: logged
#                   only by finalizers (log_workers=0), or by one log thread
# A confirmable inversion (busted) still confirms, with no explanation (and
# with no steered execution at all, the line says nothing rules it out); the
# knob the explanation suggests (log_workers=2) makes test_logorder deadlock.
# Explore is controlled (exact): each case is deterministic for its seed, and
# the unconfirmable ones cannot deadlock in any schedule, so no budget.
source "$(dirname "$0")/lib.sh"

LIM=$(scaled 60000)
explore() {   # explore NAME TARGET [--set ...]
  local name=$1 target=$2
  shift 2
  run "$name" "$LIM" explore --scenario busted_abba --target "$target" --seed 1 --runs 20 \
    --confirm-runs 200 --jobs 1 --repro-dir repros "$@"
}
only_line() {   # only_line NAME REGEX WHAT: exactly one unconfirmed line, this one
  expect_in "$1.out" "$2" "$3"
  [ "$(grep -c '^unconfirmed:' "$1.out")" -eq 1 ] || fail "$3: more than one explanation line"
}

explore busted busted
expect_rc 2
expect_in busted.out '^confirmed deadlock: the cycle happened in steered execution' "busted: confirmed"
expect_not_in busted.out '^unconfirmed:' "busted: a confirmed deadlock needs no explanation"

# no steering at all: nothing rules the cycle out, and the line says so
run nosteer "$LIM" explore --scenario busted_abba --target busted --seed 1 --runs 20 \
  --confirm-runs 0 --jobs 1 --repro-dir repros
expect_rc 1
only_line nosteer '^unconfirmed: nothing the harness recorded along the cycle.s edges \(instances, finalizer runs, timeouts, roles\) rules it out; the steering may have missed its schedule: try more steered executions' "busted without steering"

explore inst test_instances
expect_rc 1
expect_in inst.out '^not confirmed in 200 steered executions' "instances: not confirmed"
only_line inst '^unconfirmed: different instances of one lock class: Inst\.B -> Inst\.A always waited for another Inst\.A than Inst\.A -> Inst\.B held \(e\.g\. instance #[0-9]+ and #[0-9]+, in all 201 executions\), so the cycle cannot close on one lock; no scenario knob makes them one lock$' "instances"

# explore's JSON report: the finding's text carries the line
run instjson "$LIM" explore --scenario busted_abba --target test_instances --seed 1 --runs 20 \
  --confirm-runs 20 --jobs 1 --repro-dir repros --report inst.json
expect_rc 1
"$PY" - inst.json <<'PY' || fail "explore: the explanation is not in the finding of the JSON report"
import json, sys
f = [f for f in json.load(open(sys.argv[1]))["findings"] if f["kind"] == "lock-order"]
assert f and "\nunconfirmed: different instances of one lock class: Inst.B -> Inst.A" in f[0]["text"], f
PY

explore timed test_timed
expect_rc 1
only_line timed '^unconfirmed: a lock only taken with a timeout: Timed\.B -> Timed\.A always acquired Timed\.A with a timeout \(in all 201 executions\), and a timed acquire gives up, so it cannot deadlock forever; no scenario knob changes that$' "timed"
expect_not_in timed.err 'step bound|^HANG' "timed: a timed acquire gives up under the controlled scheduler too"

FIN=(--set print_workers=2 --set log_workers=0 --set finalizer_every=1 --set gc_threshold=1 --set finalizer_action=log)
explore fin test_logorder "${FIN[@]}"
expect_rc 1
only_line fin '^unconfirmed: edges seen only inside finalizer runs: Log\.A -> Log\.B, Log\.B -> Log\.A \(in all 201 executions\), and the GC model never runs two collections at once; no scenario thread logs outside a finalizer \(log_workers=0\): try --set log_workers=2$' "finalizers"

explore role test_logorder --set print_workers=1 --set log_workers=1
expect_rc 1
only_line role '^unconfirmed: edges seen only in threads of role log \(in all 201 executions\), and the scenario has 1 such thread, the cycle needs 2: try --set log_workers=2$' "one log thread"

# the suggested knob: two threads log, the same inversion deadlocks
explore knob test_logorder --set print_workers=1 --set log_workers=2
expect_rc 2
expect_in knob.err '^signature: DEADLOCK:[0-9a-f]{16} Log\.A@logorder_log \| Log\.B@logorder_log$' "log_workers=2: the deadlock"
expect_not_in knob.out '^unconfirmed:' "log_workers=2: no explanation"

# free-running: the run's own graph explains it, in the finding of the JSON report
if [ "$RT_SANITIZER" != thread ]; then   # TSan: no confirmation after fork (run.c)
  run free "$(scaled 60000)" run --scenario busted_abba --target test_instances --seed 1 \
    --set duration_ms=1000 --set confirm_runs=50 --report free.json
  expect_rc 1
  expect_in free.err '^unconfirmed: different instances of one lock class: Inst\.B -> Inst\.A .*\(e\.g\. instance #[0-9]+ and #[0-9]+, in the run that found it\)' "free run: explained"
  "$PY" - free.json <<'PY' || fail "free run: the explanation is not in the finding of the JSON report"
import json, sys
f = [f for f in json.load(open(sys.argv[1]))["findings"] if f["kind"] == "lock-order"]
assert f and "\nunconfirmed: different instances of one lock class: Inst.B -> Inst.A" in f[0]["text"], f
PY
fi
pass "busted confirmed unexplained; instances, timeout, finalizers and one log thread each explained with their knob; log_workers=2 deadlocks"
