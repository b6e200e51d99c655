#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_gc_points.sh: the harness chooses where the embedded CPython collects
# (harness/pygc.c, knob py_gc_pct).  tests/py/mods/gcpoints.py makes one
# cyclic object per write and then allocates under a lock of its own.
#  - py_gc_pct=100: every acquisition of that lock arms the GC, so the
#    collection starts inside the section and finalizers run with the lock
#    held: under_lock must equal finalizers (collections already running on
#    another thread when the lock is taken are not re-armed, but with one
#    printer there is none), and generation 0's threshold is parked (1000000).
#  - py_gc_pct=0: CPython's own timing, threshold 700.
# Deterministic: one print worker, no refresh thread, no noise.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
common=(run --scenario live_refresh --target py:gcpoints --set print_workers=1 --set refresh_hz=0
        --set finalizer_every=0 --set noise=0 --set max_ops=300 --set duration_ms=20000 --report none)
run armed 30000 "${common[@]}" --set py_gc_pct=100
skip_if_no_python
expect_rc 0
line=$(grep -m1 '^gcpoints: ' armed.err) || fail "no gcpoints line: $(head -c 300 armed.err)"
[[ $line =~ threshold0=1000000\ finalizers=([0-9]+)\ under_lock=([0-9]+)\ writes=([0-9]+) ]] ||
  fail "py_gc_pct=100: unexpected: $line"
f=${BASH_REMATCH[1]} u=${BASH_REMATCH[2]} w=${BASH_REMATCH[3]}
[ "$w" -ge 300 ] || fail "py_gc_pct=100: only $w writes"
[ "$f" -ge $((w - 2)) ] || fail "py_gc_pct=100: $f finalizers for $w writes"
[ "$u" -ge $((f - 2)) ] || fail "py_gc_pct=100: only $u of $f finalizers ran under the lock"

run auto 30000 "${common[@]}" --set py_gc_pct=0
expect_rc 0
grep -E -q '^gcpoints: threshold0=700 ' auto.err || fail "py_gc_pct=0: $(grep -m1 gcpoints auto.err)"
pass "py_gc_pct=100: $u of $f finalizers under the section's lock; py_gc_pct=0: CPython's threshold 700"
