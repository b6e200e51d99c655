#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# seeds_offline.sh: without network the pinned environments cannot be made,
# and that is a skip, never a pass: scripts/make-venvs.sh exits 75 with one
# line "make-venvs.sh: SKIPPED: cannot reach PyPI (...): ENV not built", and
# a seeds test (seeds_rich.sh) then prints one "SKIPPED [test]: ..." line and
# exits 69 (ctest's SKIP_RETURN_CODE) without running anything.  "Offline"
# is an index nobody listens on (PIP_INDEX_URL=http://127.0.0.1:9/simple)
# and an empty environment directory (RT_VENV_DIR).  An unknown environment
# is exit 65 with the list of known ones; a py_venv that is no venv, exit 69
# with one line.
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
# A py_venv that is not a venv: exit 69 with one line naming it (builds with
# embedded Python; others say they have none, also exit 69).
run badvenv 30000 run --scenario live_refresh --target py_rich --set py_venv="$WORK/nope" --report none
expect_rc 69
if ! grep -q 'built without embedded Python' badvenv.err; then
  [ "$(wc -l < badvenv.err)" -eq 1 ] || fail "bad py_venv: more than one line on stderr"
  expect_in badvenv.err "^redirtorture: target py_rich cannot start: py_venv=$WORK/nope: not a virtual environment \($WORK/nope/pyvenv\.cfg: No such file or directory; make one with scripts/make-venvs\.sh\)" "bad py_venv line"
fi
pass "offline: make-venvs.sh exit 75 with one SKIPPED line, nothing left behind; a seeds test skips (69); unknown ENV exit 65; a bad py_venv is one line, exit 69"
