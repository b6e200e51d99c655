#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# nightly-fuzz.sh - the one command a nightly CI job runs (docs/fuzzing.md).
#
#   scripts/nightly-fuzz.sh [--budget SECONDS] [--out DIR] [--jobs N]
#       [--known FILE] [--update-corpus] [--no-stress] [--no-tsan] [--no-afl]
#       [--stress-args "ARGS"] [--build-root DIR] [--default-build DIR]
#   environment: FUZZ_BUDGET, NIGHTLY_OUT, FUZZ_JOBS, STRESS_ARGS
#
# 1. builds, each preset into BUILD_ROOT/PRESET (default build/): default
#    (redirtorture + standalone fuzz targets; --default-build DIR uses an
#    existing one instead), fuzz (libFuzzer, ASan+UBSan), fuzz-afl (AFL++
#    persistent mode; scripts/install-deps.sh afl installs AFL++), tsan
# 2. fuzzes every fuzz target for its share of the budget (fuzz_schedule 60%,
#    each parser 20%): first AFL++ (-M main, -S s1.. over all cores), then
#    libFuzzer (-fork over all cores) starting from AFL++'s queue
# 3. minimizes each corpus (afl-cmin; libFuzzer -merge=1 when OUT is under
#    /tmp, where afl-cmin refuses to work) into OUT/corpus-min/
# 4. triages every crash and hang: its report signature (the lock classes
#    and sites of the cycle, not the path), deduplicated; per unique finding
#    the smallest input, its repro file and `redirtorture minimize`'s output
# 5. under ThreadSanitizer: every scenario's stress (scripts/stress-all.sh
#    over scenarios/CFLIST) and the corpus replays (ctest -L 'fuzz|corpus',
#    the minimized fuzz_schedule corpus)
# 6. writes OUT/summary.md and OUT/summary.json
#
# A finding is new when its target and signature are in none of
# corpus/*-regressions/*.expected, corpus/replay/*.repro and the
# known-signatures file (corpus/known-signatures.txt), by the rule of
# scripts/known-signatures.py.  Exit status: 0 nothing new and everything as
# expected; 1 at least one new unique finding (OUT/findings/*/ has its input
# and minimized repro, OUT/new-signatures.txt its line); 2 something else is
# wrong (a build, a stress verdict, a TSan replay, AFL++ stability below 95%).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUDGET=${FUZZ_BUDGET:-1800}
OUT=${NIGHTLY_OUT:-$ROOT/build/nightly}
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
KNOWN=$ROOT/corpus/known-signatures.txt
STRESS_ARGS=${STRESS_ARGS:-}
BROOT=$ROOT/build STD=""
UPDATE_CORPUS=0 DO_STRESS=1 DO_TSAN=1 DO_AFL=1
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
usage() { sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'; exit 64; }
while [ $# -gt 0 ]; do
  case $1 in
    --budget) BUDGET=$2; shift ;;
    --out) OUT=$2; shift ;;
    --jobs) JOBS=$2; shift ;;
    --known) KNOWN=$2; shift ;;
    --stress-args) STRESS_ARGS=$2; shift ;;
    --update-corpus) UPDATE_CORPUS=1 ;;
    --no-stress) DO_STRESS=0 ;;
    --no-tsan) DO_TSAN=0 ;;
    --no-afl) DO_AFL=0 ;;
    --build-root) BROOT=$2; shift ;;
    --default-build) STD=$2; shift ;;
    -h|--help) usage ;;
    *) echo "nightly-fuzz: unknown argument '$1'" >&2; usage ;;
  esac
  shift
done
case $BUDGET in ''|*[!0-9]*) echo "nightly-fuzz: --budget wants seconds" >&2; exit 64 ;; esac
[ "$JOBS" -ge 1 ] 2>/dev/null || JOBS=1
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
mkdir -p "$BROOT" && BROOT=$(cd "$BROOT" && pwd)
if [ -n "$STD" ]; then
  [ -x "$STD/redirtorture" ] && [ -x "$STD/harness/fuzz/fuzz_schedule" ] ||
    { echo "nightly-fuzz: --default-build $STD: no redirtorture and harness/fuzz/fuzz_schedule there" >&2; exit 64; }
  STD=$(cd "$STD" && pwd)
