#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Regenerate the fuzz seed corpora (docs/fuzzing.md) from knobs and from the
# committed repro files.  Needed when a change moves the harness's
# scheduling points (fuzz_schedule's choice bytes then mean other choices and
# the fuzz_corpus_* tests fail): run scripts/regen-replay-corpus.sh first,
# then this.  Review the diff: the expected signatures must stay the same bugs.
#
#   scripts/regen-fuzz-corpus.sh [BUILD_DIR]     (default build/default)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build/default}
F=$B/harness/fuzz/fuzz_schedule
[ -x "$F" ] || { echo "regen-fuzz-corpus: no $F (build first: make build)" >&2; exit 1; }

clean=corpus/fuzz_schedule
reg=corpus/fuzz_schedule-regressions
mkdir -p "$clean" "$reg" corpus/fuzz_scenario_parser corpus/fuzz_repro_parser
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make_seed() { "$F" --tool make "$@" >/dev/null; }

# ---- fuzz_schedule: inputs that must run clean ---------------------------
# The Rich #4158 deadlock schedule, replayed on the fixed target (fuzz target 1, `--tool targets`).
"$F" --tool encode corpus/replay/rich-4158-live-console-abba.min.repro "$tmp/rich.in" >/dev/null
{ printf '\001'; tail -c +2 "$tmp/rich.in"; } >"$clean/rich-4158-schedule-on-fixed"
make_seed "$clean/fixed-logging-mixed" target=rich_live_fixed print_workers=2 log_workers=2 \
  refresh_hz=100 finalizer_every=2 finalizer_action=mixed max_ops=4 live_rows=3 seed=7
make_seed "$clean/fixed-print-finalizers" target=rich_live_fixed print_workers=3 refresh_hz=1000 \
  finalizer_every=1 finalizer_action=print partial_pct=100 max_ops=3 live_rows=2 seed=11
make_seed "$clean/rich-no-finalizers" target=rich_live print_workers=3 refresh_hz=50 \
  finalizer_every=0 max_ops=4 seed=4158
make_seed "$clean/rich-one-printer" target=rich_live print_workers=1 max_ops=1 seed=1
make_seed "$clean/test_clean-busy" target=test_clean print_workers=6 log_workers=3 refresh_hz=10 \
  finalizer_every=1 finalizer_action=mixed partial_pct=50 max_ops=8 seed=3 \
  schedule=0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
make_seed "$clean/busted-one-write" target=busted print_workers=1 max_ops=1 partial_pct=0 \
  finalizer_every=0 seed=1

# ---- fuzz_schedule: inputs that must produce their finding --------------
# name, then how: "repro FILE" (encode a committed repro) or make KEY=VALUE...
regression() {
  local name=$1 how=$2
  shift 2
  if [ "$how" = repro ]; then
    "$F" --tool encode "$1" "$reg/$name" >/dev/null
  else
    make_seed "$reg/$name" "$@"
  fi
  "$F" --write-expected "$reg/$name" >/dev/null
  if [ "$how" = repro ]; then
    printf '# source: %s (scripts/regen-fuzz-corpus.sh)\n' "$1" >>"$reg/$name.expected"
  fi
}
regression rich-4158-live-console-abba repro corpus/replay/rich-4158-live-console-abba.min.repro
regression busted-abba repro corpus/replay/busted-abba.repro
regression rich-4158-lockorder make target=rich_live print_workers=4 refresh_hz=50 \
  finalizer_every=3 finalizer_action=log max_ops=5 seed=4158
regression rich-logging-lockorder make target=rich_live print_workers=1 log_workers=1 \
  finalizer_every=1 finalizer_action=log max_ops=2 seed=1
regression busted-two-writers make target=busted print_workers=2 max_ops=1 partial_pct=0 \
  finalizer_every=0 seed=1

# ---- parser fuzzers: the real files are the seeds ------------------------
# (scenarios/*.scn are read from scenarios/ by the corpus test, build.sh and
# the nightly script: no copies here)
cp corpus/replay/*.repro corpus/fuzz_repro_parser/
# a repro as fuzz_schedule writes it (strategy bytes)
REDIRTORTURE_REPRO_DIR=$tmp "$F" --triage --repro-dir "$tmp" "$reg/busted-two-writers" >/dev/null
cp "$tmp"/fuzz_schedule-*.repro corpus/fuzz_repro_parser/fuzz-schedule-bytes.repro

for f in "$clean"/* "$reg"/*; do
  case $f in *.expected) continue ;; esac
  printf '%-58s %s\n' "$f" "$("$F" --triage "$f" 2>/dev/null | cut -f2,3)"
done
