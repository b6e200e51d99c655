#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Build the fuzz targets for ClusterFuzzLite / OSS-Fuzz: libFuzzer binaries,
# seed corpora (NAME_seed_corpus.zip), dictionaries and .options in $OUT.
#
# Also runs locally without Docker: every variable ClusterFuzzLite sets has
# a default (ASan + libFuzzer with the system clang), e.g.
#   OUT=$PWD/build/cflite-out .clusterfuzzlite/build.sh
#   SANITIZER=undefined OUT=... .clusterfuzzlite/build.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# In the image build.sh is copied to $SRC and runs in $SRC/redirtorture;
# locally it runs from .clusterfuzzlite/ in the repository.
if [ -f "$HERE/../CMakeLists.txt" ]; then REPO=$(cd "$HERE/.." && pwd); else REPO=$PWD; fi
: "${SRC:=$(dirname "$REPO")}"
: "${CC:=clang}"
: "${CXX:=clang++}"
: "${SANITIZER:=address}"
: "${FUZZING_ENGINE:=libfuzzer}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$REPO/build/cflite-out}"
: "${WORK:=$REPO/build/cflite-work}"
if [ -z "${CFLAGS:-}" ]; then
  case $SANITIZER in
    address) CFLAGS="-fsanitize=address -fsanitize-address-use-after-scope" ;;
    undefined) CFLAGS="-fsanitize=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr -fno-sanitize-recover=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr" ;;
    memory) CFLAGS="-fsanitize=memory -fsanitize-memory-track-origins" ;;
    coverage) CFLAGS="-fprofile-instr-generate -fcoverage-mapping" ;;
    *) CFLAGS="" ;;
  esac
  CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only $CFLAGS -fsanitize=fuzzer-no-link"
fi
# unsigned wrap-around is intended in the hashes and the RNG
CFLAGS="$CFLAGS -fno-sanitize=unsigned-integer-overflow"
export CC CXX CFLAGS
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
TARGETS="fuzz_schedule fuzz_scenario_parser fuzz_repro_parser"

if [ "$FUZZING_ENGINE" != libfuzzer ]; then
  echo "build.sh: FUZZING_ENGINE=$FUZZING_ENGINE: only libfuzzer is set up (AFL++: scripts/nightly-fuzz.sh)" >&2
  exit 1
fi

mkdir -p "$OUT" "$WORK"
# Flags come from $CFLAGS / $LIB_FUZZING_ENGINE; no sanitizer preset, no
# embedded Python, no -Werror (a newer clang may warn about something new).
# Linked with $CXX, as OSS-Fuzz and ClusterFuzzLite require.  fuzz_schedule
# gets corpus/known-signatures.txt compiled in: the known bugs of the model
# targets (rich_live's #4158, busted's ABBA...) are not crashes, so PR and
# batch fuzzing report only new ones (docs/fuzzing.md).
cmake -S "$REPO" -B "$WORK/build" -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
  -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_CXX_FLAGS="${CXXFLAGS:-$CFLAGS}" \
  -DREDIRTORTURE_FUZZ_LINK_CXX=ON -DREDIRTORTURE_FUZZ_KNOWN="$REPO/corpus/known-signatures.txt" \
  -DCMAKE_BUILD_TYPE=Release -DREDIRTORTURE_FUZZ=libfuzzer \
  -DREDIRTORTURE_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" -DREDIRTORTURE_SANITIZER= \
  -DREDIRTORTURE_PYTHON=OFF -DREDIRTORTURE_WERROR=OFF >"$WORK/cmake.log"
# shellcheck disable=SC2086
cmake --build "$WORK/build" -j "$JOBS" --target $TARGETS >"$WORK/build.log"

zip_dir() {   # zip_dir OUT.zip DIR: the files of DIR, flat
  rm -f "$1"
  if command -v zip >/dev/null; then
    (cd "$2" && zip -q -j "$1" ./*)
  else
    python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for n in sorted(os.listdir(sys.argv[2])):
        p = os.path.join(sys.argv[2], n)
        if os.path.isfile(p) and not n.startswith("."):
            z.write(p, n)
PY
  fi
}

for t in $TARGETS; do
  cp "$WORK/build/harness/fuzz/$t" "$OUT/$t"
  # seeds: corpus/$t, and for the scenario parser the shipped scenarios
  rm -rf "$WORK/seeds-$t" && mkdir -p "$WORK/seeds-$t"
  [ -d "$REPO/corpus/$t" ] && cp "$REPO/corpus/$t"/* "$WORK/seeds-$t/"
  [ "$t" = fuzz_scenario_parser ] && cp "$REPO"/scenarios/*.scn "$WORK/seeds-$t/"
  [ -n "$(ls "$WORK/seeds-$t")" ] && zip_dir "$OUT/${t}_seed_corpus.zip" "$WORK/seeds-$t"
  [ -f "$REPO/corpus/$t.dict" ] && cp "$REPO/corpus/$t.dict" "$OUT/$t.dict"
done
# fuzz_schedule: schedules are longer than the seeds; an input is one
# controlled execution (milliseconds), deadlocks are exact, so a 10 s
# timeout only catches a wait outside the scheduler
cat >"$OUT/fuzz_schedule.options" <<'OPT'
[libfuzzer]
max_len = 4096
timeout = 10
OPT
echo "build.sh: $TARGETS -> $OUT (SANITIZER=$SANITIZER)"
