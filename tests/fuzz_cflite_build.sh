#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# .clusterfuzzlite/build.sh runs without Docker (every ClusterFuzzLite
# variable defaulted) and its fuzzers pass on a healthy tree, as PR and batch
# fuzzing need:
#  - it builds the three libFuzzer targets (linked with $CXX) into a fresh OUT
#    with their seed corpora, dictionaries and options;
#  - fuzz_schedule has corpus/known-signatures.txt compiled in: the Rich #4158
#    regression input (a known bug) runs clean, but a new bug (the planted
#    test target, REDIRTORTURE_FUZZ_PLANT) still crashes with its report;
#  - each fuzzer fuzzes from its unzipped seed corpus for a bounded time
#    (RT_CFLITE_FUZZ_S, default 60 s for fuzz_schedule, a third of that for
#    each parser) without a crash, a timeout or a leak.
source "$(dirname "$0")/lib.sh"

# the image and workflows as the ClusterFuzzLite docs lay them out
grep -Eq '^FROM gcr.io/oss-fuzz-base/base-builder(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})' \
  "$RT_SOURCE_DIR/.clusterfuzzlite/Dockerfile" || fail "the base-builder image is not pinned"
W=$RT_SOURCE_DIR/.github/workflows
grep -q 'upload-build: true' "$W/cflite_build.yml" || fail "cflite_build.yml does not upload builds"
grep -q 'mode: code-change' "$W/cflite_pr.yml" || fail "cflite_pr.yml is not code-change fuzzing"
grep -q 'mode: batch' "$W/cflite_batch.yml" || fail "cflite_batch.yml is not batch fuzzing"
for f in cflite_build cflite_pr cflite_batch; do
  grep -q 'google/clusterfuzzlite/actions/build_fuzzers@v1' "$W/$f.yml" || fail "$f.yml: no build_fuzzers step"
  grep -q 'language: c$' "$W/$f.yml" || fail "$f.yml: language is not c"
done

command -v clang >/dev/null || fail "clang is needed (scripts/install-deps.sh)"
command -v clang++ >/dev/null || fail "clang++ is needed (scripts/install-deps.sh)"
FUZZ_S=${RT_CFLITE_FUZZ_S:-60}
OUT=$WORK/out
set +e
OUT=$OUT WORK=$WORK/build bash "$RT_SOURCE_DIR/.clusterfuzzlite/build.sh" >build.out 2>build.err
rc=$?
set -e
[ "$rc" -eq 0 ] || { tail -n 30 build.err "$WORK"/build/*.log >&2 || true; fail "build.sh exit $rc"; }
grep -q 'CMAKE_CXX_COMPILER' "$WORK/build/build/CMakeCache.txt" || fail "no C++ compiler configured"
grep -q '^[^ ]*clang++' "$WORK/build/build/harness/fuzz/CMakeFiles/fuzz_schedule.dir/link.txt" ||
  fail "fuzz_schedule is not linked with \$CXX: $(cut -c1-80 "$WORK/build/build/harness/fuzz/CMakeFiles/fuzz_schedule.dir/link.txt")"
for t in fuzz_schedule fuzz_scenario_parser fuzz_repro_parser; do
  [ -x "$OUT/$t" ] || fail "no fuzzer $OUT/$t"
  [ -f "$OUT/${t}_seed_corpus.zip" ] || fail "no seed corpus $OUT/${t}_seed_corpus.zip"
done
for d in fuzz_scenario_parser fuzz_repro_parser; do
  [ -f "$OUT/$d.dict" ] || fail "no dictionary $OUT/$d.dict"
done
grep -q 'max_len' "$OUT/fuzz_schedule.options" || fail "no fuzz_schedule.options"

# a known bug is not a crash
set +e
REDIRTORTURE_REPRO_DIR=$WORK "$OUT/fuzz_schedule" \
  "$RT_SOURCE_DIR/corpus/fuzz_schedule-regressions/rich-4158-live-console-abba" >known.out 2>known.err
rc=$?
set -e
[ "$rc" -eq 0 ] || { tail -n 20 known.err >&2; fail "the known Rich #4158 deadlock crashed the ClusterFuzzLite build (exit $rc)"; }
grep -q "Executed .*rich-4158-live-console-abba" known.err || fail "the #4158 input did not run"

# a new bug is
set +e
REDIRTORTURE_FUZZ_PLANT=test_planted REDIRTORTURE_REPRO_DIR=$WORK "$OUT/fuzz_schedule" \
  "$RT_SOURCE_DIR/corpus/fuzz_schedule/test_clean-busy" >crash.out 2>crash.err
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "the planted bug did not crash the ClusterFuzzLite build"
grep -q 'Planted\.A' crash.err || fail "no report of the planted bug in the crash"
grep -q 'deadly signal' crash.err || fail "libFuzzer did not see the abort as a crash"
ls "$WORK"/fuzz_schedule-*.repro >/dev/null || fail "no repro file"

# fuzz from the seed corpora: no crash on a healthy tree
for t in fuzz_schedule fuzz_scenario_parser fuzz_repro_parser; do
  secs=$FUZZ_S
  [ "$t" = fuzz_schedule ] || secs=$(( (FUZZ_S + 2) / 3 ))
  mkdir -p "corpus-$t" "art-$t"
  (cd "corpus-$t" && "$PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(".")' \
    "$OUT/${t}_seed_corpus.zip")
  dict=()
  [ -f "$OUT/$t.dict" ] && dict=(-dict="$OUT/$t.dict")
  set +e
  REDIRTORTURE_REPRO_DIR=$WORK/art-$t timeout -k 10 $((secs * 3 + 60)) "$OUT/$t" -max_total_time="$secs" \
    -timeout=10 -max_len=4096 -artifact_prefix="$WORK/art-$t/" "${dict[@]}" "corpus-$t" \
    >"fuzz-$t.out" 2>"fuzz-$t.err"
  rc=$?
  set -e
  if [ "$rc" -ne 0 ] || ls "art-$t"/crash-* "art-$t"/timeout-* "art-$t"/leak-* >/dev/null 2>&1; then
    grep -E '^(signature|fuzz_schedule|SUMMARY|==[0-9]+==ERROR)' "fuzz-$t.err" | head -n 20 >&2 || true
    tail -n 20 "fuzz-$t.err" >&2
    fail "$t crashed within $secs s of fuzzing from its seed corpus (exit $rc)"
  fi
  execs=$(grep -Eo 'Done [0-9]+ runs' "fuzz-$t.err" | grep -Eo '[0-9]+' || echo 0)
  [ "$execs" -gt 0 ] || fail "$t did not fuzz (no 'Done N runs')"
  echo "$t: $execs executions in $secs s, no crash"
done
pass "build.sh: 3 fuzzers linked with \$CXX; known bugs are not crashes, the planted one is; ${FUZZ_S} s of fuzzing from the seeds, no crash"
