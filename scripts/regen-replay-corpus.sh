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
# --keep-clock: regen-fuzz-corpus.sh encodes this one, and fuzz inputs have no clock
"$B" minimize "$out/rich-4158-live-console-abba.repro" -o "$out/rich-4158-live-console-abba.min.repro" \
  --keep-clock
"$B" explore --scenario live_refresh --target rich_live_fixed --strategy pct --runs 300 \
  --seed 4158 --save-clean --no-supervisor --repro "$out/rich-4158-fixed-clean.repro" >/dev/null 2>&1
"$B" explore --scenario busted_abba --strategy random --runs 1000 --seed 1 --until-deadlock \
  --no-supervisor --repro "$out/busted-abba.repro" >/dev/null 2>&1 || [ $? -eq 2 ]
# The real Rich (builds with the Python plugin and python3-rich; elsewhere exit 69: left as they are)
rc=0
"$B" explore --scenario live_refresh --target py_rich --strategy pct --seed 4158 --no-supervisor \
  --repro "$out/py-rich-4158-live-console.repro" >/dev/null 2>&1 || rc=$?
case $rc in
  2) "$B" minimize "$out/py-rich-4158-live-console.repro" -o "$out/py-rich-4158-live-console.min.repro" ;;
  69) echo "regen-replay-corpus: no embedded Python here: py-rich-* left as they are" >&2 ;;
  *) echo "regen-replay-corpus: explore py_rich exited $rc, expected 2 (DEADLOCK)" >&2; exit 1 ;;
esac
for f in "$out"/*.repro; do
  printf '%-50s %s\n' "$(basename "$f")" "$(sed -n 's/^signature: //p' "$f")"
done
bash scripts/regen-fuzz-corpus.sh "$(dirname "$B")"   # fuzz regressions encode the #4158 repro
