# SPDX-License-Identifier: Apache-2.0
"""A py: module that asks who called it, as output-tagging recipes do
(tests/py/py_driver_frames.sh, issue 12 item 4).

write() looks at its caller with sys._getframe(1) and logs each write on
its own logger with stacklevel=2, so that logging's findCaller attributes
the record to whoever printed, not to this module.  Called straight from C
(no Python frame below write) the first raises "ValueError: call stack is
not deep enough" and the second falls back to this module itself;
uninstall() checks that every record named a caller outside this file.
Text goes on to the harness's line-atomic stdout/stderr sinks."""
import logging
import os
import sys

_harness = None
_log = logging.getLogger("caller_frames")


class _Callers(logging.Handler):
    """Counts records by the (file, function) findCaller gave them."""

    def __init__(self):
        super().__init__()
        self.seen = {}

    def emit(self, record):
        key = (os.path.basename(record.pathname), record.funcName)
        self.seen[key] = self.seen.get(key, 0) + 1


_callers = _Callers()


def install(harness):
    global _harness
    _harness = harness
    _log.addHandler(_callers)
    _log.propagate = False
    _log.setLevel(logging.DEBUG)


def write(stream, text):
    caller = sys._getframe(1)        # who printed
    _log.debug("%d chars on %s from %s", len(text), stream, caller.f_code.co_name,
               stacklevel=2)
    getattr(_harness, stream).write(text)


def uninstall():
    _log.removeHandler(_callers)
    here = os.path.basename(__file__)
    mine = sum(n for (f, _), n in _callers.seen.items() if f == here)
    if mine or not _callers.seen:
        raise RuntimeError("findCaller with stacklevel=2 named this module for %d of %d "
                           "records: no caller frame below write()"
                           % (mine, sum(_callers.seen.values())))
