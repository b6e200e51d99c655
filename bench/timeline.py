#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""timeline.py - run a command, timestamp every output line, report when
patterns first appear.

usage: timeline.py [--timeout S] [--stop-after NAME] [--pattern NAME=REGEX]...
                   [--block NAME=START_REGEX~NEEDLE_REGEX]... -- CMD ARGS...

stdout and stderr go through one pipe, read line by line as they arrive; each
line gets the time since the command was started (before fork/exec, so
process start-up counts, as it does for a user).  Prints one JSON object:
  {"rc": exit code or null if killed, "wall_s": ..., "first": {NAME: seconds or null}}
--pattern: the first line matching REGEX.
--block:   the first report block (from a line matching START_REGEX up to the
           next such line) that contains a line matching NEEDLE_REGEX; its
           time is that of the block's first line (a report is written at once).
--stop-after NAME: kill the command once NAME was seen (and everything else
           already matched or given up), so slow tools need not run to the end.
"""
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time


def main(argv):
    timeout = 60.0
    pats, blocks, stop_after = {}, {}, None
    i = 0
    while i < len(argv) and argv[i] != "--":
        a = argv[i]
        if a == "--timeout":
            timeout = float(argv[i + 1]); i += 2
        elif a == "--pattern":
            k, v = argv[i + 1].split("=", 1); pats[k] = re.compile(v); i += 2
        elif a == "--block":
            k, v = argv[i + 1].split("=", 1)
            s, n = v.split("~", 1)
            blocks[k] = (re.compile(s), re.compile(n)); i += 2
        elif a == "--stop-after":
            stop_after = argv[i + 1]; i += 2
        else:
            sys.exit("timeline.py: unknown option " + a)
    cmd = argv[i + 1:]
    if not cmd:
        sys.exit("timeline.py: no command")

    first = {k: None for k in list(pats) + list(blocks)}
    block_start = {k: None for k in blocks}   # time of the current block's start
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, start_new_session=True)
    killed = [False]

    def kill():
        killed[0] = True
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    for raw in p.stdout:
        t = time.monotonic() - t0
        line = raw.decode("utf-8", "replace").rstrip("\n")
        for k, rx in pats.items():
            if first[k] is None and rx.search(line):
                first[k] = t
        for k, (srx, nrx) in blocks.items():
            if first[k] is not None:
                continue
            if srx.search(line):
                block_start[k] = t
            if block_start[k] is not None and nrx.search(line):
                first[k] = block_start[k]
        if stop_after and first.get(stop_after) is not None and not killed[0]:
            # let the rest of this report reach the pipe, then stop
            threading.Timer(0.3, kill).start()
            stop_after = None
    p.wait()
    timer.cancel()
    wall = time.monotonic() - t0
    print(json.dumps({"rc": None if killed[0] else p.returncode, "wall_s": round(wall, 4),
                      "first": {k: (None if v is None else round(v, 4)) for k, v in first.items()}}))


if __name__ == "__main__":
    main(sys.argv[1:])
