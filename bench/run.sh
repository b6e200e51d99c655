#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The issue-2 benchmark (`make bench`): prints one table, every number
# measured in this run on this machine.
#
#  1. Time to first report, live_refresh on rich_live (the scenario exactly as
#     `make stress SCENARIO=live_refresh` runs it, fresh seed each run), median
#     and max over RUNS runs, measured by bench/timeline.py from process
#     launch (and, second column, from the harness's first output line, i.e.
#     without process start-up) to the first output line of the report:
#       - our lock-order detector: "WARNING: possible circular locking
#         dependency" (any cycle), and the Live._lock/Console._lock one;
#       - our watchdog: the "DEADLOCK:" report (at once when every live
#         thread is asleep for good, as in this scenario: Go's "all goroutines
#         are asleep"; else after the scenario's stall timeout, 1 s);
#       - ThreadSanitizer (build/tsan, the same scenario): its first
#         "WARNING: ThreadSanitizer: lock-order-inversion";
#       - Helgrind (valgrind --tool=helgrind on build/default, --no-supervisor):
#         its first 'lock order "..." violated', each run capped at
#         HELGRIND_CAP seconds and stopped once Helgrind has reported.  A run
#         that deadlocks before Helgrind reports counts as not reported.
#  2. Throughput of rich_live_fixed (operations per second from the JSON
#     report) with our instrumented locks vs. the same code on plain pthread
#     mutexes (REDIRTORTURE_LOCK_PLAIN=1, see harness/lock.c), noise off so
#     only the lock bookkeeping differs; median of TP_RUNS runs of TP_MS each.
#
# docs/benchmarks.md records one run and explains the rows.
# Knobs (environment): RUNS=20 HELGRIND_RUNS=$RUNS HELGRIND_CAP=60 TP_RUNS=5 TP_MS=2000
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-20}
HELGRIND_RUNS=${HELGRIND_RUNS:-$RUNS}
HELGRIND_CAP=${HELGRIND_CAP:-60}
TP_RUNS=${TP_RUNS:-5}
TP_MS=${TP_MS:-2000}
DEF=build/default/redirtorture
TSAN=build/tsan/redirtorture
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
TL="$PY bench/timeline.py"

cmake --preset default >/dev/null && cmake --build --preset default >/dev/null
cmake --preset tsan >/dev/null && cmake --build --preset tsan >/dev/null
command -v valgrind >/dev/null || { echo "bench: valgrind missing (scripts/install-deps.sh installs it)" >&2; exit 1; }

out=build/bench
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t_start=$(date +%s)
note() { printf '%s\n' "$*" >&2; }

LO_ANY='^WARNING: possible circular locking dependency detected'
LO_LIVE='^signature: LOCKORDER:[0-9a-f]+ .*Live\._lock -> Console\._lock'
DL='^DEADLOCK: '
START='start=^redirtorture: target '   # the harness's first line: process start-up is over

note "bench: ours (default build), $RUNS runs of live_refresh on rich_live"
: >"$out/ours.jsonl"
for i in $(seq 1 "$RUNS"); do
  $TL --timeout 60 --pattern "$START" --pattern "lockorder=$LO_ANY" --pattern "lockorder_live=$LO_LIVE" \
    --pattern "deadlock=$DL" -- "$DEF" run --scenario live_refresh --report none >>"$out/ours.jsonl"
done

note "bench: ThreadSanitizer build, $RUNS runs"
: >"$out/tsan.jsonl"
for i in $(seq 1 "$RUNS"); do
  $TL --timeout 120 --pattern "$START" --pattern 'tsan=WARNING: ThreadSanitizer: lock-order-inversion' \
    --pattern "lockorder=$LO_ANY" --pattern "deadlock=$DL" \
    -- "$TSAN" run --scenario live_refresh --report none >>"$out/tsan.jsonl"
done

note "bench: Helgrind, $HELGRIND_RUNS runs (each capped at ${HELGRIND_CAP} s)"
: >"$out/helgrind.jsonl"
for i in $(seq 1 "$HELGRIND_RUNS"); do
  # stop once Helgrind has spoken: the rest of the run is not measured
  $TL --timeout "$HELGRIND_CAP" --stop-after helgrind --pattern "$START" \
    --pattern 'helgrind=lock order "0x[0-9A-Fa-f]+ before 0x[0-9A-Fa-f]+" violated' \
    --pattern "lockorder=$LO_ANY" \
    -- valgrind --tool=helgrind "$DEF" run --scenario live_refresh --no-supervisor --report none \
    >>"$out/helgrind.jsonl"
done

