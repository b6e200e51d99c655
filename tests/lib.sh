# SPDX-License-Identifier: Apache-2.0
# lib.sh - shared helpers for the shell tests (sourced, not run).
#
# CMake passes (tests/CMakeLists.txt):
#   RT_BIN         the redirtorture binary of this build ($<TARGET_FILE:redirtorture>)
#   RT_TIME_SCALE  factor for every wall-time bound: 1 (default), 2 (asan-ubsan),
#                  4 (tsan); sanitizer builds run slower and TSan sleeps 1 s at
#                  exit while threads are still alive (its atexit_sleep_ms)
#   RT_SANITIZER   "", "thread" or "address,undefined"
#   RT_SOURCE_DIR  the source tree (scenarios/, tests/data/)
#   RT_CC          the C compiler of this build (tests that build C out of tree)
# Every bound a test asserts is a bound on the harness, not a performance goal.
set -euo pipefail

: "${RT_BIN:?RT_BIN must name the redirtorture binary}"
: "${RT_TIME_SCALE:=1}"
: "${RT_SANITIZER:=}"
: "${RT_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
RT_DATA="$RT_SOURCE_DIR/tests/data"
TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}   # ctest passes the test's name

# Each test works in its own directory (reports, captured output); it is
# removed on success and kept, with its path printed, on failure.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rt-$TEST_NAME.XXXXXX")
# Every JSON report a passing test leaves in its directory must match
# docs/report.schema.json (strict UTF-8 included): tests/validate_reports.py,
# Debian's python3-jsonschema.
validate_reports() {
  local files=()
  mapfile -t files < <(find "$WORK" -type f -name '*.json' 2>/dev/null)
  [ ${#files[@]} -gt 0 ] || return 0
  if ! /usr/bin/python3 "$RT_SOURCE_DIR/tests/validate_reports.py" "$RT_SOURCE_DIR/docs/report.schema.json" \
      "${files[@]}" >"$WORK/validate_reports.log" 2>&1; then
    echo "FAIL [$TEST_NAME]: JSON reports that do not match docs/report.schema.json:" >&2
    cat "$WORK/validate_reports.log" >&2
    return 1
  fi
}
cleanup() {
  local rc=$?
  if [ "$rc" -eq 0 ]; then validate_reports || rc=1; fi
  if [ "$rc" -eq 0 ]; then rm -rf "$WORK"; else echo "($TEST_NAME: output kept in $WORK)" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
cd "$WORK"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
scaled() { echo $(( $1 * RT_TIME_SCALE )); }

LAST=""      # prefix of the last run's files: $LAST.out, $LAST.err
RC=0         # its exit code
MS=0         # its wall time in milliseconds

fail() {
  echo "FAIL [$TEST_NAME]: $*" >&2
  if [ -n "$LAST" ]; then
    echo "--- last command: $(cat "$LAST.cmd" 2>/dev/null)" >&2
    echo "--- exit code $RC, ${MS} ms; stdout (tail):" >&2
    tail -n 15 "$LAST.out" >&2 || true
    echo "--- stderr (tail):" >&2
    tail -n 40 "$LAST.err" >&2 || true
  fi
  exit 1
}

# Sanitizer reports the harness itself must never produce.  A TSan
# lock-order-inversion is TSan seeing the target's real bug (rich_live,
# busted, test_deadlock), so it is allowed here; sanitizer_clean.sh checks
# that the fixed targets produce none at all.
check_sanitizer_output() {
  local f=$1
  if grep -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$f" >/dev/null; then
    fail "sanitizer error in $f"
  fi
  if grep 'WARNING: ThreadSanitizer:' "$f" | grep -v 'lock-order-inversion' >/dev/null; then
    fail "ThreadSanitizer warning other than lock-order-inversion in $f"
  fi
}

# run NAME LIMIT_MS ARGS... : run "$RT_BIN ARGS..." with stdout/stderr in
# NAME.out/NAME.err; sets RC and MS.  LIMIT_MS (already scaled by the caller)
# is a hard kill so a broken harness fails the test instead of hanging it.
run() {
  local name=$1 limit_ms=$2
  shift 2
  LAST=$name
  printf '%q ' "$RT_BIN" "$@" >"$name.cmd"
  local t0 t1
  t0=$(now_ms)
  set +e
  timeout --kill-after=2 "$(( (limit_ms + 999) / 1000 ))" "$RT_BIN" "$@" >"$name.out" 2>"$name.err"
  RC=$?
  set -e
  t1=$(now_ms)
  MS=$(( t1 - t0 ))
  [ "$RC" -ne 124 ] && [ "$RC" -ne 137 ] || fail "killed after ${limit_ms} ms: the harness did not end by itself ($(load_note))"
  check_sanitizer_output "$name.err"
}

expect_rc() {   # expect_rc CODE [CODE...]
  local c
  for c in "$@"; do [ "$RC" -eq "$c" ] && return 0; done
  fail "exit code $RC, expected one of: $*"
}

expect_in() {   # expect_in FILE EXTENDED-REGEX WHAT
  grep -E -- "$2" "$1" >/dev/null || fail "$3: no line matching /$2/ in $(basename "$1")"
}

expect_not_in() {   # expect_not_in FILE EXTENDED-REGEX WHAT
  if grep -E -- "$2" "$1" >/dev/null; then
    fail "$3: unexpected line in $(basename "$1"): $(grep -E -m1 -- "$2" "$1")"
  fi
}

# What the machine was doing, for a failed time bound: a bound that breaks
# under heavier load than the suite is made for (both CPUs busy with other
# work) says so, so nobody mistakes it for a defect of the harness.
load_note() {
  local la n
  la=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')
  n=$(nproc 2>/dev/null || echo '?')
  echo "load average $la on $n CPUs; bounds hold with both CPUs kept busy by other work (load about $((2 * ${n//\?/1}))), not beyond"
}

expect_ms_below() {   # expect_ms_below LIMIT_MS WHAT
  [ "$MS" -lt "$1" ] || fail "$2: took ${MS} ms, bound ${1} ms ($(load_note))"
}

# The verdict line the harness prints last, and its code must agree.
expect_verdict() {   # expect_verdict VERDICT
  local last
  last=$(tail -n 1 "$LAST.out")
  [ "$last" = "End of test: $1" ] || fail "last line '$last', expected 'End of test: $1'"
}

# Python for JSON checks: the system one (the brief's /usr/bin/python3), else
# whatever python3 is on PATH.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

# The last run was clean: exit 0, verdict SUCCESS, "findings 0" in the
# summary, nothing on stderr but progress lines, and its JSON report (which
# must be LAST.json) agrees, with each STAT_BOUND holding over its stats,
# e.g. 'print_ops + log_ops >= 100'.
expect_clean_run() {   # expect_clean_run WHAT [STAT_BOUND...]
  local what=$1
  shift
  expect_rc 0
  expect_verdict SUCCESS
  expect_in "$LAST.out" '^summary: .*; findings 0$' "$what: summary"
  expect_not_in "$LAST.err" '^[^[]' "$what: stderr beyond progress lines"
  "$PY" - "$LAST.json" "$@" <<'PYEOF' || fail "$what: JSON report $LAST.json ($(load_note))"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "SUCCESS" and d["exit_code"] == 0, d["verdict"]
assert d["findings"] == [], d["findings"]
s = d["stats"]
for bound in sys.argv[2:]:
    assert eval(bound, {"__builtins__": {}}, dict(s)), "%s does not hold: %s" % (bound, s)
PYEOF
}

# 0 if this kernel shows where a sleeping thread waits (/proc/PID/wchan is
# "0" when kallsyms are hidden from us): hang reports then have "kernel:" lines.
kernel_shows_wchan() {
  sleep 2 & local p=$!
  sleep 0.2
  local w
  w=$(cat "/proc/$p/wchan" 2>/dev/null || echo 0)
  kill "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  [ -n "$w" ] && [ "$w" != 0 ]
}

pass() { echo "PASS [$TEST_NAME]: $*"; }

# repro_field FIELD FILE: a repro file's field (its first word: `threads: 3 ...` gives 3)
repro_field() { sed -n "s/^$1: //p" "$2" | cut -d' ' -f1; }
# expect_not_larger IN OUT: minimize's order (docs/controlled.md): never more
# threads nor preemptions; more choices only along with fewer of either
expect_not_larger() {
  local ti to pi po ci co
  ti=$(repro_field threads "$1") to=$(repro_field threads "$2")
  pi=$(repro_field preemptions "$1") po=$(repro_field preemptions "$2")
  ci=$(repro_field choices "$1") co=$(repro_field choices "$2")
  [ "$to" -le "$ti" ] || fail "threads grew: $ti -> $to"
  [ "$po" -le "$pi" ] || fail "preemptions grew: $pi -> $po"
  [ "$co" -le "$ci" ] || [ "$to" -lt "$ti" ] || [ "$po" -lt "$pi" ] ||
    fail "choices grew ($ci -> $co) with as many threads and preemptions"
}
