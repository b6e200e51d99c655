#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_lockcheck.sh: threading.Lock / RLock replaced by harness locks behave as
# Python's for what threading, queue and logging rely on (tests/py/mods/
# lockcheck.py: recursion, _is_owned/_release_save/_acquire_restore under
# Condition, timeouts, non-blocking acquire, release by another thread,
# Event, Semaphore, Queue, Barrier, _at_fork_reinit, names by creation
# site), and the run that follows stays clean.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
run lockcheck 30000 run --scenario live_refresh --target py:lockcheck --set duration_ms=1000 --report none
skip_if_no_python
expect_in lockcheck.err '^lockcheck: [0-9]+ checks passed$' "lock checks"
expect_not_in lockcheck.err 'lockcheck: FAIL' "lock checks"
expect_rc 0
expect_verdict SUCCESS
pass "$(grep -m1 '^lockcheck:' lockcheck.err)"
