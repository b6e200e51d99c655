#!/usr/bin/env bash
# .clusterfuzzlite/build.sh runs without Docker (every ClusterFuzzLite
# variable defaulted): it builds the three libFuzzer targets into a fresh
# OUT with their seed corpora, dictionaries and options; each binary runs one
# seed cleanly, and fuzz_schedule turns the Rich #4158 regression input into
# a crash with the deadlock report, as ClusterFuzzLite needs.
source "$(dirname "$0")/lib.sh"

command -v clang >/dev/null || fail "clang is needed (scripts/install-deps.sh)"
OUT=$WORK/out
set +e
OUT=$OUT WORK=$WORK/build bash "$RT_SOURCE_DIR/.clusterfuzzlite/build.sh" >build.out 2>build.err
rc=$?
set -e
[ "$rc" -eq 0 ] || { tail -n 30 build.err "$WORK"/build/*.log >&2 || true; fail "build.sh exit $rc"; }
for t in fuzz_schedule fuzz_scenario_parser fuzz_repro_parser; do
  [ -x "$OUT/$t" ] || fail "no fuzzer $OUT/$t"
  [ -f "$OUT/${t}_seed_corpus.zip" ] || fail "no seed corpus $OUT/${t}_seed_corpus.zip"
  seed=$(ls "$RT_SOURCE_DIR/corpus/$t" | head -n 1)
  set +e
  "$OUT/$t" "$RT_SOURCE_DIR/corpus/$t/$seed" >"$t.out" 2>"$t.err"
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || { tail -n 20 "$t.err" >&2; fail "$t on its seed $seed: exit $rc"; }
  grep -q "Executed .*$seed" "$t.err" || fail "$t did not run $seed"
done
for d in fuzz_scenario_parser fuzz_repro_parser; do
  [ -f "$OUT/$d.dict" ] || fail "no dictionary $OUT/$d.dict"
done
grep -q 'max_len' "$OUT/fuzz_schedule.options" || fail "no fuzz_schedule.options"

set +e
REDIRTORTURE_REPRO_DIR=$WORK "$OUT/fuzz_schedule" \
  "$RT_SOURCE_DIR/corpus/fuzz_schedule-regressions/rich-4158-live-console-abba" >crash.out 2>crash.err
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "the Rich #4158 input did not crash the libFuzzer build"
grep -q '^DEADLOCK: 2 threads wait for each other' crash.err || fail "no deadlock report in the crash"
grep -q 'deadly signal' crash.err || fail "libFuzzer did not see the abort as a crash"
ls "$WORK"/fuzz_schedule-deadlock-*.repro >/dev/null || fail "no repro file"
pass "build.sh built 3 fuzzers into OUT; seeds run; the #4158 input crashes with its report"
