#!/usr/bin/env bash
# seeds_offline.sh: without network the pinned environments cannot be made,
# and that is a skip, never a pass: scripts/make-venvs.sh exits 75 with one
# line "make-venvs.sh: SKIPPED: cannot reach PyPI (...): ENV not built", and
# a seeds test (seeds_rich.sh) then prints one "SKIPPED [test]: ..." line and
# exits 69 (ctest's SKIP_RETURN_CODE) without running anything.  "Offline"
# is an index nobody listens on (PIP_INDEX_URL=http://127.0.0.1:9/simple)
# and an empty environment directory (RT_VENV_DIR).  An unknown environment
# is exit 65 with the list of known ones.
source "$(dirname "$0")/../lib.sh"

export RT_VENV_DIR=$WORK/venvs PIP_INDEX_URL=http://127.0.0.1:9/simple
set +e
out=$(bash "$RT_SOURCE_DIR/scripts/make-venvs.sh" rich-14.2.0 2>&1)
rc=$?
set -e
[ "$rc" -eq 75 ] || fail "make-venvs.sh offline: exit $rc, expected 75: $out"
[ "$(echo "$out" | wc -l)" -eq 1 ] || fail "make-venvs.sh offline: more than one line: $out"
echo "$out" | grep -Eq '^make-venvs\.sh: SKIPPED: cannot reach PyPI \(http://127\.0\.0\.1:9/simple: .*\): rich-14\.2\.0 not built$' ||
  fail "make-venvs.sh offline: unexpected line: $out"
[ ! -e "$RT_VENV_DIR/rich-14.2.0" ] || fail "a half-made environment was left behind"

set +e
out=$(TEST_NAME=inner bash "$RT_SOURCE_DIR/tests/seeds/seeds_rich.sh" rich-14.2.0 deadlock 2>&1)
rc=$?
set -e
[ "$rc" -eq 69 ] || fail "seeds_rich.sh offline: exit $rc, expected 69 (skipped): $out"
echo "$out" | grep -Eq '^SKIPPED \[inner\]: make-venvs\.sh: SKIPPED: cannot reach PyPI ' ||
  fail "seeds_rich.sh offline: no SKIPPED line: $out"
echo "$out" | grep -q '^PASS' && fail "seeds_rich.sh offline claimed a pass: $out"

set +e
out=$(bash "$RT_SOURCE_DIR/scripts/make-venvs.sh" rich-0.0.0 2>&1)
rc=$?
set -e
[ "$rc" -eq 65 ] || fail "unknown environment: exit $rc, expected 65: $out"
echo "$out" | grep -q "unknown environment 'rich-0.0.0' (expected one of: .*rich-14.2.0" || fail "unknown environment: $out"
pass "offline: make-venvs.sh exit 75 with one SKIPPED line, nothing left behind; a seeds test skips (69); unknown ENV exit 65"
