#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# seeds_venvs.sh: every pinned environment of seeds/lock/ is made (or is up
# to date) under build/venvs/ by scripts/make-venvs.sh, each imports its
# pinned top-level package at the pinned version with Debian's
# /usr/bin/python3.11, and a second call is quick (the stamp files).  Runs
# first in the `seeds` label (the other seeds tests DEPEND on it); offline it
# reports SKIPPED (exit 69).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../py/pylib.sh"
source "$(dirname "$0")/seedlib.sh"

for lock in "$RT_SOURCE_DIR"/seeds/lock/*.txt; do
  env=$(basename "$lock" .txt)
  need_venv "$env"
  pkg=${env%-*}
  ver=${env##*-}
  got=$("$VENV/bin/python" -c "import importlib.metadata as m, $pkg; print(m.version('$pkg'))")
  [ "$got" = "$ver" ] || fail "$env: $pkg $got, expected $ver"
  grep -q "^home = /usr/bin" "$VENV/pyvenv.cfg" || fail "$env: not made with Debian's /usr/bin/python3.11"
done
t0=$(now_ms)
bash "$RT_SOURCE_DIR/scripts/make-venvs.sh" >/dev/null
MS=$(( $(now_ms) - t0 ))
expect_ms_below 5000 "make-venvs.sh with every environment up to date"
pass "$(ls "$RT_SOURCE_DIR"/seeds/lock/*.txt | wc -l) pinned environments ready; up-to-date check in ${MS} ms"
