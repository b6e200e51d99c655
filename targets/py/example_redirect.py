# SPDX-License-Identifier: Apache-2.0
"""example_redirect - the example `py:` target (docs/py-targets.md):

    redirtorture run --scenario live_refresh --target py:example_redirect

A small thread-safe stdout/stderr redirector that passes the harness:

- sys.stdout / sys.stderr become LineProxy objects; each thread's text is
  buffered until its newline, so concurrent partial writes never merge;
- text written by finalizers during a garbage-collection pass goes to a
  buffer of its own (gc.callbacks tracks the pass), so a finalizer that
  prints in the middle of the interrupted code's half-written line does not
  glue onto it;
- complete lines go to one writer thread through a queue.SimpleQueue, and
  no Python lock is held anywhere on the write path.

Why no lock: a finalizer can run at any allocation, also inside a critical
section, and it may print or log.  The harness caught both ways a lock
around the terminal write fails: with a Lock, the finalizer's print waits
for the lock its own thread holds; with an RLock, a finalizer that logs
takes logging's Handler.lock inside the section while a logging thread
holds Handler.lock and waits for the section's lock.  SimpleQueue.put is
documented as safe to call from __del__ and never blocks.
"""
import gc
import queue
import sys
import threading

_tls = threading.local()           # per thread: gc_depth
_proxies = []
_saved = None
_queue = None                      # complete lines for the writer thread
_writer = None
_terminal = None
_refreshes = 0


def _gc_depth():
    return getattr(_tls, "gc_depth", 0)


def _on_gc(phase, info):
    if phase == "start":
        _tls.gc_depth = _gc_depth() + 1
    else:
        depth = _gc_depth()
        _tls.gc_depth = depth - 1
        for p in _proxies:         # a finalizer's unfinished line ends here
            p.end_context(depth)


def _emit(text):
    _queue.put(text)


def _write_out():
    """The writer thread: the only one that writes to the terminal."""
    while True:
        text = _queue.get()
        if text is None:
            return
        _terminal.write(text)


class LineProxy:
    """A write-only text file: complete lines per thread (and per GC pass)."""

    encoding = "utf-8"

    def __init__(self, name):
        self.name = name
        self._local = threading.local()
        self._all = []             # every thread's buffers, for uninstall()

    def _buffers(self):
        bufs = getattr(self._local, "bufs", None)
        if bufs is None:
            bufs = self._local.bufs = {}
            self._all.append(bufs)  # list.append is atomic
        return bufs

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        buf = self._buffers().setdefault(_gc_depth(), [])
        head, nl, tail = text.rpartition("\n")
        if nl:
            lines = "".join(buf) + head + nl
            buf.clear()
            _emit(lines)
        if tail:
            buf.append(tail)
        return len(text)

    def flush(self):
        pass                       # a partial line waits for its newline

    def end_context(self, depth):
        buf = self._buffers().pop(depth, None)
        if buf:
            _emit("".join(buf) + "\n")

    def drain(self):
        for bufs in self._all:
            for buf in bufs.values():
                if buf:
                    _emit("".join(buf) + "\n")
                    buf.clear()

    def isatty(self):
        return False

    def writable(self):
        return True


def install(harness):
    global _saved, _queue, _writer, _terminal, _proxies
    _terminal = harness.terminal
    _queue = queue.SimpleQueue()
    _writer = threading.Thread(target=_write_out, name="example-writer")
    _writer.start()
    _proxies = [LineProxy("<stdout>"), LineProxy("<stderr>")]
    _saved = (sys.stdout, sys.stderr)
    sys.stdout, sys.stderr = _proxies
    gc.callbacks.append(_on_gc)


def refresh():
    """A status line, as a live display would draw (no tag: not checked)."""
    global _refreshes
    _refreshes += 1
    _emit("~example refresh %d\n" % _refreshes)


def uninstall():
    sys.stdout, sys.stderr = _saved
    gc.callbacks.remove(_on_gc)
    for p in _proxies:
        p.drain()
    _queue.put(None)
    _writer.join()