fi
# only what this script writes is removed
rm -rf "$OUT"/{afl,libfuzzer,corpus-min,findings,logs,tsan,work,raw-repros} "$OUT"/summary.*
mkdir -p "$OUT"/{afl,libfuzzer,corpus-min,findings,logs,tsan,work,raw-repros}
LOG=$OUT/nightly.log
: >"$LOG"
T0=$(date +%s)
log() { echo "[nightly $(date +%H:%M:%S)] $*" | tee -a "$LOG" >&2; }
PROBLEMS=$OUT/work/problems.txt
: >"$PROBLEMS"
problem() { log "PROBLEM: $*"; echo "$*" >>"$PROBLEMS"; }

TARGETS="fuzz_schedule fuzz_scenario_parser fuzz_repro_parser"
share() { case $1 in fuzz_schedule) echo 60 ;; *) echo 20 ;; esac; }
LFB=$BROOT/fuzz/harness/fuzz
AFLB=$BROOT/fuzz-afl/harness/fuzz
export REDIRTORTURE_REPRO_DIR=$OUT/raw-repros
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_QUIET=1

# ---- 0. tools ----------------------------------------------------------------
HAVE_AFL=0
if [ "$DO_AFL" = 1 ]; then
  bash "$ROOT/scripts/install-deps.sh" afl >>"$LOG" 2>&1 ||
    problem "scripts/install-deps.sh afl failed (AFL++ needs root to install)"
  command -v afl-fuzz >/dev/null && command -v afl-clang-fast >/dev/null && HAVE_AFL=1
else
  bash "$ROOT/scripts/install-deps.sh" >>"$LOG" 2>&1 || problem "scripts/install-deps.sh failed"
fi

# ---- 1. builds -----------------------------------------------------------------
build() {   # build PRESET: into BUILD_ROOT/PRESET
  log "build: preset $1 in $BROOT/$1"
  if (cd "$ROOT" && cmake --preset "$1" -B "$BROOT/$1" >"$OUT/logs/configure-$1.log" 2>&1 &&
      cmake --build "$BROOT/$1" -j "$JOBS" >"$OUT/logs/build-$1.log" 2>&1); then
    return 0
  fi
  problem "build of preset $1 failed (logs/build-$1.log)"
  return 1
}
if [ -z "$STD" ]; then
  STD=$BROOT/default
  build default || { log "cannot go on without the default build"; exit 2; }
fi
build fuzz || { log "cannot go on without the libFuzzer build"; exit 2; }
[ "$HAVE_AFL" = 1 ] && { build fuzz-afl || HAVE_AFL=0; }
if [ "$DO_TSAN" = 1 ]; then build tsan || DO_TSAN=0; fi

