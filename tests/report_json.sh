#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The JSON report (docs/report-schema.md) is written, is valid JSON
# (python3 -m json.tool), has schema "redirtorture-report/1", and its verdict,
# exit code and findings agree with the run: a clean run, a lock-order finding
# ending in a deadlock (busted), and a supervisor-reported crash.
source "$(dirname "$0")/lib.sh"

check() {   # check FILE VERDICT CODE KINDS(comma-separated, "" for none)
  "$PY" -m json.tool "$1" >/dev/null || fail "$1 is not valid JSON"
  "$PY" - "$@" <<'PYEOF' || fail "$1: report content"
import json, sys
path, verdict, code, kinds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
d = json.load(open(path))
assert d["schema"] == "redirtorture-report/1", d["schema"]
assert d["verdict"] == verdict and d["exit_code"] == code, (d["verdict"], d["exit_code"])
assert isinstance(d["elapsed_s"], (int, float))
assert d["command"] == "run" and d["replay_argv"][1] == "run", (d["command"], d["replay_argv"])
assert " --seed " in d["replay"] and d["replay"].split(" --seed ")[1].split()[0] == d["config"]["seed"]
c = d["config"]
for k in ("scenario", "scenario_path", "target", "seed", "duration_ms", "stall_timeout_ms",
          "print_workers", "noise", "integrity"):
    assert k in c, "config lacks " + k
assert isinstance(c["seed"], str) and c["seed"].isdigit(), "seed is a decimal string"
got = [f["kind"] for f in d["findings"]]
want = [k for k in kinds.split(",") if k]
assert got == want, (got, want)
for f in d["findings"]:
    assert {"verdict", "kind", "title", "signature", "replay_argv", "text"} <= set(f), sorted(f)
    assert set(f) <= {"verdict", "kind", "title", "signature", "replay_argv", "text", "cycle",
                      "chain", "threads"}, sorted(f)
    assert f["signature"].split(":")[0] in ("LOCKORDER", "DEADLOCK", "HANG", "INTEGRITY", "CRASH")
    assert f["signature"] in f["text"], "signature repeated in the text"
PYEOF
}

run clean 20000 run --scenario live_refresh --target test_clean --set duration_ms=300 --report clean.json
expect_rc 0
check clean.json SUCCESS 0 ""
"$PY" -c 'import json,sys; s=json.load(open(sys.argv[1]))["stats"]; assert s["print_ops"] > 0 and s["threads"] >= 8 and s["sink_bytes"] > 0, s' clean.json \
  || fail "clean.json: stats"

run busted 20000 run --scenario busted_abba --report busted.json
expect_rc 2
check busted.json DEADLOCK 2 "lock-order,deadlock"

run crash 20000 run --scenario live_refresh --target test_crash --report crash.json
expect_rc 4
check crash.json CRASH 4 "crash"
"$PY" -c 'import json,sys; s=json.load(open(sys.argv[1]))["stats"]; assert "died of signal" in s["supervisor"] and "child_report" in s, s' crash.json \
  || fail "crash.json: supervisor stats"

# --report none writes nothing; the default is ./redirtorture-report.json
run none 20000 run --scenario live_refresh --target test_clean --set duration_ms=200 --report none
expect_rc 0
[ ! -e redirtorture-report.json ] || fail "--report none wrote redirtorture-report.json"
run default 20000 run --scenario live_refresh --target test_clean --set duration_ms=200
expect_rc 0
check redirtorture-report.json SUCCESS 0 ""
expect_in default.out '^report: redirtorture-report\.json$' "the report path is printed"
pass "JSON reports valid with schema redirtorture-report/1 for SUCCESS, DEADLOCK and CRASH"
