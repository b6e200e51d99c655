# SPDX-License-Identifier: Apache-2.0
"""A redirector that hands complete lines to a writer thread through a
queue (tests/py/py_queue_fin.sh, issue 12): sys.stdout/sys.stderr are
replaced by proxies that keep a line buffer per thread and put each complete
line on the queue; the writer thread takes them off and writes them to the
process's own streams.

harness.options["mode"]:
  "queue" (the bug): a queue.Queue, whose put() takes the queue's plain
      (non-reentrant) lock.  A finalizer that prints, run by a collection
      that starts at an allocation inside put() (in Condition.notify), puts
      again on the same thread: it waits for the lock it holds.
  "fixed": a queue.SimpleQueue, whose put() may be called from __del__
      (Python's documentation says so): no lock of ours on the path."""
import queue
import sys
import threading

_q = None
_writer = None
_saved = None
_local = threading.local()
_STOP = object()


class _Proxy:
    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        buf = getattr(_local, self.stream, "") + text
        head, nl, tail = buf.rpartition("\n")
        setattr(_local, self.stream, tail)
        if nl:
            _q.put((self.stream, head + nl))
        return len(text)

    def flush(self):
        pass


def _write_loop(out):
    while True:
        item = _q.get()
        if item is _STOP:
            return
        out[item[0]].write(item[1])


def install(harness):
    global _q, _writer, _saved
    _q = queue.SimpleQueue() if harness.options.get("mode") == "fixed" else queue.Queue()
    _saved = (sys.stdout, sys.stderr)
    _writer = threading.Thread(target=_write_loop, name="queue-writer",
                               args=({"stdout": harness.stdout, "stderr": harness.stderr},))
    _writer.start()
    sys.stdout, sys.stderr = _Proxy("stdout"), _Proxy("stderr")


def uninstall():
    sys.stdout, sys.stderr = _saved
    _q.put(_STOP)
    _writer.join()
