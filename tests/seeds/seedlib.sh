# SPDX-License-Identifier: Apache-2.0
# seedlib.sh - helpers for the `seeds` tests (sourced after ../lib.sh and
# ../py/pylib.sh): the seeds' released code from the pinned environments
# build/venvs/ENV (scripts/make-venvs.sh, seeds/lock/ENV.txt).
#
# need_venv ENV: make (or check) build/venvs/ENV and set VENV to its path.
# Without network the environment cannot be made: the test prints one
# SKIPPED line and exits 69, which ctest reports as skipped
# (SKIP_RETURN_CODE in tests/seeds_tests.cmake), never as passed.
need_venv() {
  local env=$1 out rc
  set +e
  out=$(bash "$RT_SOURCE_DIR/scripts/make-venvs.sh" "$env" 2>&1)
  rc=$?
  set -e
  if [ "$rc" -eq 75 ] || [ "$rc" -eq 69 ]; then
    echo "SKIPPED [$TEST_NAME]: $(echo "$out" | tail -n 1)"
    trap - EXIT
    cd /
    rm -rf "$WORK"
    exit 69
  fi
  [ "$rc" -eq 0 ] || fail "scripts/make-venvs.sh $env: exit $rc: $out"
  VENV=${RT_VENV_DIR:-$RT_SOURCE_DIR/build/venvs}/$env
}

# The last run named the library version it ran, in text and JSON.
expect_library() {   # expect_library NAME VERSION
  expect_in "$LAST.out" "^library: $1 $2 \\($VENV\\)\$" "library line"
  "$PY" - "$LAST.json" "$1" "$2" "$VENV" <<'PYEOF' || fail "libraries in $LAST.json"
import json, sys
d = json.load(open(sys.argv[1]))
want = {"name": sys.argv[2], "version": sys.argv[3], "where": sys.argv[4]}
assert want in d["libraries"], d["libraries"]
assert d["config"]["py_venv"] == sys.argv[4], d["config"]["py_venv"]
PYEOF
}
