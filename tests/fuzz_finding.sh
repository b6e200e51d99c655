#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# fuzz_schedule on an input with a finding (the Rich #4158 deadlock, from
# corpus/fuzz_schedule-regressions/) behaves as a fuzzer needs: it aborts
# (SIGABRT, a crash to libFuzzer and AFL++) at once, with the full report on
# stderr, and leaves a repro file named by the signature's hash that
# `redirtorture replay` reproduces.  The committed regression input is what
# `--tool encode` makes of the committed repro (they cannot drift apart
# silently), and --triage/--expect-findings agree with the sidecar.
source "$(dirname "$0")/lib.sh"

: "${RT_FUZZ_DIR:?RT_FUZZ_DIR must name the directory of the fuzz targets}"
FS=$RT_FUZZ_DIR/fuzz_schedule
REG=$RT_SOURCE_DIR/corpus/fuzz_schedule-regressions
IN=$REG/rich-4158-live-console-abba
sig=$(grep -v '^#' "$IN.expected" | head -n 1)
hash=$(echo "$sig" | sed -n 's/^DEADLOCK:\([0-9a-f]\{16\}\) .*/\1/p')
[ -n "$hash" ] || fail "no DEADLOCK signature in $IN.expected: '$sig'"

mkdir repros
t0=$(now_ms)
set +e
REDIRTORTURE_REPRO_DIR=repros "$FS" "$IN" >run.out 2>run.err
rc=$?
set -e
MS=$(( $(now_ms) - t0 ))
# shellcheck disable=SC2034  # RC and LAST are read by fail() in lib.sh
LAST=run RC=$rc
[ "$rc" -eq 134 ] || fail "exit code $rc, expected 134 (SIGABRT: a crash for the fuzzer)"
check_sanitizer_output run.err
expect_in run.err '^DEADLOCK: 2 threads wait for each other in a cycle' "deadlock report"
expect_in run.err 'wait-for cycle:' "the cycle in the report"
grep -F -- "signature: $sig" run.err >/dev/null || fail "report without the signature $sig"
repro=repros/fuzz_schedule-deadlock-$hash.repro
[ -f "$repro" ] || fail "no repro file $repro (have: $(ls repros))"
[ "$(head -1 "$repro")" = "# redirtorture repro file: replay with \`redirtorture replay $repro\`" ] ||
  fail "the repro's header does not give its replay command: $(head -1 "$repro")"
grep -F -- "replay: redirtorture replay $repro" run.err >/dev/null ||
  fail "the report does not name the repro file"
expect_ms_below "$(scaled 10000)" "the deadlock became a crash at once"

run replay "$(scaled 30000)" replay "$repro"
expect_rc 2
grep -F -- "replay: reproduced $sig (" "$LAST.out" >/dev/null || fail "replay of $repro differs"

"$FS" --tool encode "$RT_SOURCE_DIR/corpus/replay/rich-4158-live-console-abba.min.repro" enc.in >/dev/null
cmp -s enc.in "$IN" ||
  fail "corpus/replay and corpus/fuzz_schedule-regressions disagree: run scripts/regen-fuzz-corpus.sh"

"$FS" --triage "$IN" >triage.out 2>/dev/null
[ "$(cut -f3 triage.out)" = "$sig" ] || fail "--triage gives '$(cut -f3 triage.out)'"
cp "$IN" wrong && printf '# wrong on purpose\nDEADLOCK:0000000000000000 nothing\n' >wrong.expected
set +e
"$FS" --expect-findings wrong >/dev/null 2>expect.err
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "--expect-findings accepted a wrong signature (exit $rc)"
pass "abort in ${MS} ms with the report; $repro replays; encode, triage, expect agree"