# ---- 2. fuzzing ------------------------------------------------------------------
flat_copy() {   # flat_copy DEST SRC_DIR...: regular files, not dot files
  local dest=$1 d f
  shift
  mkdir -p "$dest"
  for d in "$@"; do
    [ -d "$d" ] || continue
    for f in "$d"/*; do [ -f "$f" ] && cp "$f" "$dest/$(basename "$d" | tr -c 'A-Za-z0-9_\n-' _)-$(basename "$f" | tr -c 'A-Za-z0-9_.\n-' _)"; done
  done
}

seed_dirs() {   # seed_dirs TARGET: its committed seeds (the scenario parser's include scenarios/)
  echo "$ROOT/corpus/$1"
  [ "$1" = fuzz_scenario_parser ] && echo "$ROOT/scenarios"
  return 0
}

run_afl() {   # run_afl TARGET SECONDS
  local t=$1 secs=$2 dir=$OUT/afl/$1 dict=() i pids=()
  [ -f "$ROOT/corpus/$t.dict" ] && dict=(-x "$ROOT/corpus/$t.dict")
  mkdir -p "$dir"
  # shellcheck disable=SC2046  # one directory a line, no spaces in ROOT's paths
  flat_copy "$OUT/work/$t-seeds" $(seed_dirs "$t")
  log "AFL++: $t for $secs s on $JOBS cores (-M main, -S s1..s$((JOBS - 1)))"
  for i in $(seq 0 $((JOBS - 1))); do
    local role=(-S "s$i")
    [ "$i" -eq 0 ] && role=(-M main)
    timeout -k 10 $((secs + 300)) afl-fuzz -i "$OUT/work/$t-seeds" -o "$dir" "${role[@]}" -V "$secs" \
      -t 5000 "${dict[@]}" -- "$AFLB/$t" >"$OUT/logs/afl-$t-$i.log" 2>&1 &
    pids+=($!)
    sleep 1
  done
  for i in "${pids[@]}"; do wait "$i" || true; done
  [ -f "$dir/main/fuzzer_stats" ] || problem "AFL++ did not run on $t (logs/afl-$t-0.log)"
}

run_libfuzzer() {   # run_libfuzzer TARGET SECONDS
  local t=$1 secs=$2 dir=$OUT/libfuzzer/$1 dict=()
  [ -f "$ROOT/corpus/$t.dict" ] && dict=(-dict="$ROOT/corpus/$t.dict")
  mkdir -p "$dir/artifacts"
  # shellcheck disable=SC2046
  flat_copy "$dir/corpus" $(seed_dirs "$t") "$OUT"/afl/"$t"/*/queue
  log "libFuzzer: $t for $secs s, -fork=$JOBS, from $(ls "$dir/corpus" | wc -l) inputs"
  (cd "$dir" && timeout -k 10 $((secs + 300)) "$LFB/$t" -fork="$JOBS" -ignore_crashes=1 \
    -ignore_timeouts=1 -ignore_ooms=1 -max_total_time="$secs" -timeout=10 -max_len=4096 \
    -artifact_prefix="$dir/artifacts/" "${dict[@]}" "$dir/corpus" >"$OUT/logs/libfuzzer-$t.log" 2>&1)
  grep -q 'INFO: Seed:\|INFO: -fork=' "$OUT/logs/libfuzzer-$t.log" ||
    problem "libFuzzer did not run on $t (logs/libfuzzer-$t.log)"
}

for t in $TARGETS; do
  secs=$(( BUDGET * $(share "$t") / 100 ))
  afl_secs=$(( secs / 2 )); [ "$afl_secs" -lt 5 ] && afl_secs=5
  lf_secs=$(( secs - afl_secs )); [ "$lf_secs" -lt 5 ] && lf_secs=5
  [ "$HAVE_AFL" = 1 ] && run_afl "$t" "$afl_secs" || lf_secs=$((lf_secs + afl_secs))
  run_libfuzzer "$t" "$lf_secs"
done

