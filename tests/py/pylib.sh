# SPDX-License-Identifier: Apache-2.0
# pylib.sh - helpers for the Python-target tests (sourced after ../lib.sh).
#
# A build without embedded Python (REDIRTORTURE_PYTHON=OFF, the sanitizer
# presets) or a machine without python3-rich makes a py target exit 69 with
# a known message: the test then exits 69 too, which ctest reports as
# skipped (SKIP_RETURN_CODE in tests/py_tests.cmake), never as passed.  Exit
# 69 with any other message is a failure.

skip_if_no_python() {   # after `run`: skip when the target could not start for lack of Python/Rich
  if [ "$RC" -eq 69 ] && grep -E -q 'built without embedded Python|needs python3-rich' "$LAST.err"; then
    echo "SKIPPED [$TEST_NAME]: $(grep -m1 -E -o 'cannot start: .*' "$LAST.err")"
    trap - EXIT
    cd /
    rm -rf "$WORK"
    exit 69
  fi
}

# Each tagged report section the harness printed (to stderr): count of lines
# matching a regex.
count_in() { grep -E -c -- "$2" "$1" || true; }

# run_py NAME LIMIT_MS RC VERDICT ARGS...: `run NAME LIMIT_MS ARGS...` of a
# Python target (skipped without Python), which must end with exit code RC
# and verdict VERDICT.
run_py() {
  local name=$1 limit=$2 rc=$3 verdict=$4
  shift 4
  run "$name" "$limit" "$@"
  skip_if_no_python
  expect_rc "$rc"
  expect_verdict "$verdict"
}

# fixed_twin_clean RUNS LIMIT_MS STAT_BOUND ARGS...: RUNS runs of
# `run ARGS... --report fixedI.json`, each clean (expect_clean_run) with
# STAT_BOUND holding over its stats, e.g. 'print_ops >= 100'.  For
# `py ... -- PROGRAM ARGS` the option goes right after `py`, before the
# program's own arguments.
fixed_twin_clean() {
  local runs=$1 limit=$2 bound=$3 i
  shift 3
  for i in $(seq 1 "$runs"); do
    if [ "$1" = py ]; then
      run_py "fixed$i" "$limit" 0 SUCCESS py --report "fixed$i.json" "${@:2}"
    else
      run_py "fixed$i" "$limit" 0 SUCCESS "$@" --report "fixed$i.json"
    fi
    expect_clean_run "fixed run $i" "$bound"
  done
}
