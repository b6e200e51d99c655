# SPDX-License-Identifier: Apache-2.0
"""py: target for tests/py/py_mp_locks.sh: an ABBA between a
multiprocessing.RLock and a threading.RLock in one process, the shape of a
progress-bar library that guards its bar with a multiprocessing lock (so
that child processes can share it) next to an output lock.
write() takes the output lock, then the bar lock (to redraw the bar under
the text); flush() (the bug) takes the bar lock, then the output lock.
mp_abba_fixed.py flushes in write()'s order.
To make the inversion a real deadlock in every run, not only a possible
one, the buggy first flush() waits (at most 5 s, a timed Event.wait) while
holding the bar lock until a writer is inside the output lock; every later
flush goes straight on.  The fixed twin has no such wait (a writer could
never get in while the flusher holds the output lock).  Finalizers are not handled (the tests run
without them)."""
import multiprocessing
import sys
import threading

FLUSH_BAR_FIRST = True       # the bug; the fixed twin sets it False

_h = None
_saved = None
_bar = None                  # multiprocessing.RLock: the progress bar's lock
_out = None                  # threading.RLock: the output lock
_writer_in = None            # threading.Event: a writer holds _out
_flush_waiting = False       # the first flush waits for a writer in _out
_first_flush = True
_buf = threading.local()


def _emit(line):
    with _out:
        if _flush_waiting:
            _writer_in.set()
        with _bar:
            _h.terminal.write(line + "\n")


def _rendezvous():
    """The first flush holds its first lock until a writer holds its own."""
    global _flush_waiting, _first_flush
    if not _first_flush or not FLUSH_BAR_FIRST:
        return
    _first_flush = False
    _flush_waiting = True
    _writer_in.wait(5.0)
    _flush_waiting = False


class _Stream:
    encoding = "utf-8"

    def write(self, text):
        pending = getattr(_buf, "text", "") + text
        *lines, _buf.text = pending.split("\n")
        for line in lines:
            _emit(line)
        return len(text)

    def flush(self):
        first, second = (_bar, _out) if FLUSH_BAR_FIRST else (_out, _bar)
        with first:
            _rendezvous()
            with second:
                _h.terminal.flush()

    def isatty(self):
        return True


def install(harness):
    global _h, _saved, _bar, _out, _writer_in
    _h = harness
    _bar = multiprocessing.RLock()
    _out = threading.RLock()
    _writer_in = threading.Event()
    _saved = (sys.stdout, sys.stderr)
    sys.stdout = sys.stderr = _Stream()


def uninstall():
    sys.stdout, sys.stderr = _saved
    tail = getattr(_buf, "text", "")
    if tail:
        _emit(tail)
