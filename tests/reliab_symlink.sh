#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Planted symlinks (issue 11, item 5): the report's temporary file used to be
# REPORT.tmp.PID, opened with O_CREAT|O_TRUNC: a symlink planted at that name
# made the harness (often root, in a shared directory) overwrite any file.
# Here symlinks to a victim file sit at REPORT.tmp.N for the PID the harness
# will have (bash execs it, so it keeps $$) and the next 200 (its supervised
# child and threads); and at the report path itself.  The victim must stay
# untouched and the report be a regular file with this run's JSON.
source "$(dirname "$0")/lib.sh"

echo 'victim: must not change' >victim
for sup in supervised unsupervised; do
  extra=$([ $sup = unsupervised ] && echo --no-supervisor || true)
  ln -sf "$WORK/victim" "$sup.json"
  LAST=$sup
  printf '%s ' "$RT_BIN" run --scenario busted_abba --seed 3 --set stall_timeout_ms=300 \
    --report "$sup.json" $extra >"$sup.cmd"
  set +e
  timeout --kill-after=2 "$(( $(scaled 30000) / 1000 ))" bash -c '
    for k in $(seq 0 200); do ln -sf "$1/victim" "$2.tmp.$(( $$ + k ))"; done
    shift 2; exec "$@"' _ "$WORK" "$sup.json" \
    "$RT_BIN" run --scenario busted_abba --seed 3 --set stall_timeout_ms=300 \
    --report "$sup.json" $extra >"$sup.out" 2>"$sup.err"
  RC=$?
  set -e
  check_sanitizer_output "$sup.err"
  expect_rc 2
  [ "$(cat victim)" = 'victim: must not change' ] || fail "$sup: the victim was overwritten"
  [ -f "$sup.json" ] && [ ! -L "$sup.json" ] || fail "$sup: report is not a regular file"
  "$PY" -c 'import json,sys; assert json.load(open(sys.argv[1]))["verdict"] == "DEADLOCK"' "$sup.json" \
    || fail "$sup: report is not this run's JSON"
  [ "$(find . -maxdepth 1 -name "$sup.json.tmp.*" -type l | wc -l)" -eq 201 ] || fail "$sup: planted links"
  if find . -maxdepth 1 -name "$sup.json.tmp.*" -type f | grep -q .; then fail "$sup: temporary left"; fi
done
pass "planted symlinks at the temporary names and the report path: victim intact, reports written"
