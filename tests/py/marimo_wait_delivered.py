# SPDX-License-Identifier: Apache-2.0
"""marimo_run._Session.wait_delivered (targets/py/marimo_run.py) against a
stand-in for marimo's buffered console writer (our own, shaped like it: a
thread in a function named buffered_writer that waits in a Condition with
its buffer in the local outputs_buffered_per_cell), plain python3, no marimo.

usage: marimo_wait_delivered.py woken|starved|ended
  woken  a message is queued and the writer notified, but the writer gets
         its condition's lock back only 300 ms later (a loaded machine: the
         GIL, the CPU): the page must wait and see it delivered.  The old
         rule (give up after 50 ms of an idle writer with a queue) closed
         the page first and the message was lost.
  starved  the same, but the writer gets the lock back only after 1.3 s
         during which the process uses no CPU (a machine loaded far past its
         CPUs leaves the whole process unscheduled): the page must still
         wait.  With a deadline of 1 s of wall time it closed first
         (seeds_marimo_0_20_0_clean lost 22 prints at load 11-17).
  ended  the writer thread has ended with a message still queued: nothing
         will deliver it, and the page must close at once, not after 1 s.
"""
import collections
import sys
import threading
import time

import marimo_run


def buffered_writer(msg_queue, cv, delivered):
    outputs_buffered_per_cell = {}
    while True:
        with cv:
            while not msg_queue:
                cv.wait()
            while msg_queue:
                msg = msg_queue.popleft()
                if msg is None:
                    return
                outputs_buffered_per_cell.setdefault("c", []).append(msg)
        delivered.extend(outputs_buffered_per_cell.pop("c"))


class Stream:
    def __init__(self, delivered):
        self.console_msg_queue = collections.deque()
        # an RLock, whose _acquire_restore is C: a woken writer waiting to
        # get the lock back is still in Condition.wait's frame, as marimo's
        # is under the harness (its locks are the harness's)
        self.cv = threading.Condition(threading.RLock())
        self.buffered_console_thread = threading.Thread(
            target=buffered_writer, args=(self.console_msg_queue, self.cv, delivered), daemon=True)
        self.buffered_console_thread.start()


def page(delivered):
    s = marimo_run._Session.__new__(marimo_run._Session)
    s.stream = Stream(delivered)
    s.queue = marimo_run.queue.Queue()
    time.sleep(0.05)                     # the writer waits in its Condition
    return s


def woken(hold=0.3):
    delivered = []
    s = page(delivered)
    held = threading.Event()

    def kernel():
        with s.stream.cv:
            s.stream.console_msg_queue.append("@P0:0@ last print\n")
            s.stream.cv.notify()
            held.set()
            time.sleep(hold)             # the writer is notified, not yet running
    k = threading.Thread(target=kernel)
    k.start()
    held.wait()
    s.wait_delivered()
    seen = list(delivered)               # what the page had when it closed
    k.join()
    assert seen == ["@P0:0@ last print\n"], "page closed before delivery: %r" % seen


def ended():
    delivered = []
    s = page(delivered)
    s.stream.console_msg_queue.append(None)      # the stream stopped
    with s.stream.cv:
        s.stream.cv.notify()
    s.stream.buffered_console_thread.join()
    s.stream.console_msg_queue.append("@P0:1@ after the end\n")
    t0 = time.monotonic()
    s.wait_delivered()
    took = time.monotonic() - t0
    assert took < 0.5, "waited %.2f s for a writer that has ended" % took


{"woken": woken, "starved": lambda: woken(1.3), "ended": ended}[sys.argv[1]]()
print("ok", sys.argv[1])
