#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# afl-smoke.sh - a short AFL++ run of fuzz_schedule on healthy targets, for CI
# (.ci/run).  Installs AFL++ if needed (scripts/install-deps.sh afl), builds
# the fuzz-afl preset, fuzzes for SECONDS (default 30) from corpus/fuzz_schedule
# with only rich_live_fixed and test_clean (REDIRTORTURE_FUZZ_TARGETS), then
# reads AFL++'s fuzzer_stats.
#   scripts/afl-smoke.sh [SECONDS] [OUT]      (OUT default build/afl-smoke)
# Exit status: 0 it ran (executions > 0), found no crash and no hang, and its
# stability was at least 95%; 1 otherwise; 2 AFL++ or the build is missing.
# Prints one line: executions, execs/s, stability, paths, crashes, hangs.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-30}
OUT=${2:-$ROOT/build/afl-smoke}
case $SECS in ''|*[!0-9]*) echo "afl-smoke: SECONDS must be a number" >&2; exit 64 ;; esac
bash "$ROOT/scripts/install-deps.sh" afl || { echo "afl-smoke: AFL++ cannot be installed" >&2; exit 2; }
(cd "$ROOT" && cmake --preset fuzz-afl >/dev/null && cmake --build --preset fuzz-afl >/dev/null) ||
  { echo "afl-smoke: build of preset fuzz-afl failed" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT"
# no UI, no CPU pinning (shared cores), no core_pattern or cpufreq checks on
# CI machines; AFL++'s -t catches a hang (the wall-time guard is off under it)
export AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export REDIRTORTURE_FUZZ_TARGETS=rich_live_fixed,test_clean REDIRTORTURE_REPRO_DIR=$OUT/repros
timeout -k 10 $((SECS + 120)) afl-fuzz -i "$ROOT/corpus/fuzz_schedule" -o "$OUT" -M main -V "$SECS" \
  -t 5000 -- "$ROOT/build/fuzz-afl/harness/fuzz/fuzz_schedule" >"$OUT/afl.log" 2>&1
rc=$?
stats=$OUT/main/fuzzer_stats
if [ ! -f "$stats" ]; then
  tail -n 30 "$OUT/afl.log" >&2
  echo "afl-smoke: afl-fuzz did not run (exit $rc; $OUT/afl.log)" >&2
  exit 1
fi
get() { sed -n "s/^$1 *: *//p" "$stats" | tr -d '%'; }
execs=$(get execs_done) eps=$(get execs_per_sec) stab=$(get stability)
paths=$(get corpus_count) crashes=$(get saved_crashes) hangs=$(get saved_hangs)
echo "afl-smoke: fuzz_schedule ${SECS} s: $execs executions ($eps/s), stability ${stab}%," \
  "$paths paths, $crashes crashes, $hangs hangs"
bad=0
[ "${execs:-0}" -gt 0 ] || { echo "afl-smoke: no executions" >&2; bad=1; }
[ "${crashes:-1}" -eq 0 ] || { echo "afl-smoke: crashes on healthy targets: $OUT/main/crashes" >&2; bad=1; }
[ "${hangs:-1}" -eq 0 ] || { echo "afl-smoke: hangs on healthy targets: $OUT/main/hangs" >&2; bad=1; }
awk -v s="${stab:-0}" 'BEGIN { exit !(s >= 95) }' ||
  { echo "afl-smoke: stability ${stab}% < 95%: an input does not run the same every time" >&2; bad=1; }
exit "$bad"
