#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Regenerate corpus/replay/ from fixed seeds.  Needed when a change moves the
# harness's scheduling points (the committed schedules then diverge, which
# ctl_corpus_replay reports).  Review the diff: the signatures must stay the
# same bugs.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build/default/redirtorture}
out=corpus/replay
mkdir -p "$out"
"$B" explore --scenario live_refresh --target rich_live --strategy pct --depth 2 --runs 1000 \
  --seed 4158 --until-deadlock --no-supervisor --repro "$out/rich-4158-live-console-abba.repro" >/dev/null 2>&1 || [ $? -eq 2 ]
"$B" minimize "$out/rich-4158-live-console-abba.repro" -o "$out/rich-4158-live-console-abba.min.repro"
"$B" explore --scenario live_refresh --target rich_live_fixed --strategy pct --runs 300 \
  --seed 4158 --save-clean --no-supervisor --repro "$out/rich-4158-fixed-clean.repro" >/dev/null 2>&1
"$B" explore --scenario busted_abba --strategy random --runs 1000 --seed 1 --until-deadlock \
  --no-supervisor --repro "$out/busted-abba.repro" >/dev/null 2>&1 || [ $? -eq 2 ]
for f in "$out"/*.repro; do
  printf '%-50s %s\n' "$(basename "$f")" "$(sed -n 's/^signature: //p' "$f")"
done
bash scripts/regen-fuzz-corpus.sh "$(dirname "$B")"   # fuzz regressions encode the #4158 repro