# ---- 3. corpus minimization -------------------------------------------------------
declare -A CORPUS_BEFORE CORPUS_AFTER
for t in $TARGETS; do
  all=$OUT/work/$t-all
  # shellcheck disable=SC2046
  flat_copy "$all" $(seed_dirs "$t") "$OUT"/afl/"$t"/*/queue "$OUT/libfuzzer/$t/corpus"
  CORPUS_BEFORE[$t]=$(ls "$all" | wc -l)
  min=$OUT/corpus-min/$t
  # afl-cmin refuses paths under /tmp and /var/tmp (unless AFL_ALLOW_TMP)
  case "$OUT/ $ROOT/" in *"/tmp/"*) cmin=merge ;; *) cmin=afl ;; esac
  [ -n "${AFL_ALLOW_TMP:-}" ] && cmin=afl
  [ "$HAVE_AFL" = 1 ] || cmin=merge
  if [ "$cmin" = afl ]; then
    (cd "$OUT" && afl-cmin -i "$all" -o "$min" -t 5000 -- "$AFLB/$t") >"$OUT/logs/cmin-$t.log" 2>&1 ||
      cmin=merge
  fi
  if [ "$cmin" = merge ]; then
    rm -rf "$min" && mkdir -p "$min"
    "$LFB/$t" -merge=1 -timeout=10 -max_len=4096 "$min" "$all" >"$OUT/logs/merge-$t.log" 2>&1 ||
      problem "corpus minimization of $t failed (logs/merge-$t.log)"
  fi
  CORPUS_AFTER[$t]=$(ls "$min" 2>/dev/null | wc -l)
  log "corpus $t: ${CORPUS_BEFORE[$t]} inputs -> ${CORPUS_AFTER[$t]} (${cmin/afl/afl-cmin})"
  if [ "$UPDATE_CORPUS" = 1 ]; then
    for f in "$min"/*; do
      [ -f "$f" ] || continue
      h=$(sha1sum "$f" | cut -c1-16)
      # shellcheck disable=SC2046
      grep -qx "$h" <(for g in $(seed_dirs "$t" | sed 's|$|/*|'); do sha1sum "$g" | cut -c1-16; done) ||
        cp "$f" "$ROOT/corpus/$t/nightly-$h"
    done
  fi
done

# ---- 4. triage --------------------------------------------------------------------
TRIAGE=$OUT/work/triage.tsv   # engine fuzz-target input signature repro target
: >"$TRIAGE"
sanitizer_signature() {   # from a sanitizer / libFuzzer log: one line, no paths or addresses
  local f=$1 s
  s=$(grep -m1 '^signature: ' "$f" | sed 's/^signature: //')
  [ -z "$s" ] && s=$(grep -m1 '^SUMMARY: ' "$f" | sed -E 's/^SUMMARY: //; s#(/[^ :]*/)([^/ :]+:[0-9]+)(:[0-9]+)?#\2#g; s/0x[0-9a-f]+//g')
  [ -z "$s" ] && s=$(grep -m1 -E '^fuzz_[a-z_]+: ' "$f" | sed -E "s/'.*//")
  [ -z "$s" ] && grep -q 'deadly signal' "$f" && s="CRASH: deadly signal"
  echo "${s:-CRASH: no report}"
}
triage_one() {   # triage_one ENGINE FUZZ_TARGET INPUT
  local eng=$1 t=$2 in=$3 line sig="" repro="" rc tmp=$OUT/work/triage-run target=$2
  mkdir -p "$tmp"
  if [ "$t" = fuzz_schedule ]; then
    # the harness target: a signature alone does not name it
    target=$("$STD/harness/fuzz/fuzz_schedule" --tool describe "$in" | sed -n 's/.* target=\([^ ]*\) .*/\1/p')
    line=$(cd "$tmp" && REDIRTORTURE_FUZZ_HANG_MS=5000 timeout -k 5 60 "$STD/harness/fuzz/fuzz_schedule" \
      --triage --repro-dir "$OUT/raw-repros" "$in" 2>"$tmp/err")
    rc=$?
    sig=$(echo "$line" | cut -f3)
    repro=$(echo "$line" | cut -f4)
    [ "$sig" = - ] && sig=""
    [ "$repro" = - ] && repro=""
    if [ -z "$sig" ] && grep -q '^signature: ' "$tmp/err"; then
      sig=$(grep '^signature: ' "$tmp/err" | tail -n 1 | sed 's/^signature: //')   # wall-time guard
    elif [ -z "$sig" ] && [ "$rc" -eq 124 ]; then
      sig="TIMEOUT: fuzz_schedule input ran past 60 s with no report"
    fi
  fi
  if [ -z "$sig" ]; then   # a sanitizer or parser finding: the libFuzzer build tells
    (cd "$tmp" && timeout -k 5 60 "$LFB/$t" -timeout=30 "$in" >"$tmp/out" 2>"$tmp/err")
    rc=$?
    if [ "$rc" -eq 124 ] || grep -q 'ERROR: libFuzzer: timeout' "$tmp/err"; then
      sig="TIMEOUT: $t"
    elif [ "$rc" -eq 0 ]; then
      sig="NOT REPRODUCED: $t"
    else
      sig=$(sanitizer_signature "$tmp/err")
    fi
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$eng" "$t" "$in" "$sig" "$repro" "${target:-$t}" >>"$TRIAGE"
}
ninputs=0
for t in $TARGETS; do
  for f in "$OUT"/afl/"$t"/*/crashes/id:* "$OUT"/afl/"$t"/*/hangs/id:*; do
    [ -f "$f" ] && { triage_one afl "$t" "$f"; ninputs=$((ninputs + 1)); }
  done
  for f in "$OUT"/libfuzzer/"$t"/artifacts/{crash,timeout,leak,oom,slow-unit}-*; do
    [ -f "$f" ] && { triage_one libfuzzer "$t" "$f"; ninputs=$((ninputs + 1)); }
  done
