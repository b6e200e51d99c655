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
