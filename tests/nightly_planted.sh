#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# scripts/nightly-fuzz.sh is red on a new bug and green on known ones:
#  1. with a bug planted (REDIRTORTURE_FUZZ_PLANT=test_planted: fuzz_schedule's
#     test_clean slot runs test_planted, a 3-lock cycle no list knows; the
#     test_clean seeds reach it on their first execution) it exits 1, lists
#     only test_planted in new-signatures.txt, and leaves a minimized repro
#     that `redirtorture replay` turns into the same finding;
#  2. without it, on the same builds, it exits 0: every finding is known.
# Each run: RT_NIGHTLY_BUDGET s of libFuzzer (default 20; fuzz_schedule gets
# 60%), no AFL++ (.ci/run's afl-smoke covers it), no TSan; the libFuzzer
# build goes into this test's directory, the default build is this one.
source "$(dirname "$0")/lib.sh"

BUDGET=${RT_NIGHTLY_BUDGET:-20}
STD=$(dirname "$RT_BIN")
nightly() {   # nightly NAME [ENV=VALUE...]: sets RC
  local name=$1
  shift
  LAST=$name
  echo "nightly-fuzz.sh --budget $BUDGET ($*)" >"$name.cmd"
  set +e
  env "$@" timeout -k 10 600 bash "$RT_SOURCE_DIR/scripts/nightly-fuzz.sh" --budget "$BUDGET" \
    --no-afl --no-tsan --no-stress --jobs 2 --build-root "$WORK/builds" --default-build "$STD" \
    --out "$WORK/$name" >"$name.out" 2>"$name.err"
  RC=$?
  set -e
}

nightly red REDIRTORTURE_FUZZ_PLANT=test_planted
[ "$RC" -eq 1 ] || fail "with the planted bug: exit $RC, expected 1 (a new finding)"
[ -s red/new-signatures.txt ] || fail "no new-signatures.txt"
if grep -v '^test_planted ' red/new-signatures.txt; then
  fail "new findings beyond the planted bug (above)"
fi
expect_in red/summary.md '^\| \*\*NEW\*\* .*Planted\.A' "the summary names the planted bug as new"
min=$(ls red/findings/test_planted-*/finding.min.repro | head -n 1)
[ -f "$min" ] || fail "no minimized repro of the planted bug"
sig=$(sed -n 's/^signature: //p' "$min")
grep -qxF "test_planted $sig" red/new-signatures.txt || fail "the minimized repro has another signature: $sig"
run replay 30000 replay "$min"
case $RC in 1|2) ;; *) fail "replay of $min: exit $RC, expected a finding" ;; esac
grep -qF "signature: $sig" replay.err replay.out || fail "replay of $min did not report $sig"

nightly green
if [ "$RC" -ne 0 ]; then
  grep -E '^\| \*\*NEW\*\*|PROBLEM' green/summary.md "green.err" >&2 || true
  fail "without the planted bug: exit $RC, expected 0 (only known findings)"
fi
expect_not_in green/summary.md 'NEW' "a healthy tree's nightly summary"
[ ! -s green/new-signatures.txt ] || fail "green run wrote new signatures"
pass "planted bug: exit 1 with a minimized repro ($sig); healthy: exit 0, $(grep -c '^| known' green/summary.md) known findings"
