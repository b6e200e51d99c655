#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A full disk (issue 11, item 4): on a 64 KiB tmpfs with 4 KiB free, the JSON
# report (5 KB) and repro files (20 KB) cannot be written.  Each attempt must
# leave the older file there untouched and no temporary behind, say in one
# line what was not written, never print the path as written, and exit 73
# (README: UNWRITTEN).  Needs root for the mount (CI runs as root); skipped
# with a visible message otherwise (exit 77 = SKIP_RETURN_CODE).
source "$(dirname "$0")/lib.sh"

D="$WORK/full"
mkdir -p "$D"
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=64k rt-full "$D" 2>/dev/null; then
  echo "SKIP [$TEST_NAME]: needs root to mount a 64 KiB tmpfs (uid $(id -u))"
  exit 77
fi
trap 'rc=$?; umount "$D" 2>/dev/null || true; [ $rc -eq 0 ] && rm -rf "$WORK" || echo "($TEST_NAME: output kept in $WORK)" >&2' EXIT

echo '{"old": "report"}' >"$D/report.json"
echo 'old repro' >"$D/x.repro"
echo 'old trace' >"$D/t.json"
# fill the disk in 4 KiB files; free_one gives back exactly one of them
i=0
while dd if=/dev/zero of="$D/fill$i" bs=4096 count=1 status=none 2>/dev/null; do i=$((i + 1)); done
rm -f "$D/fill$i"
[ "$(df -k --output=avail "$D" | tail -n 1 | tr -d ' ')" -eq 0 ] || fail "tmpfs not full"
free_one() { rm -f "$D/fill0"; }
refill() { dd if=/dev/zero of="$D/fill0" bs=4096 count=1 status=none || fail "refill"; }

check_dir() {   # check_dir WHAT: old files intact, no temporaries
  [ "$(cat "$D/report.json")" = '{"old": "report"}' ] || fail "$1: the old report changed"
  [ "$(cat "$D/x.repro")" = 'old repro' ] || fail "$1: the old repro changed"
  [ "$(cat "$D/t.json")" = 'old trace' ] || fail "$1: the old trace changed"
  if ls "$D" | grep -q '\.tmp\.'; then fail "$1: temporary left: $(ls "$D" | grep '\.tmp\.')"; fi
}
check_unwritten() {   # check_unwritten WHAT PATH
  expect_rc 73
  expect_verdict UNWRITTEN
  [ "$(grep -c ' not written: ' "$LAST.err")" -eq 1 ] || fail "$1: expected one 'not written' line"
  expect_in "$LAST.err" "^redirtorture: [a-z]+ $2 not written: No space left on device; an older file there is unchanged" "$1: the line"
  expect_not_in "$LAST.out" "(report|repro|trace|wrote):? $2\$" "$1: path printed as written"
  check_dir "$1"
}

# 1. the JSON report of a deadlocking run, supervised and not, with no
# room at all: the old report stays
for sup in "" --no-supervisor; do
  run "report$sup" "$(scaled 30000)" run --scenario busted_abba --seed 3 \
    --set stall_timeout_ms=300 --report "$D/report.json" $sup
  check_unwritten "report $sup" "$D/report.json"
  expect_in "$LAST.err" 'an older file there is unchanged, the verdict DEADLOCK is only in this output' \
    "report $sup: the verdict kept"
done

# From here on 4 KiB are free: a write starts and fails part way (the old
# code left a 4096-byte file of invalid JSON and exit 2).
free_one
# 1b. the lock-order finding's report (< 4 KiB) fits, the final one does not
run report_partial "$(scaled 30000)" run --scenario busted_abba --seed 3 \
  --set stall_timeout_ms=300 --report "$D/report.json"
expect_rc 73
expect_verdict UNWRITTEN
expect_in "$LAST.err" "^redirtorture: report $D/report.json not written: No space left on device; (the file there is this run's report as of an earlier finding|an older file there is unchanged), the verdict DEADLOCK" "partial: the line"
expect_not_in "$LAST.out" "^report: " "partial: path printed as written"
"$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$D/report.json" || fail "partial: report.json is not whole JSON"
if ls "$D" | grep -q '\.tmp\.'; then fail "partial: temporary left"; fi
echo '{"old": "report"}' >"$D/report.json"   # same size: still 4 KiB free

# 2. explore's repro (64 workers: a long schedule)
run explore "$(scaled 30000)" explore --scenario live_refresh --target rich_live --seed 5 \
  --set print_workers=64 --runs 50 --repro "$D/x.repro"
check_unwritten explore "$D/x.repro"
expect_in "$LAST.out" '^repro: not written' "explore: the repro line"

# 3. minimize's output (a small file: no room at all) and replay's trace
run explore_ok "$(scaled 30000)" explore --scenario live_refresh --target rich_live --seed 5 \
  --set print_workers=64 --runs 50 --repro "$WORK/ok.repro"
expect_rc 2
refill
run minimize "$(scaled 60000)" minimize "$WORK/ok.repro" -o "$D/x.repro" --search-runs 20
expect_rc 73
expect_in "$LAST.err" "^redirtorture: repro $D/x.repro not written: No space left on device" "minimize"
expect_not_in "$LAST.out" "wrote" "minimize: path printed as written"
check_dir minimize
run trace "$(scaled 30000)" replay "$WORK/ok.repro" --trace "$D/t.json"
check_unwritten trace "$D/t.json"

# the same writes succeed once there is room: the failure was the disk
rm -f "$D"/fill*
run report_room "$(scaled 30000)" run --scenario busted_abba --seed 3 \
  --set stall_timeout_ms=300 --report "$D/report.json"
expect_rc 2
expect_in "$LAST.out" "^report: $D/report.json\$" "with room: report path"
"$PY" -c 'import json,sys; assert json.load(open(sys.argv[1]))["verdict"] == "DEADLOCK"' "$D/report.json" \
  || fail "with room: report is not the run's JSON"
pass "full disk: report, repro, minimized repro, trace each refused with exit 73; old files intact"
