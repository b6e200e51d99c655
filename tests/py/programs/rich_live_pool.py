# SPDX-License-Identifier: Apache-2.0
"""A plain program shaped like the Rich #4158 reporter's: a Live display with
its default redirection of stdout/stderr, a pool of workers that print, and
cyclic garbage whose __del__ logs (no logging set up, so logging.lastResort
writes to whatever sys.stderr is: Live's proxy).  Nothing here knows about
redirtorture.

usage: rich_live_pool.py [--no-redirect] [SECONDS]
  --no-redirect   Live(redirect_stdout=False, redirect_stderr=False), the
                  reporter's workaround
"""
import logging
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from rich.live import Live
from rich.table import Table

REDIRECT = "--no-redirect" not in sys.argv[1:]
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
SECONDS = float(ARGS[0]) if ARGS else 10.0
log = logging.getLogger("jobs")


class Job:
    """Refers to itself: only the cyclic GC frees it, on whichever thread
    allocates when a collection is due."""

    def __init__(self, n):
        self.n = n
        self.me = self

    def __del__(self):
        log.warning("job %d collected", self.n)


def board(tick):
    table = Table(title="jobs")
    table.add_column("row")
    table.add_column("progress")
    for row in range(8):
        table.add_row(str(row), "#" * (1 + (tick + row) % 30))
    return table


def work(n):
    Job(n)
    print("worker finished job %d" % n)
    return n


def main():
    done = 0
    with Live(board(0), refresh_per_second=20, redirect_stdout=REDIRECT,
              redirect_stderr=REDIRECT) as live:
        with ThreadPoolExecutor(max_workers=8) as pool:
            end = time.monotonic() + SECONDS
            while time.monotonic() < end:
                done += sum(1 for _ in pool.map(work, range(done, done + 64)))
                live.update(board(done))
    print("all %d jobs done" % done)


if __name__ == "__main__":
    main()
