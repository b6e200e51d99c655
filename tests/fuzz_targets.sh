#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fuzz_schedule takes its targets from the one registry (targets/targets.c,
# flag RT_TARGET_FUZZ) and byte 0 of an input numbers them in registry order.
# The committed inputs were made with these numbers, so they must not move:
# the first four are rich_live, rich_live_fixed, busted, test_clean, and
# every committed input still means the target its name says (a target
# inserted into rt_targets[] before one of them fails here, not silently).
# `--tool encode` refuses a repro on another virtual clock than the default
# (inputs have none; minimize changes it unless --keep-clock).
source "$(dirname "$0")/lib.sh"

: "${RT_FUZZ_DIR:?RT_FUZZ_DIR must name the directory of the fuzz targets}"
FS=$RT_FUZZ_DIR/fuzz_schedule

"$FS" --tool targets >targets.out 2>targets.err || fail "--tool targets failed: $(cat targets.err)"
printf '0 rich_live\n1 rich_live_fixed\n2 busted\n3 test_clean\n' >want
head -n 4 targets.out | diff want - >/dev/null ||
  fail "fuzz target numbers moved (committed inputs depend on them): $(tr '\n' ' ' <targets.out)"
# no session, free-running-only or test-helper target but test_clean
for bad in fd_redirect thread_local_proxy global_swap proxy_with_global_redirect py_rich \
           test_deadlock test_stuck test_wedge test_crash test_nondet; do
  grep -q " $bad\$" targets.out && fail "$bad is offered to the fuzzer"
done

n=0
for f in "$RT_SOURCE_DIR"/corpus/fuzz_schedule/* "$RT_SOURCE_DIR"/corpus/fuzz_schedule-regressions/*; do
  case $f in *.expected) continue ;; esac
  b=$(basename "$f")
  case $b in
    *-on-fixed | fixed-*) want=rich_live_fixed ;;
    rich-*) want=rich_live ;;
    busted-*) want=busted ;;
    test_clean-*) want=test_clean ;;
    *) fail "corpus input $b: no target known for its name (extend this test)" ;;
  esac
  got=$("$FS" --tool describe "$f" | sed -n 's/.*: target=\([^ ]*\) .*/\1/p')
  [ "$got" = "$want" ] || fail "corpus input $b means target '$got', expected $want"
  n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n corpus inputs checked"
# an input has no clock: a repro on another virtual time per step (minimize
# without --keep-clock) is refused, not encoded into other choices
sed 's/^vstep_ns: .*/vstep_ns: 1000000/' "$RT_SOURCE_DIR/corpus/replay/busted-abba.repro" >clock.repro
rc=0
"$FS" --tool encode clock.repro clock.in >enc.out 2>enc.err || rc=$?
[ "$rc" -eq 65 ] || fail "encode of a repro on a 1 ms clock: exit $rc, expected 65"
expect_in enc.err 'cannot be an input: vstep_ns not 100000 \(minimize --keep-clock\)$' "why it is refused"
"$FS" --tool encode "$RT_SOURCE_DIR/corpus/replay/busted-abba.repro" busted.in >enc.out 2>enc.err ||
  fail "encode of busted-abba.repro failed: $(cat enc.err)"
pass "fuzz targets from the registry: $(wc -l <targets.out) numbered; $n committed inputs keep their target; a repro on another clock is refused"
