#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Controlled mode at its speed limit: one table, every number measured side
by side in this run, the compared commands interleaved sample by sample.

    make bench-controlled            (or: /usr/bin/python3 bench/controlled.py [SAMPLES])

For each configuration: controlled executions per second of `explore` on
live_refresh (8 print workers + refresh) against rich_live_fixed (nothing is
found, so every execution runs its full length), by wall time and by CPU time
(user + system of the explore process and its children), min / median / max
over SAMPLES samples, and the median's ratio to the first row.  C targets run
their drivers as fibers (the default); the rows marked "threads" run the same
on the thread backend (REDIRTORTURE_CTL_BACKEND=threads), and the 64/8
paired ratio is printed for both.  The load
average before and after is printed: on a busy machine the wall-time column
says more about the machine than about the tool.  Then the instrumented-lock
microbenchmark (build/default/lockbench) and the cost of one hand-off between
two drivers, kernel against user-level contexts (build/default/fiberbench).

The last rows put real Rich in the embedded CPython (issue 14: every Python
thread under the scheduler, the GIL handed over with the turn) next to the C
model of the same design, on the workload both run clean: whole-line prints,
no finalizers (`partial_pct=0 finalizer_every=0`; with finalizers py_rich
deadlocks within a few executions, which ends an explore).  Their rate is
explore's own ("explore: N executions in S s"), so the interpreter's start
(about 1 s, once per process) is not counted in the wall column; their CPU
column is the whole process's, start included (a lower bound).  The C rows
count the whole process in both, as before."""
import os
import re
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEF = os.path.join(ROOT, "build/default/redirtorture")
TSAN = os.path.join(ROOT, "build/tsan/redirtorture")
LOCKBENCH = os.path.join(ROOT, "build/default/lockbench")
FIBERBENCH = os.path.join(ROOT, "build/default/fiberbench")

CLEAN_PRINTS = ["--set", "partial_pct=0", "--set", "finalizer_every=0"]

# name, binary, runs per sample, extra arguments (target rich_live_fixed
# unless the arguments name one)
# The C rows run the drivers as fibers (the default backend for C targets);
# the rows marked "threads" set REDIRTORTURE_CTL_BACKEND=threads: real
# threads, one at a time, handed over through condvars.
THREADS = ["REDIRTORTURE_CTL_BACKEND=threads"]
CONFIGS = [
    ("pct, --jobs 1", DEF, 3000, ["--strategy", "pct", "--jobs", "1"]),
    ("pct, --jobs 2", DEF, 3000, ["--strategy", "pct", "--jobs", "2"]),
    ("random, --jobs 1", DEF, 1000, ["--strategy", "random", "--jobs", "1"]),
    ("random, --jobs 2", DEF, 1000, ["--strategy", "random", "--jobs", "2"]),
    ("pct, 64 print workers, --jobs 1", DEF, 300,
     ["--strategy", "pct", "--jobs", "1", "--set", "print_workers=64"]),
    ("pct, --jobs 2, TSan build", TSAN, 300, ["--strategy", "pct", "--jobs", "2"]),
    ("random, --jobs 2, TSan build", TSAN, 300, ["--strategy", "random", "--jobs", "2"]),
    ("pct, --jobs 1, threads", DEF, 3000, THREADS + ["--strategy", "pct", "--jobs", "1"]),
    ("random, --jobs 1, threads", DEF, 1000, THREADS + ["--strategy", "random", "--jobs", "1"]),
    ("pct, 64 print workers, --jobs 1, threads", DEF, 300,
     THREADS + ["--strategy", "pct", "--jobs", "1", "--set", "print_workers=64"]),
    ("rich_live (C model), prints only, pct, --jobs 1", DEF, 1000,
     ["--strategy", "pct", "--jobs", "1", "--target", "rich_live"] + CLEAN_PRINTS),
    ("py_rich (real Rich 13.3.1), prints only, pct, --jobs 1", DEF, 30,
     ["--strategy", "pct", "--jobs", "1", "--target", "py_rich"] + CLEAN_PRINTS),
    ("py_rich_noredirect, pct, --jobs 1", DEF, 30,
     ["--strategy", "pct", "--jobs", "1", "--target", "py_rich_noredirect"]),
]


def one(binary, runs, extra, seed, faults=None):
    """executions/s by wall time and by CPU time of one explore (minor page
    faults per execution appended to faults, if given)"""
    env = dict(os.environ)
    env.pop("REDIRTORTURE_CTL_BACKEND", None)
    while extra and "=" in extra[0] and not extra[0].startswith("-"):
        k, v = extra[0].split("=", 1)
        env[k] = v
        extra = extra[1:]
    target = [] if "--target" in extra else ["--target", "rich_live_fixed"]
    cmd = [binary, "explore", "--scenario", "live_refresh"] + target + [
           "--runs", str(runs), "--seed", str(seed), "--no-supervisor", "--report", "none"] + extra
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         cwd=os.environ.get("TMPDIR", "/tmp"), env=env, check=False)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if faults is not None:
        faults.append((after.ru_minflt - before.ru_minflt) / runs)
    if out.returncode != 0 or f"explore: {runs} executions" not in out.stdout:
        raise SystemExit(f"bench: {' '.join(cmd)} exited {out.returncode}:\n{out.stdout[-2000:]}")
    if any(t.startswith("py") for t in extra):   # the interpreter's start aside
        m = re.search(r"explore: \d+ executions in ([0-9.]+) s", out.stdout)
        wall = float(m.group(1))
    return runs / wall, runs / cpu


def fmt(v):
    f = (lambda x: f"{x:.0f}") if min(v) >= 10 else (lambda x: f"{x:.2f}")
    return f"{f(min(v))} / {f(statistics.median(v))} / {f(max(v))}"


def pair_64_8(samples, threads):
    """64 against 8 print workers, pct, --jobs 1.  This VM's speed drifts by
    20% and more over seconds, so the two are alternated three times within
    each sample in short runs (1,000 and 120 executions) and a sample's ratio
    is the 64-worker rate over the 8-worker rate of the same alternations.
    At least 7 samples, whatever SAMPLES says.  The page faults are per
    execution of these short runs, the process's start-up (about 200 and
    400 faults) included."""
    env = THREADS if threads else []
    base = ["--strategy", "pct", "--jobs", "1"]
    rw, rc, f8, f64 = [], [], [], []
    for s in range(max(samples, 7)):
        t = {8: [0.0, 0.0, 0], 64: [0.0, 0.0, 0]}
        for k in range(3):
            for workers, runs in ((8, 1000), (64, 120)):
                w, c = one(DEF, runs, env + base + ["--set", f"print_workers={workers}"],
                           100 + 3 * s + k, f8 if workers == 8 else f64)
                t[workers][0] += runs / w
                t[workers][1] += runs / c
                t[workers][2] += runs
        rw.append((t[64][2] / t[64][0]) / (t[8][2] / t[8][0]))
        rc.append((t[64][2] / t[64][1]) / (t[8][2] / t[8][1]))
    print(f"64 / 8 print workers{', threads' if threads else ''}, executions/s, {len(rw)} samples "
          f"of 3 alternations (goal >= 0.125): "
          f"wall {min(rw):.3f} / {statistics.median(rw):.3f} / {max(rw):.3f}, "
          f"CPU {min(rc):.3f} / {statistics.median(rc):.3f} / {max(rc):.3f} (min / median / max); "
          f"minor page faults per execution, process start-up included "
          f"{statistics.median(f8):.2f} (8) and {statistics.median(f64):.2f} (64)")


def main():
    samples = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    configs = [c for c in CONFIGS if os.access(c[1], os.X_OK)]
    skipped = [c[0] for c in CONFIGS if c not in configs]
    load0 = os.getloadavg()
    wall = {c[0]: [] for c in configs}
    cpu = {c[0]: [] for c in configs}
    for s in range(samples):           # interleaved: every config once per sample
        for name, binary, runs, extra in configs:
            w, c = one(binary, runs, extra, 3 + s)
            wall[name].append(w)
            cpu[name].append(c)
    load1 = os.getloadavg()
    print(f"controlled executions/s, explore live_refresh (rich_live_fixed unless named), {samples} "
          f"sample{'s' if samples != 1 else ''} "
          f"interleaved; load average {load0[0]:.2f} before, {load1[0]:.2f} after, "
          f"{os.cpu_count()} CPUs")
    print()
    print("| configuration | wall: min / median / max | x first | CPU: min / median / max | x first |")
    print("|---|---|---|---|---|")
    w0 = statistics.median(wall[configs[0][0]])
    c0 = statistics.median(cpu[configs[0][0]])
    for name, *_ in configs:
        print(f"| {name} | {fmt(wall[name])} | {statistics.median(wall[name]) / w0:.3g} "
              f"| {fmt(cpu[name])} | {statistics.median(cpu[name]) / c0:.3g} |")
    for name in skipped:
        print(f"| {name} | not built | | | |")
    print()
    # the thread-count goal: the two kept close in time (below)
    for threads in (False, True):
        if os.access(DEF, os.X_OK):
            pair_64_8(samples, threads)
    print()
    if os.access(LOCKBENCH, os.X_OK):
        sys.stdout.flush()
        subprocess.run([LOCKBENCH, str(max(samples, 5))], check=False)
    if os.access(FIBERBENCH, os.X_OK):
        print()
        sys.stdout.flush()
        subprocess.run([FIBERBENCH, str(max(samples, 5))], check=False)


if __name__ == "__main__":
    main()
