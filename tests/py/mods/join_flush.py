# SPDX-License-Identifier: Apache-2.0
"""flush() waits for a helper thread with Thread.join (tests/py/py_join_wait.sh,
issue 12): writers write under the module's lock; flush() starts a sync
thread that takes the same lock to write a flush marker, and joins it.

harness.options["mode"]:
  "hold" (the bug): flush() joins while holding the lock the sync thread
      needs: the flusher waits in Thread.join for the sync thread, which
      waits for the flusher's lock.
  "fixed": the lock is released before the join.
  "slowstart": fixed, and the sync thread takes 0.3 s from Thread.start to
      its first Python line, as a new thread can on a loaded machine: its
      starter waits in start() under the lock the writers want, so every
      thread that has run is blocked, none for good (the new one will set
      the _started Event).  Not a deadlock.  The first write flushes too, so
      every run has a slow start."""
import threading
import time

_lock = threading.Lock()
_harness = None
_hold = True
_slow = False


class _SlowStart(threading.Thread):
    """A thread whose OS thread is slow to get going (time.sleep before
    threading's bootstrap registers it anywhere)."""

    def _bootstrap(self):
        time.sleep(0.3)
        super()._bootstrap()


def _sync(stream):
    with _lock:
        getattr(_harness, stream).flush()


def install(harness):
    global _harness, _hold, _slow
    _harness = harness
    mode = harness.options.get("mode")
    _hold = mode not in ("fixed", "slowstart")
    _slow = mode == "slowstart"


_first_write = [True]


def write(stream, text):
    with _lock:
        getattr(_harness, stream).write(text)
        first, _first_write[0] = _first_write[0], False
    if first and _slow:
        flush(stream)


def flush(stream):
    cls = _SlowStart if _slow else threading.Thread
    sync = cls(target=_sync, args=(stream,), name="flush-sync")
    if _hold:
        with _lock:
            sync.start()
            sync.join()
    else:
        with _lock:
            sync.start()
        sync.join()


def uninstall():
    pass
