#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# rich-versions.sh [--docs]: Rich #4158 across released versions (make seeds-rich).
#
# Runs `live_refresh` on py_rich (real Rich, redirection on) and on
# py_rich_noredirect (the workaround) RUNS times each (default 10 and 5) for
# Debian's python3-rich and for every seeds/lock/rich-*.txt environment
# (14.2.0, the #4158 reporter's; 14.3.3; the newest release), each from its
# pinned venv (scripts/make-venvs.sh, knob py_venv), and prints a table:
# runs that reported the Live._lock/Console._lock inversion, runs that ended
# in DEADLOCK with both Python stacks (Live's refresh thread and a writer in
# FileProxy.write), median time to the DEADLOCK report, the lock sites as the
# harness named them from Rich's own files, and the redirection-off runs that
# stayed clean.  The table also goes to build/reports/rich-versions.md; with
# --docs it replaces the generated section of docs/seeds.md.
# Exit: 0 done; 75 PyPI unreachable and an environment missing (one SKIPPED
# line); 69 no embedded Python in this build.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${RT_BIN:-$ROOT/build/default/redirtorture}
RUNS=${RUNS:-10}
CLEAN_RUNS=${CLEAN_RUNS:-5}
DOCS=0
[ "${1:-}" = "--docs" ] && DOCS=1

envs=$(cd "$ROOT/seeds/lock" && ls rich-*.txt | sed 's/\.txt$//' | sort -V)
set +e
bash "$ROOT/scripts/make-venvs.sh" $envs
rc=$?
set -e
[ "$rc" -eq 0 ] || exit "$rc"

OUT=$ROOT/build/reports/rich-versions
rm -rf "$OUT"
mkdir -p "$OUT"
cd "$ROOT"
for env in debian $envs; do
  venv=""
  [ "$env" = debian ] || venv="build/venvs/$env"
  for i in $(seq 1 "$RUNS"); do
    set +e
    timeout -k 2 30 "$BIN" run --scenario live_refresh --target py_rich --set py_venv="$venv" \
      --report "$OUT/$env-on-$i.json" >"$OUT/$env-on-$i.out" 2>"$OUT/$env-on-$i.err"
    r=$?
    set -e
    if [ "$r" -eq 69 ]; then
      echo "rich-versions.sh: SKIPPED: $(grep -m1 -o 'cannot start: .*' "$OUT/$env-on-$i.err")"
      exit 69
    fi
    echo "$env redirect on, run $i: exit $r"
  done
  for i in $(seq 1 "$CLEAN_RUNS"); do
    set +e
    timeout -k 2 30 "$BIN" run --scenario live_refresh --target py_rich_noredirect \
      --set py_venv="$venv" --set duration_ms=2500 --report "$OUT/$env-off-$i.json" \
      >"$OUT/$env-off-$i.out" 2>"$OUT/$env-off-$i.err"
    echo "$env redirect off, run $i: exit $?"
    set -e
  done
done

/usr/bin/python3 - "$OUT" "$RUNS" "$CLEAN_RUNS" $envs <<'PYEOF' >"$OUT.md"
import glob, json, os, re, statistics, sys
out, runs, clean_runs, envs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
print("| Rich | from | inversion reported | DEADLOCK, both Python stacks | time to DEADLOCK report (median, max) | lock sites named | redirection off: clean |")
print("|---|---|---:|---:|---|---|---:|")
for env in ["debian"] + envs:
    inv = dl = clean = 0
    times, sites, version = [], set(), "?"
    for i in range(1, runs + 1):
        try:
            d = json.load(open("%s/%s-on-%d.json" % (out, env, i)))
        except (OSError, ValueError):
            continue
        version = next((l["version"] for l in d.get("libraries", []) if l["name"] == "rich"), version)
        for f in d["findings"]:
            m = re.search(r"(rich/console\.py:\d+ Console\._lock) -> (rich/live\.py:\d+ Live\._lock) -> rich/console", f["signature"])
            if f["kind"] == "lock-order" and m:
                inv += 1
                sites.add("`%s`, `%s`" % (m.group(2), m.group(1)))
                break
        for f in d["findings"]:
            t = f["text"]
            if (f["verdict"] == "DEADLOCK" and "Live._lock" in f["signature"] and "Console._lock" in f["signature"]
                    and re.search(r"\|   rich/live\.py:\d+ _RefreshThread\.run", t)
                    and re.search(r"\|   rich/file_proxy\.py:\d+ FileProxy\.write", t)
                    and t.count("| python stack") >= 2):
                dl += 1
                m = re.search(r"; ([0-9.]+) s into the run", t)
                if m:
                    times.append(float(m.group(1)))
                break
    for i in range(1, clean_runs + 1):
        try:
            d = json.load(open("%s/%s-off-%d.json" % (out, env, i)))
        except (OSError, ValueError):
            continue
        clean += d["verdict"] == "SUCCESS" and not d["findings"]
    where = "Debian `python3-rich`" if env == "debian" else "`build/venvs/%s`" % env
    tm = "%.2f s, %.2f s" % (statistics.median(times), max(times)) if times else "-"
    print("| %s | %s | %d/%d | %d/%d | %s | %s | %d/%d |" % (version, where, inv, runs, dl, runs, tm,
          "; ".join(sorted(sites)) or "-", clean, clean_runs))
PYEOF
cat "$OUT.md"
if [ "$DOCS" = 1 ]; then
  /usr/bin/python3 - "$ROOT/docs/seeds.md" "$OUT.md" <<'PYEOF'
import os, sys
doc, table = sys.argv[1], open(sys.argv[2]).read()
text = open(doc).read()
b, e = "<!-- rich-versions: begin (scripts/rich-versions.sh --docs) -->", "<!-- rich-versions: end -->"
i, j = text.index(b) + len(b), text.index(e)
open(doc + ".tmp", "w").write(text[:i] + "\n" + table + text[j:])
os.replace(doc + ".tmp", doc)
print("updated", doc)
PYEOF
fi
