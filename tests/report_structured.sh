#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Findings are structured (docs/report-schema.md): a DEADLOCK report's
# "cycle" and "threads" name the same threads, locks and sites as its text,
# and a lock-order finding's "chain" the same classes as its signature, for
# busted and rich_live (free-running run); replay, explore and minimize
# write a report of the same schema (command, replay_argv), and lib.sh
# validates every report left here against docs/report.schema.json.
# Deterministic: busted_abba and live_refresh deadlock in every run
# (deadlock_rich_live: 20 of 20), the controlled commands replay committed
# repros exactly.
source "$(dirname "$0")/lib.sh"

# The text is only the oracle here: its wait-for cycle lines and each
# thread's holds/waits lines, against the data the harness wrote.
check_deadlock() {   # check_deadlock FILE
  "$PY" - "$1" <<'PYEOF' || fail "$1: structured DEADLOCK data does not match its text"
import json, re, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "DEADLOCK", d["verdict"]
assert d["replay_argv"][1] == "run" and d["replay_argv"][-2:] == ["--seed", d["config"]["seed"]], d["replay_argv"]
dl = [f for f in d["findings"] if f["kind"] == "deadlock"]
assert len(dl) == 1, [f["kind"] for f in d["findings"]]
f = dl[0]
assert f["replay_argv"] == d["replay_argv"], f["replay_argv"]
text = f["text"]
site = lambda s: "%s:%d %s()" % (s["file"], s["line"], s["function"])
# wait-for cycle: "  NAME [ROLE] waits for LOCK (at SITE), held by OWNER"
got = re.findall(r"^  (\S+) \[(\w+)\] waits for (\S+) \(at (.+?)\), held by (\S+)$", text, re.M)
want = [(c["thread"], c["role"], c["waits"]["lock"], site(c["waits"]["site"]), c["waits_for"])
        for c in f["cycle"]]
assert len(want) >= 2 and sorted(got) == sorted(want), (got, want)
threads = {t["name"]: t for t in f["threads"]}
for c in f["cycle"]:
    t = threads[c["thread"]]
    assert t["state"] == "blocked on lock", t["state"]
    assert t["waits"]["lock"] == c["waits"]["lock"] and t["waits"]["owner"] == c["waits_for"]
    assert [h["lock"] for h in t["holds"]] == [h["lock"] for h in c["holds"]], (t["holds"], c["holds"])
    # the one it waits for holds the lock it waits for
    assert c["waits"]["lock"] in [h["lock"] for h in threads[c["waits_for"]]["holds"]]
# every live thread: "  NAME [ROLE] STATE ..." then "holds LOCK taken at SITE" lines
blocks = re.split(r"^  (?=\S+ \[\w+\] )", text.split("threads (", 1)[1], flags=re.M)[1:]
seen = {}
for b in blocks:
    name = b.split(" ", 1)[0]
    seen[name] = [(m[0], m[1]) for m in re.findall(r"^      holds (\S+)\s+taken at (.+?), [0-9.]+ s ago", b, re.M)]
assert set(seen) == set(threads), (sorted(seen), sorted(threads))
for name, t in threads.items():
    assert seen[name] == [(h["lock"], site(h["site"])) for h in t["holds"]], (name, seen[name], t["holds"])
# lock-order finding: the chain closes, in the signature's classes
lo = [f for f in d["findings"] if f["kind"] == "lock-order"][0]
chain = lo["chain"]
assert all(chain[i]["to"] == chain[(i + 1) % len(chain)]["from"] for i in range(len(chain))), chain
assert chain[-1]["new"] and not any(e["new"] for e in chain[:-1])
assert set(e["from"] for e in chain) == set(lo["signature"].split(" ", 1)[1].split(" -> ")), lo["signature"]
assert [(c["holds"][0]["lock"], c["waits"]["lock"]) for c in lo["cycle"]] == [(e["from"], e["to"]) for e in chain]
PYEOF
}

run busted 20000 run --scenario busted_abba --report busted.json
expect_rc 2
check_deadlock busted.json
run rich 20000 run --scenario live_refresh --target rich_live --report rich.json
expect_rc 2
check_deadlock rich.json

# the controlled commands: one schema, their own command and replay argv
cp "$RT_SOURCE_DIR/corpus/replay/busted-abba.repro" abba.repro
run replay 60000 replay abba.repro --report replay.json
expect_rc 2
run explore 120000 explore --scenario busted_abba --jobs 1 --runs 200 --repro found.repro --report explore.json
expect_rc 2
run minimize 120000 minimize abba.repro -o abba.min.repro --search-runs 20 --report minimize.json
expect_rc 0
"$PY" - <<'PYEOF' || fail "replay/explore/minimize reports"
import json
for path, cmd, verdict, argv in (("replay.json", "replay", "DEADLOCK", ["replay", "abba.repro"]),
                                 ("explore.json", "explore", "DEADLOCK", ["replay", "found.repro"]),
                                 ("minimize.json", "minimize", "SUCCESS", ["replay", "abba.min.repro"])):
    d = json.load(open(path))
    assert d["command"] == cmd and d["verdict"] == verdict, (path, d["command"], d["verdict"])
    assert d["replay_argv"][1:] == argv, (path, d["replay_argv"])
    assert d["stats"]["executions"] >= 1, (path, d["stats"])
    kinds = [f["kind"] for f in d["findings"]]
    assert "deadlock" in kinds, (path, kinds)
    dl = [f for f in d["findings"] if f["kind"] == "deadlock"][-1]
    assert dl["signature"].startswith("DEADLOCK:"), (path, dl["signature"])
    assert len(dl.get("cycle", [])) == 2, (path, dl.get("cycle"))
PYEOF
pass "DEADLOCK cycle and threads match the text (busted, rich_live); replay, explore, minimize reports share the schema"
