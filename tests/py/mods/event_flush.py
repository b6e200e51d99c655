# SPDX-License-Identifier: Apache-2.0
"""py: target for tests/py/py_event_wait.sh: a redirector whose lines go to
the terminal through one I/O thread, which writes them with a
logging.StreamHandler.  A writer hands each complete line to the I/O thread
and waits in Event.wait() until it is written.  flush() asks the I/O thread
to flush the handler and waits for that too, but (the bug) it holds the
handler's lock meanwhile, "so that no line slips in between": the I/O thread
then waits for that lock in Handler.flush(), the flusher waits for the
I/O thread's Event.set(), and every other writer waits for the I/O thread.
event_flush_fixed.py is the same without the lock around the wait.
A second thread flushes every 30 s (a timed Event.wait; never due in a
test run); event_flush_asleep.py is the bug without it, so that once the
deadlock is there every thread is asleep for good.  Finalizers are not handled (the tests run without them)."""
import logging
import queue
import sys
import threading

HOLD_HANDLER_LOCK = True     # the bug; the fixed twin sets it False
TICKER = True                # event_flush_asleep.py: no periodic flusher

_h = None
_saved = None
_io = None
_jobs = None
_term = None                 # logging.StreamHandler on the terminal
_stop = None
_ticker = None
_buf = threading.local()


def _io_loop():
    while True:
        text, done = _jobs.get()
        if text is None and done is None:
            return
        if text is None:
            _term.flush()            # takes the handler's lock
        else:
            _term.emit(logging.makeLogRecord({"msg": text}))   # emit: no lock
        done.set()


def _tick_loop():
    while not _stop.wait(30.0):
        _Stream().flush()


def _hand_over(text):
    done = threading.Event()
    _jobs.put((text, done))
    done.wait()


class _Stream:
    encoding = "utf-8"

    def write(self, text):
        pending = getattr(_buf, "text", "") + text
        *lines, _buf.text = pending.split("\n")
        for line in lines:
            _hand_over(line)
        return len(text)

    def flush(self):
        if HOLD_HANDLER_LOCK:
            _term.acquire()
            try:
                _hand_over(None)
            finally:
                _term.release()
        else:
            _hand_over(None)

    def isatty(self):
        return True


def install(harness):
    global _h, _saved, _io, _jobs, _term, _stop, _ticker
    _h = harness
    _term = logging.StreamHandler(harness.terminal)
    _term.terminator = "\n"
    _jobs = queue.Queue()
    _io = threading.Thread(target=_io_loop, name="event-flush-io", daemon=True)
    _io.start()
    _stop = threading.Event()
    _ticker = threading.Thread(target=_tick_loop, name="event-flush-tick", daemon=True)
    if TICKER:
        _ticker.start()
    _saved = (sys.stdout, sys.stderr)
    sys.stdout = sys.stderr = _Stream()


def uninstall():
    _stop.set()
    if TICKER:
        _ticker.join()
    sys.stdout, sys.stderr = _saved
    tail = getattr(_buf, "text", "")
    if tail:
        _hand_over(tail)
    _jobs.put((None, None))
    _io.join()
