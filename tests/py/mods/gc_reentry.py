# SPDX-License-Identifier: Apache-2.0
"""py: target for tests/py/py_gc_reentry.sh: a redirector whose terminal
lock is a plain threading.Lock and whose critical section allocates.  A
collection that starts there runs a finalizer that prints, which comes back
through write() and waits for the lock its own thread holds: the bug that
targets/py/example_redirect.py avoids with an RLock."""
import sys
import threading

_lock = None
_h = None
_saved = None


class _Record:
    def __init__(self, text):
        self.text = text


class _Proxy:
    encoding = "utf-8"

    def write(self, text):
        with _lock:
            rec = _Record(text)          # an allocation inside the section
            _h.terminal.write(rec.text)
        return len(text)

    def flush(self):
        pass


def install(harness):
    global _lock, _h, _saved
    _h = harness
    _lock = threading.Lock()
    _saved = (sys.stdout, sys.stderr)
    sys.stdout = sys.stderr = _Proxy()


def uninstall():
    sys.stdout, sys.stderr = _saved
