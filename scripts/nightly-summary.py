#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""nightly-summary.py - summary.md and summary.json of a scripts/nightly-fuzz.sh
run, from the files it leaves in $OUT (work/*.tsv, afl/*/*/fuzzer_stats,
logs/libfuzzer-*.log, tsan/).  Called by nightly-fuzz.sh with its settings in
the environment."""
import glob
import json
import os
import re

OUT = os.environ["OUT"]
TARGETS = ["fuzz_schedule", "fuzz_scenario_parser", "fuzz_repro_parser"]


def read(path, default=""):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return default


def rel(path):
    return os.path.relpath(path, OUT) if path else ""


def afl_stats(target):
    out = []
    for path in sorted(glob.glob(os.path.join(OUT, "afl", target, "*", "fuzzer_stats"))):
        kv = {}
        for line in read(path).splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                kv[k.strip()] = v.strip()
        out.append({
            "instance": os.path.basename(os.path.dirname(path)),
            "execs": int(kv.get("execs_done", "0") or 0),
            "execs_per_sec": float(kv.get("execs_per_sec", "0") or 0),
            "stability_pct": float(kv.get("stability", "0%").rstrip("%") or 0),
            "edges_found": int(kv.get("edges_found", "0") or 0),
            "corpus_count": int(kv.get("corpus_count", "0") or 0),
            "saved_crashes": int(kv.get("saved_crashes", "0") or 0),
            "saved_hangs": int(kv.get("saved_hangs", "0") or 0),
        })
    return out


def libfuzzer_stats(target):
    log = read(os.path.join(OUT, "logs", "libfuzzer-%s.log" % target))
    last = None
    # "#N\tNEW    cov: C ft: F corp: N/S..." or, with -fork, "#N: cov: C ft: F corp: N ..."
    for m in re.finditer(r"^#(\d+):?\s+(?:[A-Z]+\s+)?cov: (\d+) ft: (\d+) corp: (\d+)", log, re.M):
        last = m
    crashes = len(glob.glob(os.path.join(OUT, "libfuzzer", target, "artifacts", "crash-*")))
    timeouts = len(glob.glob(os.path.join(OUT, "libfuzzer", target, "artifacts", "timeout-*")))
    if not last:
        return {"ran": bool(log), "crashes": crashes, "timeouts": timeouts}
    return {"ran": True, "execs": int(last.group(1)), "cov": int(last.group(2)),
            "features": int(last.group(3)), "corpus": int(last.group(4)),
            "crashes": crashes, "timeouts": timeouts}


def main():
    findings = []
    for line in read(os.path.join(OUT, "work", "unique.tsv")).splitlines():
        f = line.split("\t")
        if len(f) < 11:
            continue
        findings.append({
            "signature": f[0], "target": f[10], "new": f[1] == "new", "inputs": int(f[2]),
            "engines": f[3].split(","), "fuzz_target": f[9], "input": rel(f[4]),
            "repro": rel(f[5]), "minimized_repro": rel(f[6]),
            "preemptions_before": f[7], "preemptions_after": f[8],
        })
    findings.sort(key=lambda x: (not x["new"], x["target"], x["signature"]))
    corpus = {}
    for line in read(os.path.join(OUT, "work", "corpus.txt")).splitlines():
        t, before, after = line.split()
        corpus[t] = {"inputs": int(before), "minimized": int(after)}
    problems = [p for p in read(os.path.join(OUT, "work", "problems.txt")).splitlines() if p]
    stab = os.environ.get("STAB") or None
    summary = {
        "budget_s": int(os.environ.get("BUDGET", "0")),
        "elapsed_s": int(os.environ.get("ELAPSED", "0")),
        "jobs": int(os.environ.get("JOBS", "1")),
        "afl": os.environ.get("HAVE_AFL") == "1",
        "afl_stability_fuzz_schedule_pct": float(stab) if stab else None,
        "targets": {t: {"afl": afl_stats(t), "libfuzzer": libfuzzer_stats(t),
                        "corpus": corpus.get(t, {})} for t in TARGETS},
        "crash_and_hang_inputs": len(read(os.path.join(OUT, "work", "triage.tsv")).splitlines()),
        "unique_findings": len(findings),
        "new_findings": sum(f["new"] for f in findings),
        "findings": findings,
        "tsan": {"stress_all_exit": os.environ.get("STRESS_RC"),
                 "ctest_fuzz_corpus_exit": os.environ.get("TSAN_CTEST_RC"),
                 "minimized_corpus_exit": os.environ.get("TSAN_CORPUS_RC")},
        "problems": problems,
    }
    with open(os.path.join(OUT, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")

    md = ["# Nightly fuzzing summary", ""]
    md.append("Budget %d s of fuzzing (%d s in all), %d cores, AFL++ %s. "
              "**%d new** of %d unique findings from %d crash/hang inputs."
              % (summary["budget_s"], summary["elapsed_s"], summary["jobs"],
                 "on" if summary["afl"] else "OFF", summary["new_findings"],
                 summary["unique_findings"], summary["crash_and_hang_inputs"]))
    md.append("")
    md.append("AFL++ stability of fuzz_schedule: %s (must be >= 95%%)."
              % ("%.2f%%" % float(stab) if stab else "n/a"))
    md += ["", "## Engines", "",
           "| fuzz target | engine | execs | execs/s | coverage | corpus | crashes | hangs |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    for t in TARGETS:
        for a in summary["targets"][t]["afl"]:
            md.append("| %s | AFL++ %s | %d | %.0f | %d edges, stability %.2f%% | %d | %d | %d |"
                      % (t, a["instance"], a["execs"], a["execs_per_sec"], a["edges_found"],
                         a["stability_pct"], a["corpus_count"], a["saved_crashes"], a["saved_hangs"]))
        lf = summary["targets"][t]["libfuzzer"]
        if lf.get("execs") is not None:
            md.append("| %s | libFuzzer | %d | | %d cov, %d ft | %d | %d | %d |"
                      % (t, lf["execs"], lf["cov"], lf["features"], lf["corpus"], lf["crashes"],
                         lf["timeouts"]))
        c = summary["targets"][t]["corpus"]
        if c:
            md.append("| %s | corpus minimization | | | | %d -> %d | | |"
                      % (t, c["inputs"], c["minimized"]))
    md += ["", "## Findings (deduplicated by target and report signature)", ""]
    if not findings:
        md.append("None.")
    else:
        md += ["| | signature | target | inputs | engines | input | repro | minimized (preemptions) |",
               "|---|---|---|---:|---|---|---|---|"]
        for f in findings:
            mini = f["minimized_repro"]
            if mini:
                mini += " (%s -> %s)" % (f["preemptions_before"], f["preemptions_after"])
            md.append("| %s | `%s` | %s | %d | %s | %s | %s | %s |"
                      % ("**NEW**" if f["new"] else "known", f["signature"].replace("|", "\\|"),
                         "%s (%s)" % (f["target"], f["fuzz_target"]) if f["target"] != f["fuzz_target"]
                         else f["target"], f["inputs"], ",".join(f["engines"]), f["input"],
                         f["repro"] or "-", mini or "-"))
        md += ["", "A new finding: replay its repro (`redirtorture replay findings/.../finding.min.repro`),",
               "fix the bug or add a regression (docs/fuzzing.md, \"Turning a finding into a regression test\");",
               "an accepted one goes from new-signatures.txt into corpus/known-signatures.txt."]
    md += ["", "## ThreadSanitizer", "",
           "- stress of every scenario (scripts/stress-all.sh): exit %s" % summary["tsan"]["stress_all_exit"],
           "- ctest -L 'fuzz|corpus': exit %s" % summary["tsan"]["ctest_fuzz_corpus_exit"],
           "- minimized fuzz_schedule corpus: exit %s" % summary["tsan"]["minimized_corpus_exit"]]
    stress = read(os.path.join(OUT, "tsan", "stress-all.txt")).strip()
    if stress:
        md += ["", "```", "\n".join(stress.splitlines()[-20:]), "```"]
    md += ["", "## Problems", ""]
    md += ["- " + p for p in problems] if problems else ["None."]
    with open(os.path.join(OUT, "summary.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
