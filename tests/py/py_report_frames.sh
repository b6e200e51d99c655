#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# py_report_frames.sh: the JSON report of a Python DEADLOCK carries every
# live thread's Python stack as frames, {file, line, function} innermost
# first ("python_frames"), and as the text ("python_stack"), both from the
# same data as the printed report, for threads whose stack was recorded as
# they started to wait and for those whose stack was taken at report time
# (issue 12, item 3).  tests/py/mods/reader_abba.py: mp_abba.py's writers
# take _out then _bar, its buggy flush _bar then _out (the first flush
# waits, at most 5 s, until a writer holds _out, so the inversion deadlocks
# in every run), and a thread pipe-reader sits in os.read() the whole run.
# Expected in each of RUNS (2) runs: DEADLOCK (exit 2); in its JSON
# finding, each thread's python_frames equals the "|   file:line function"
# lines under that thread in the finding's text, and python_stack is that
# text; the two threads of the cycle have frames through _emit and
# _Stream.flush; pipe-reader's frames (taken now, in the C call) start at
# _read_forever.  Before, the JSON had the recorded stack only, as text,
# and pipe-reader's python_stack was null.
# Statistical budget: the drivers flush after 1 print in 8 (drivers.c), so
# no flush among a run's first 100 prints has chance (7/8)^100 < 2e-6.
# The fixed twin (py_options mode=fixed) stays clean in RUNS runs of 1 s.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/pylib.sh"

export PYTHONPATH="$RT_SOURCE_DIR/tests/py/mods"
RUNS=${RUNS:-2}
COMMON=(--scenario live_refresh --target py:reader_abba --set refresh_hz=0 --set finalizer_every=0)
for i in $(seq 1 "$RUNS"); do
  run_py "bug$i" "$(scaled 30000)" 2 DEADLOCK run "${COMMON[@]}" --report "bug$i.json"
  "$PY" - "bug$i.json" <<'PYEOF' || fail "run $i: the JSON report's Python stacks"
import json, re, sys
d = json.load(open(sys.argv[1]))
f = [x for x in d["findings"] if x["kind"] == "deadlock"]
assert f, [x["kind"] for x in d["findings"]]
f = f[0]
text = f["text"].split("\nthreads (", 1)[1]
blocks = {}
for b in re.split(r"\n(?=  \S)", text.split("\n", 1)[1]):
    blocks[b.split(" ", 3)[2]] = b
threads = {t["name"]: t for t in f["threads"]}
assert set(threads) == set(blocks), (sorted(threads), sorted(blocks))
for name, t in threads.items():
    lines = re.findall(r"^      \|   (\S+):(\d+) (\S+)$", blocks[name], re.M)
    frames = t["python_frames"]
    if "| python stack (most recent call first):" in blocks[name]:
        assert frames == [{"file": a, "line": int(b), "function": c} for a, b, c in lines], \
            (name, frames, lines)
        assert t["python_stack"].startswith("python stack (most recent call first):\n"), name
        assert t["python_stack"].split("\n")[1:] == \
            ["  %s:%d %s" % (x["file"], x["line"], x["function"]) for x in frames], name
    elif "| python stack: none" in blocks[name]:
        assert frames == [] and t["python_stack"].startswith("python stack: none"), (name, t)
    else:
        assert frames is None, (name, frames)
cyc = [threads[c["thread"]] for c in f["cycle"]]
assert len(cyc) == 2, f["cycle"]
funcs = [[x["function"] for x in t["python_frames"]] for t in cyc]
assert any("_emit" in fs for fs in funcs), funcs
assert any("_Stream.flush" in fs for fs in funcs), funcs
for t in cyc:                       # called by the glue's driver write / flush
    assert (t["python_frames"][-1]["file"], t["python_frames"][-1]["function"]) in \
        (("redirtorture_glue.py", "write"), ("redirtorture_glue.py", "flush")), t["python_frames"]
r = threads["pipe-reader"]["python_frames"]
assert r and r[0] == {"file": "reader_abba.py", "line": r[0]["line"], "function": "_read_forever"}, r
assert any(x["file"] == "threading.py" and x["function"] == "Thread.run" for x in r), r
PYEOF
done
fixed_twin_clean "$RUNS" "$(scaled 20000)" 'print_ops >= 100' run "${COMMON[@]}" --set py_options=mode=fixed \
  --set duration_ms=1000
pass "Python DEADLOCK: every thread's Python stack as frames in the JSON, equal to the text, pipe-reader's taken in its C call, in $RUNS of $RUNS runs; fixed twin clean in $RUNS"
