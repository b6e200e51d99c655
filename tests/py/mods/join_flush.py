# SPDX-License-Identifier: Apache-2.0
"""flush() waits for a helper thread with Thread.join (tests/py/py_join_wait.sh,
issue 12): writers write under the module's lock; flush() starts a sync
thread that takes the same lock to write a flush marker, and joins it.

harness.options["mode"]:
  "hold" (the bug): flush() joins while holding the lock the sync thread
      needs: the flusher waits in Thread.join for the sync thread, which
      waits for the flusher's lock.
  "fixed": the lock is released before the join."""
import threading

_lock = threading.Lock()
_harness = None
_hold = True


def _sync(stream):
    with _lock:
        getattr(_harness, stream).flush()


def install(harness):
    global _harness, _hold
    _harness = harness
    _hold = harness.options.get("mode") != "fixed"


def write(stream, text):
    with _lock:
        getattr(_harness, stream).write(text)


def flush(stream):
    sync = threading.Thread(target=_sync, args=(stream,), name="flush-sync")
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
