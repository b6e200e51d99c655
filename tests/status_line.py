# SPDX-License-Identifier: Apache-2.0
"""The status line on a terminal and off one (tests/status_line.sh).

usage: /usr/bin/python3 status_line.py BIN SCALE

Runs redirtorture with its stderr on a pseudo-terminal (pty) and checks the
status line: it rewrites itself (\\r) and clears to the end of the line
(ESC[K), shows elapsed time and time left (run) or executions done of the
budget (explore), only the roles active in the scenario, and findings so
far.  Off a terminal, the same content comes as plain lines.  Exit 0, or 1
with one line saying what is wrong."""
import os
import pty
import re
import signal
import subprocess
import sys
import time

BIN, SCALE = sys.argv[1], int(sys.argv[2])
ROLES = ["print", "log", "finalizer", "refresh", "session", "server"]
RUN_LINE = re.compile(rb"^\[ *[0-9.]+s, ([0-9.]+)s left\]((?: [a-z]+ [0-9]+/s)*) \| findings ([0-9]+)\x1b\[K$")
EXPLORE_LINE = re.compile(rb"^\[explore +[0-9.]+s\] ([0-9]+) of ([0-9]+) executions, [0-9]+/s, [0-9]+ "
                          rb"choice points per execution( \(all jobs\))? \| findings ([0-9]+)\x1b\[K$")


def fail(msg):
    print("FAIL [status_line]: " + msg, file=sys.stderr)
    sys.exit(1)


def on_pty(args, stop_when=None, limit_s=60):
    """Run BIN args with stderr on a pty; all it wrote there.  stop_when(data):
    True once enough was seen, then the run is interrupted (SIGINT)."""
    master, slave = pty.openpty()
    with open("pty.out", "wb") as out:
        p = subprocess.Popen([BIN] + args, stdin=subprocess.DEVNULL, stdout=out, stderr=slave)
    os.close(slave)
    data, t0, stopped = b"", time.monotonic(), False
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:   # EIO: every writer closed the pty
            break
        if not chunk:
            break
        data += chunk
        if stop_when and not stopped and stop_when(data):
            p.send_signal(signal.SIGINT)
            stopped = True
        if time.monotonic() - t0 > limit_s * SCALE:
            p.kill()
            fail("%s did not end in %d s" % (" ".join(args), limit_s * SCALE))
    os.close(master)
    p.wait()
    return data


def segments(data, pattern):
    """The status lines: pieces between \\r / \\n that match pattern."""
    return [m for m in (pattern.match(s) for s in re.split(rb"[\r\n]+", data)) if m]


def roles_of(m):
    return [w.split()[0].decode() for w in m.group(2).strip().split(b"/s") if w.strip()]


def check_run(knobs, want_roles, duration_ms):
    args = ["run", "--scenario", "busted_abba", "--target", "test_clean", "--report", "none",
            "--no-supervisor", "--set", "duration_ms=%d" % duration_ms] + \
        [a for k in knobs for a in ("--set", k)]
    data = on_pty(args)
    if b"\x1b[K" not in data:
        fail("run %s: no ESC[K on the terminal" % knobs)
    lines = segments(data, RUN_LINE)
    if len(lines) < 2:
        fail("run %s: %d status lines (want 2 or more): %r" % (knobs, len(lines), data[:400]))
    for m in lines:
        if sorted(roles_of(m)) != sorted(want_roles):
            fail("run %s: roles %s on %r, want exactly %s" % (knobs, roles_of(m), m.group(0), want_roles))
        if float(m.group(1)) > duration_ms / 1000.0:
            fail("run %s: time left %s s > the duration" % (knobs, m.group(1).decode()))
    lefts = [float(m.group(1)) for m in lines]
    if lefts != sorted(lefts, reverse=True) or lefts[0] == lefts[-1]:
        fail("run %s: time left does not count down: %s" % (knobs, lefts))
    return len(lines)


def check_explore(jobs):
    budget = 100000000
    args = ["explore", "--scenario", "live_refresh", "--target", "rich_live_fixed", "--runs",
            str(budget), "--jobs", str(jobs)]   # supervised: SIGINT stops every worker
    data = on_pty(args, stop_when=lambda d: len(segments(d, EXPLORE_LINE)) >= 2)
    lines = segments(data, EXPLORE_LINE)
    if len(lines) < 2 or b"\x1b[K" not in data:
        fail("explore --jobs %d: %d status lines with ESC[K: %r" % (jobs, len(lines), data[:400]))
    for m in lines:
        if int(m.group(2)) != budget or (jobs > 1) != bool(m.group(3)) or m.group(4) != b"0":
            fail("explore --jobs %d: line %r" % (jobs, m.group(0)))
    done = [int(m.group(1)) for m in lines]
    if done != sorted(done) or done[-1] == 0:
        fail("explore --jobs %d: executions done do not grow: %s" % (jobs, done))


def check_plain():
    with open("plain.err", "wb") as err:
        subprocess.run([BIN, "run", "--scenario", "busted_abba", "--target", "test_clean", "--report",
                        "none", "--no-supervisor", "--set", "duration_ms=1500", "--set", "progress_ms=300",
                        "--set", "print_workers=2"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=err, check=False)
    data = open("plain.err", "rb").read()
    if b"\x1b" in data or b"\r" in data:
        fail("off a terminal: control characters in %r" % data[:300])
    plain = [l for l in data.split(b"\n") if re.match(rb"^\[ *[0-9.]+s, [0-9.]+s left\] print [0-9]+/s \| findings 0$", l)]
    if len(plain) < 2:
        fail("off a terminal: %d plain status lines in %r" % (len(plain), data[:400]))


n1 = check_run(["print_workers=2", "log_workers=0", "finalizer_every=0", "refresh_hz=0"], ["print"], 2000)
n2 = check_run(["print_workers=1", "log_workers=1", "finalizer_every=3", "refresh_hz=0"],
               ["print", "log", "finalizer"], 2000)
check_explore(1)
check_explore(2)
check_plain()
print("PASS [status_line]: %d and %d status lines on a pty (ESC[K, active roles only, time left "
      "counting down); explore shows executions of the budget (one job and two); plain lines off a tty"
      % (n1, n2))