done
log "triage: $ninputs crash/hang inputs"

# known findings: "TARGET SIGNATURE" lines (TARGET * = any)
KNOWN_ALL=$OUT/work/known.txt
{
  for f in "$ROOT"/corpus/fuzz_schedule-regressions/*.expected; do
    [ -f "$f" ] || continue
    tg=$("$STD/harness/fuzz/fuzz_schedule" --tool describe "${f%.expected}" | sed -n 's/.* target=\([^ ]*\) .*/\1/p')
    grep -v '^#' "$f" | grep . | sed "s/^/${tg:-*} /"
  done
  for f in "$ROOT"/corpus/*-regressions/*.expected; do
    case $f in */fuzz_schedule-regressions/*) continue ;; esac
    grep -v '^#' "$f" | grep . | sed "s/^/* /"
  done
  for f in "$ROOT"/corpus/replay/*.repro; do
    [ -f "$f" ] || continue
    tg=$(sed -n 's/^config: target = //p' "$f")
    sed -n 's/^signature: //p' "$f" | grep -vx none | sed "s/^/${tg:-*} /"
  done
  [ -f "$KNOWN" ] && grep -v '^#' "$KNOWN" | grep .
} 2>/dev/null | sort -u >"$KNOWN_ALL"
is_known() {   # is_known TARGET SIGNATURE (sanitizer lines are not KIND:HASH: exact only)
  grep -qxF -- "$1 $2" "$KNOWN_ALL" || grep -qxF -- "* $2" "$KNOWN_ALL" ||
    printf '%s %s\n' "$1" "$2" | "$PY" "$ROOT/scripts/known-signatures.py" check "$KNOWN_ALL" >/dev/null 2>&1
}

# unique findings (a target and a signature): smallest input, repro, minimize
UNIQUE=$OUT/work/unique.tsv   # sig new count engines input repro minrepro pre_before pre_after fuzz-target target
: >"$UNIQUE"
while IFS=$'\t' read -r target sig; do
  [ -n "$sig" ] || continue
  rows=$(awk -F'\t' -v s="$sig" -v g="$target" '$4 == s && $6 == g' "$TRIAGE")
  count=$(echo "$rows" | wc -l)
  engines=$(echo "$rows" | cut -f1 | sort -u | paste -sd, -)
  t=$(echo "$rows" | head -n 1 | cut -f2)
  input=$(echo "$rows" | cut -f3 | while read -r f; do echo "$(stat -c %s "$f") $f"; done | sort -n | head -n 1 | cut -d' ' -f2-)
  new=known
  is_known "$target" "$sig" || new=new
  slug=$target-$(echo "$sig" | sed -E 's/^([A-Za-z-]+):([0-9a-f]{16}).*/\1-\2/; t; s/[^A-Za-z0-9]+/-/g' | cut -c1-60)
  d=$OUT/findings/$slug
  mkdir -p "$d"
  cp "$input" "$d/input"
  printf '%s %s\n' "$target" "$sig" >"$d/signature"
  repro=$(echo "$rows" | cut -f5 | grep -m1 . || true)
  minrepro="" pb="" pa=""
  if [ -n "$repro" ] && [ -f "$repro" ]; then
    cp "$repro" "$d/finding.repro"
    log "minimize: $slug"
    timeout -k 5 900 "$STD/redirtorture" minimize "$d/finding.repro" -o "$d/finding.min.repro" \
      >"$d/minimize.log" 2>&1 || true
    if [ -f "$d/finding.min.repro" ]; then
      minrepro=$d/finding.min.repro
      pb=$(sed -n 's/^preemptions: //p' "$d/finding.repro")
      pa=$(sed -n 's/^preemptions: //p' "$minrepro")
    fi
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$sig" "$new" "$count" "$engines" "$d/input" \
    "${repro:+$d/finding.repro}" "$minrepro" "$pb" "$pa" "$t" "$target" >>"$UNIQUE"
done < <(awk -F'\t' '{print $6 "\t" $4}' "$TRIAGE" | sort -u)
NEW=$(awk -F'\t' '$2 == "new"' "$UNIQUE" | wc -l)
# ready to append to corpus/known-signatures.txt once a finding is accepted
awk -F'\t' '$2 == "new" {print $11 " " $1}' "$UNIQUE" >"$OUT/new-signatures.txt"
log "findings: $(wc -l <"$UNIQUE") unique, $NEW new"

# ---- 5. ThreadSanitizer: stress and corpus replay -------------------------------------
STRESS_RC=skipped TSAN_CTEST_RC=skipped TSAN_CORPUS_RC=skipped
if [ "$DO_TSAN" = 1 ]; then
  if [ "$DO_STRESS" = 1 ]; then
    log "TSan: stress of every scenario in scenarios/CFLIST"
    # shellcheck disable=SC2086
    (cd "$ROOT" && bash scripts/stress-all.sh "$BROOT/tsan/redirtorture" $STRESS_ARGS) \
      >"$OUT/tsan/stress-all.txt" 2>&1
    STRESS_RC=$?
    cp -r "$ROOT/build/reports/stress-all" "$OUT/tsan/stress-reports" 2>/dev/null || true
    [ "$STRESS_RC" -eq 0 ] || problem "stress under TSan: a verdict is not the expected one (tsan/stress-all.txt)"
  fi
  log "TSan: corpus replay (ctest -L 'fuzz|corpus')"
  (cd "$ROOT" && ctest --test-dir "$BROOT/tsan" --output-on-failure -L 'fuzz|corpus' -E clusterfuzzlite) \
    >"$OUT/tsan/ctest.txt" 2>&1
  TSAN_CTEST_RC=$?
  [ "$TSAN_CTEST_RC" -eq 0 ] || problem "corpus replay under TSan failed (tsan/ctest.txt)"
  TSAN_OPTIONS=detect_deadlocks=0 REDIRTORTURE_REPRO_DIR=$OUT/tsan \
    "$BROOT/tsan/harness/fuzz/fuzz_schedule" "$OUT/corpus-min/fuzz_schedule" \
    >"$OUT/tsan/corpus-min.txt" 2>&1
  TSAN_CORPUS_RC=$?
  [ "$TSAN_CORPUS_RC" -eq 0 ] ||
    problem "the minimized fuzz_schedule corpus under TSan: exit $TSAN_CORPUS_RC (tsan/corpus-min.txt)"
elif [ "$DO_STRESS" = 1 ]; then
  problem "no TSan build: stress and corpus replay under TSan skipped"
fi

# ---- 6. summary ---------------------------------------------------------------------
STAB=""
for f in "$OUT"/afl/fuzz_schedule/*/fuzzer_stats; do
  [ -f "$f" ] || continue
  s=$(sed -n 's/^stability *: *\([0-9.]*\)%.*/\1/p' "$f")
  [ -n "$s" ] && { [ -z "$STAB" ] || awk -v a="$s" -v b="$STAB" 'BEGIN{exit !(a < b)}'; } && STAB=$s
done
if [ -n "$STAB" ] && awk -v s="$STAB" 'BEGIN{exit !(s < 95)}'; then
  problem "AFL++ stability of fuzz_schedule is $STAB% (< 95%): an input no longer runs the same every time"
fi
for t in $TARGETS; do echo "$t ${CORPUS_BEFORE[$t]:-0} ${CORPUS_AFTER[$t]:-0}"; done >"$OUT/work/corpus.txt"
ELAPSED=$(( $(date +%s) - T0 ))
export OUT BUDGET JOBS STAB ELAPSED STRESS_RC TSAN_CTEST_RC TSAN_CORPUS_RC HAVE_AFL
"$PY" "$ROOT/scripts/nightly-summary.py" || problem "summary script failed"
log "summary: $OUT/summary.md"
cat "$OUT/summary.md" >&2

if [ "$NEW" -gt 0 ]; then
  log "exit 1: $NEW new unique finding(s)"
  exit 1
fi
if [ -s "$PROBLEMS" ]; then
  log "exit 2: $(wc -l <"$PROBLEMS") problem(s)"
  exit 2
fi
log "exit 0: nothing new"
exit 0
