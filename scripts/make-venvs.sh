#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# make-venvs.sh [ENV...]: the pinned virtual environments the seeds run in,
# build/venvs/ENV, one per lock file seeds/lock/ENV.txt (default: all).
#
# Each is made with Debian's /usr/bin/python3.11 -m venv (it must match the
# embedded libpython3.11) and filled with `pip install --require-hashes
# --no-deps --only-binary :all: -r seeds/lock/ENV.txt`: every package pinned
# and checked against the sha256 PyPI publishes (scripts/lock-venvs.py
# writes the lock files).  Idempotent: ENV/.redirtorture-stamp holds the
# sha256 of the lock file and of this script, so an environment that is up
# to date costs one comparison; a stale or half-made one is made anew.
# Concurrent callers (parallel ctest) serialize on build/venvs/.lock.
#
# Exit codes: 0 ready; 75 (EX_TEMPFAIL) PyPI unreachable, with one line
#   make-venvs.sh: SKIPPED: cannot reach PyPI (...): ENV not built
# (tests turn that into a SKIPPED test, never a pass); 65 unknown ENV;
# 69 no /usr/bin/python3.11 venv support (apt-get install python3.11-venv);
# 1 pip failed with the network up.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCKS=$ROOT/seeds/lock
OUT=${RT_VENV_DIR:-$ROOT/build/venvs}
PY=/usr/bin/python3.11
INDEX=${PIP_INDEX_URL:-https://pypi.org/simple}

if [ $# -eq 0 ]; then
  set -- $(cd "$LOCKS" && ls *.txt | sed 's/\.txt$//')
fi
for env in "$@"; do
  [ -f "$LOCKS/$env.txt" ] || { echo "make-venvs.sh: unknown environment '$env' (expected one of: $(cd "$LOCKS" && ls *.txt | sed 's/\.txt$//' | tr '\n' ' '))" >&2; exit 65; }
done
if ! "$PY" -c 'import ensurepip, venv' 2>/dev/null; then
  echo "make-venvs.sh: $PY cannot make virtual environments (apt-get install python3.11-venv)" >&2
  exit 69
fi

mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock 9

self_hash=$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)
stamp_of() { echo "$(sha256sum "$LOCKS/$1.txt" | cut -d' ' -f1) $self_hash $($PY -c 'import sys; print(sys.version.split()[0])')"; }

reachable() {   # one short probe of the index, to tell "offline" from "pip failed"
  "$PY" - "$INDEX" <<'PYEOF' 2>/dev/null
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1].rstrip("/") + "/pip/", timeout=15).close()
except Exception as e:
    print(e)
    sys.exit(1)
PYEOF
}

for env in "$@"; do
  dir=$OUT/$env
  want=$(stamp_of "$env")
  if [ -f "$dir/.redirtorture-stamp" ] && [ "$(cat "$dir/.redirtorture-stamp")" = "$want" ]; then
    continue
  fi
  if ! why=$(reachable); then
    echo "make-venvs.sh: SKIPPED: cannot reach PyPI ($INDEX: ${why:-no answer}): $env not built"
    exit 75
  fi
  echo "make-venvs.sh: making $dir from seeds/lock/$env.txt"
  rm -rf "$dir"
  "$PY" -m venv "$dir"
  if ! "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
       --require-hashes --no-deps --only-binary :all: --no-cache-dir -r "$LOCKS/$env.txt"; then
    rm -rf "$dir"
    if ! why=$(reachable); then
      echo "make-venvs.sh: SKIPPED: cannot reach PyPI ($INDEX: ${why:-no answer}): $env not built"
      exit 75
    fi
    echo "make-venvs.sh: pip could not install seeds/lock/$env.txt into $dir" >&2
    exit 1
  fi
  "$dir/bin/python" -m pip check --disable-pip-version-check >/dev/null ||
    { echo "make-venvs.sh: $env: pip check failed (the lock file misses a dependency)" >&2; rm -rf "$dir"; exit 1; }
  echo "$want" > "$dir/.redirtorture-stamp.tmp" && mv "$dir/.redirtorture-stamp.tmp" "$dir/.redirtorture-stamp"
done