note "bench: throughput of rich_live_fixed, instrumented vs plain mutexes, $TP_RUNS x ${TP_MS} ms each"
: >"$out/throughput.tsv"
tp() {   # tp LABEL PLAIN(0|1) ARGS...
  local label=$1 plain=$2 i
  shift 2
  local try rc
  for i in $(seq 1 "$TP_RUNS"); do
    for try in 1 2 3; do   # a run that fails is reported and retried, at most twice
      rc=0
      REDIRTORTURE_LOCK_PLAIN=$plain "$DEF" run --scenario live_refresh --target rich_live_fixed \
        --set duration_ms="$TP_MS" --set noise=0 "$@" --report "$tmp/tp.json" >"$tmp/tp.out" 2>&1 || rc=$?
      [ "$rc" -eq 0 ] && break
      echo "bench: throughput run failed with exit $rc ($label plain=$plain, try $try):" >&2
      sed -n '/^=====/,/^replay:/p' "$tmp/tp.out" | head -n 60 >&2
      [ "$try" -lt 3 ] || exit 1
    done
    "$PY" -c 'import json,sys; s=json.load(open(sys.argv[1]))["stats"]; print(sys.argv[2], sys.argv[3], (s["print_ops"]+s["log_ops"]+s["finalizer_ops"]+s["refresh_ops"])/s["elapsed_s"], sep="\t")' \
      "$tmp/tp.json" "$label" "$plain" >>"$out/throughput.tsv"
  done
}
# alternate instrumented / plain so drift in machine load hits both alike
for r in 1; do
  tp scenario 0; tp scenario 1
  tp single 0 --set print_workers=1 --set refresh_hz=0; tp single 1 --set print_workers=1 --set refresh_hz=0
done

elapsed=$(( $(date +%s) - t_start ))
"$PY" - "$out" "$RUNS" "$HELGRIND_RUNS" "$HELGRIND_CAP" "$TP_RUNS" "$TP_MS" "$elapsed" <<'EOF' | tee "$out/table.md"
import json, os, statistics, sys, platform
out, runs, hruns, hcap, tpruns, tpms, elapsed = sys.argv[1:]

def load(name):
    return [json.loads(l) for l in open(os.path.join(out, name)) if l.strip()]

def stat(rows, key):
    v = [r["first"][key] for r in rows if r["first"].get(key) is not None]
    # the same, counted from the harness's first output line (start-up excluded)
    w = [r["first"][key] - r["first"]["start"] for r in rows
         if r["first"].get(key) is not None and r["first"].get("start") is not None]
    n = len(rows)
    if not v:
        return "not seen", "-", f"0/{n}"
    ms = lambda x: f"{x * 1000:.0f} ms"
    return (f"{ms(statistics.median(v))} (max {ms(max(v))})",
            ms(statistics.median(w)) if w else "-", f"{len(v)}/{n}")

ours, tsan, hg = load("ours.jsonl"), load("tsan.jsonl"), load("helgrind.jsonl")
print(f"redirtorture benchmark: live_refresh on rich_live; {platform.machine()}, "
      f"{os.cpu_count()} CPUs; total {elapsed} s")
print()
print("| detector: time to its first report | from launch: median (max) | after start-up: median | runs that reported |")
print("|---|---|---|---|")
rows = [
    ("ours: lock-order detector, first LOCKORDER report", ours, "lockorder"),
    ("ours: lock-order detector, the Live._lock/Console._lock cycle", ours, "lockorder_live"),
    ("ours: watchdog, DEADLOCK report (stall timeout 1 s)", ours, "deadlock"),
    ("ThreadSanitizer build: first lock-order-inversion", tsan, "tsan"),
    ("  (our LOCKORDER report in the same TSan runs)", tsan, "lockorder"),
    (f"Helgrind: first 'lock order violated' (cap {hcap} s)", hg, "helgrind"),
    ("  (our LOCKORDER report in the same Helgrind runs)", hg, "lockorder"),
]
for label, data, key in rows:
    m, w, c = stat(data, key)
    print(f"| {label} | {m} | {w} | {c} |")
print()
tp = {}
for line in open(os.path.join(out, "throughput.tsv")):
    label, plain, ops = line.split("\t")
    tp.setdefault((label, plain), []).append(float(ops))
print(f"| rich_live_fixed throughput (median of {tpruns} x {tpms} ms, noise off) | instrumented ops/s | plain pthread ops/s | ratio |")
print("|---|---|---|---|")
for label, desc in (("scenario", "live_refresh: 8 printers + 50 Hz refresh + finalizers"),
                    ("single", "1 printer, no refresh (uncontended)")):
    a = statistics.median(tp[(label, "0")])
    b = statistics.median(tp[(label, "1")])
    print(f"| {desc} | {a:,.0f} | {b:,.0f} | {a / b:.2f} |")
EOF
note "bench: raw results in $out/"
