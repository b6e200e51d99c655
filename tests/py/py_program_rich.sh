#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_program_rich.sh [noredirect]: a plain program shaped like the Rich #4158
# reporter's (tests/py/programs/rich_live_pool.py: Live with its default
# redirection, 8 pool workers printing, cyclic garbage whose __del__ logs
# through logging.lastResort), run unchanged with
#   redirtorture py --runs 5 --keep-going -- rich_live_pool.py 15
# Rich redirects only on a terminal; ctest's stdout is a file, so
# FORCE_COLOR=1 makes Rich's Console treat it as one (as the reporter's was).
#
# Default: each of the 5 runs must report the Console._lock <-> Live._lock
# lock-order cycle and then DEADLOCK, with both Python stacks (Live's refresh
# thread in Live.refresh, a worker whose Job.__del__ runs inside
# Console.render_lines); the table shows 5 DEADLOCK rows and the exit code is
# 2.  Budget: 5 of 5 runs, each given 15 s of program time (stall timeout
# 2 s).  Measured: 10 of 10 with both CPUs busy, each run's report 3.5-6.5 s
# after it started; idle 5 of 5 at 2.7-3.1 s.
#
# noredirect: the same program with redirect_stdout=False,
# redirect_stderr=False (the workaround), 3 runs of 4 s: SUCCESS in 3 of 3,
# and the work really happened (at least 100 printed lines and 10
# finalizer log lines per run on average; measured ~19000 and ~24000 per
# 4 s run idle, ~700 printed lines per run at a load average of 14 on 2
# CPUs: the floor is 7x below the worst seen, a program that did no work
# still fails it).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export FORCE_COLOR=1 TERM=xterm-256color
PROG="$RT_SOURCE_DIR/tests/py/programs/rich_live_pool.py"
needs_rich() {
  if [ "$RC" -eq 69 ] && grep -q "No module named 'rich'" "$LAST.err"; then
    echo "SKIPPED [$TEST_NAME]: python3-rich is not installed"
    trap - EXIT; exit 69
  fi
}

if [ "${1:-}" = noredirect ]; then
  run nr 120000 py --runs 3 --keep-going --report nr.json --set stall_timeout_ms=2000 -- \
    "$PROG" --no-redirect 4
  skip_if_no_python
  needs_rich
  expect_rc 0
  expect_verdict SUCCESS
  [ "$(grep -E -c '^ +[0-9]+ +[0-9]+ +SUCCESS +0 ' nr.out)" -eq 3 ] || fail "3 SUCCESS rows in the table"
  expect_not_in nr.err '^(WARNING|FINDING|DEADLOCK|HANG|FAILED|CRASH)' "no finding"
  prints=$(grep -c '^worker finished job' nr.out || true)
  collected=$(grep -c 'job [0-9]* collected' nr.err || true)
  [ "$prints" -ge 300 ] || fail "only $prints printed lines in 3 runs ($(load_note))"
  [ "$collected" -ge 30 ] || fail "only $collected finalizer lines in 3 runs ($(load_note))"
  pass "the workaround: 3 of 3 runs SUCCESS ($prints prints, $collected finalizer logs)"
  exit 0
fi

run dl 200000 py --runs 5 --keep-going --report dl.json --set stall_timeout_ms=2000 -- "$PROG" 15
skip_if_no_python
needs_rich
expect_rc 2
expect_verdict DEADLOCK
rows=$(grep -E -c '^ +[0-9]+ +[0-9]+ +DEADLOCK +2 ' dl.out || true)
[ "$rows" -eq 5 ] || fail "$rows DEADLOCK rows in the table, expected 5"
n() { grep -E -c -- "$1" dl.err || true; }
# (no line numbers in signatures; edges from the most recent held lock, as
# lockdep adds them, so a cycle may run through the handler lock a logging
# finalizer holds: Console/Live, Handler/Live, Handler/Console, Handler ->
# Live -> Console)
[ "$(n '^signature: LOCKORDER:[0-9a-f]{16} (logging/__init__\.py Handler\.lock|rich/console\.py Console\._lock) -> .*(rich/live\.py Live\._lock|rich/console\.py Console\._lock)')" -ge 5 ] \
  || fail "a lock-order cycle through Rich's locks in every run"
[ "$(n '^DEADLOCK: 2 threads wait for each other in a cycle; target py')" -eq 5 ] || fail "DEADLOCK in every run"
[ "$(n '^  Thread-[0-9]+ \[python\] waits for rich/console\.py:[0-9]+ Console\._lock .*held by ThreadPoolExecutor')" -ge 5 ] \
  || fail "Live's refresh thread waits for Console._lock held by a worker"
[ "$(n '^      \|   rich/live\.py:[0-9]+ _RefreshThread\.run$')" -ge 5 ] || fail "the refresh thread's Python stack"
[ "$(n '^      \|   rich_live_pool\.py:[0-9]+ Job\.__del__$')" -ge 5 ] || fail "the finalizer in a worker's Python stack"
expect_in dl.out '^replay: .* py --seed [0-9]+ --set stall_timeout_ms=2000 -- .*rich_live_pool\.py 15$' "the replay command"
"$PY" -c 'import json; d=json.load(open("dl.json")); k=[f["kind"] for f in d["findings"]]; assert d["verdict"]=="DEADLOCK" and "lock-order" in k and "deadlock" in k, k' \
  || fail "dl.json"
pass "Rich #4158 from a plain program: DEADLOCK in 5 of 5 runs"
