#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_program_pytest.sh: `redirtorture py -- -m pytest FILE` (Debian's
# python3-pytest) with small test files of our own (tests/py/programs):
#  - test_clean.py: 4 threads share two locks in one order -> SUCCESS (0),
#    and the report names the pytest version that ran;
#  - test_failing.py: a failing assertion -> FAILED (6), the program-failure
#    finding, pytest's own report on stdout;
#  - test_abba.py: the test passes, but its two threads take accounts_lock
#    and audit_lock in opposite orders -> FINDING (1), a lock-order finding
#    naming both locks by creation site, and no program failure.
# Deterministic: the ABBA threads run one after the other (no deadlock can
# happen, the inversion is there every run); no timing bound but the kill.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

cp "$RT_SOURCE_DIR"/tests/py/programs/test_{clean,failing,abba}.py .
PYTEST=(-m pytest -q -p no:cacheprovider)

run clean 60000 py --report clean.json -- "${PYTEST[@]}" test_clean.py
skip_if_no_python
if [ "$RC" -eq 69 ] && grep -q 'No module named pytest' clean.err; then
  echo "SKIPPED [$TEST_NAME]: python3-pytest is not installed (scripts/install-deps.sh)"
  trap - EXIT; exit 69
fi
expect_clean_run "clean test file" 'lock_classes >= 2'
expect_in clean.out '^1 passed' "pytest's summary"
# the versions that ran: pytest itself, as imported (issue 18), in the
# library lines and the JSON report; the test files are no distribution
expect_in clean.out '^library: pytest [0-9]+\.[0-9]+' "pytest's version in the report"
"$PY" - clean.json <<'PYEOF' || fail "clean test file: libraries in the JSON report"
import json, sys
from importlib import metadata
libs = {l["name"]: l["version"] for l in json.load(open(sys.argv[1]))["libraries"]}
assert libs.get("pytest") == metadata.version("pytest"), libs
assert not any(n.startswith("test_") for n in libs), libs
PYEOF

run failing 60000 py --report failing.json -- "${PYTEST[@]}" test_failing.py
expect_rc 6
expect_verdict FAILED
expect_in failing.out '^1 failed' "pytest's summary"
expect_in failing.out 'AssertionError: the sum is wrong' "pytest's report of the assertion"
expect_in failing.err '^FAILED: the program exited with status 1; target py' "the program-failure finding"
expect_not_in failing.err '^(WARNING|DEADLOCK|HANG):' "no harness finding"
"$PY" -c 'import json; d=json.load(open("failing.json")); assert d["verdict"]=="FAILED" and d["exit_code"]==6 and [f["kind"] for f in d["findings"]]==["program-exit"], d' \
  || fail "failing.json"

run abba 60000 py --report abba.json -- "${PYTEST[@]}" test_abba.py
expect_rc 1
expect_verdict FINDING
expect_in abba.out '^1 passed' "the test itself passes"
expect_in abba.err '^WARNING: possible circular locking dependency detected$' "lock-order report"
expect_in abba.err '^signature: LOCKORDER:[0-9a-f]{16} test_abba\.py accounts_lock -> test_abba\.py audit_lock -> test_abba\.py accounts_lock$' \
  "the cycle names both locks by creation site"
expect_in abba.err 'audit \[python\] is trying to acquire lock:' "the thread that closed the cycle"
expect_not_in abba.err '^FAILED:' "no program failure"
"$PY" -c 'import json; d=json.load(open("abba.json")); assert d["verdict"]=="FINDING" and [f["kind"] for f in d["findings"]]==["lock-order"], d' \
  || fail "abba.json"
pass "pytest: clean file SUCCESS, failing assertion FAILED, ABBA in a passing test FINDING naming both locks"
