#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_module_errors.sh: clear errors for py: targets that cannot run.
#  - a module that does not exist: exit 69, "cannot import or install module"
#    and Python's ModuleNotFoundError, no traceback;
#  - a module without install(): exit 69, names the missing function;
#  - a name that is not a module name: exit 64, unknown target;
#  - python3-rich missing (a stand-in package that fails to import, first on
#    PYTHONPATH): py_rich exits 69 with "py_rich needs python3-rich
#    (apt-get install python3-rich)";
#  - a module whose uninstall() leaves a thread running: a finding;
#  - knob py_options with a word that is not key=value: exit 65, one line.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

run missing 20000 run --scenario live_refresh --target py:no_such_module_xyz --report none
skip_if_no_python
expect_rc 69
expect_verdict NOSTART
expect_in missing.err "target py:no_such_module_xyz cannot start: py:no_such_module_xyz: cannot import or install module 'no_such_module_xyz'" "missing module"
expect_in missing.err "ModuleNotFoundError: No module named 'no_such_module_xyz'" "missing module: Python's error"
expect_not_in missing.err 'Traceback' "missing module: no traceback"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
run noinstall 20000 run --scenario live_refresh --target py:noinstall_mod --report none
expect_rc 69
expect_in noinstall.err 'module noinstall_mod \(.*noinstall_mod\.py\) has no install\(\)' "module without install()"

run badname 20000 run --scenario live_refresh --target 'py:not-a-module' --report none
expect_rc 64
expect_in badname.err "unknown target 'py:not-a-module'" "bad module name"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/fake_norich"
run norich 20000 run --scenario py_live_refresh --target py_rich --report none
export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
expect_rc 69
expect_in norich.err 'target py_rich cannot start: py_rich needs python3-rich \(apt-get install python3-rich\)' "rich missing"

run leftover 30000 run --scenario live_refresh --target py:leaves_thread --set duration_ms=500 \
  --set stall_timeout_ms=5000 --report none
expect_rc 1
expect_in leftover.err 'threads still running after stop_module: forgotten-worker' "thread left running"
run badopt 20000 run --scenario live_refresh --target py:leaves_thread --set 'py_options=mode=a 2x=1' \
  --report none
expect_rc 65
expect_in badopt.err "^redirtorture: .*scenarios/live_refresh\.scn: py_options: '2x=1' is not key=value \(expected space-separated key=value words" \
  "bad py_options"
[ "$(wc -l <badopt.err)" -eq 1 ] || fail "bad py_options: one line, got: $(cat badopt.err)"
pass "missing module, no install(), bad name, missing Rich, leftover thread, bad py_options: clear errors"
