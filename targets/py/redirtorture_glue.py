# SPDX-License-Identifier: Apache-2.0
"""Python side of redirtorture's embedded-CPython targets (targets/py_rich.c).

Loaded by the harness, not meant for direct use.  It

- replaces threading.Lock / threading.RLock with harness locks named by
  their creation site ("rich/live.py:76 Live._lock"), before Rich or logging
  is imported (install_locks; the threading parts are
  redirtorture_threading.py), and installs the hooks that make exceptions
  in threads and finalizers findings;
- puts a virtual environment's packages first (use_venv, knob py_venv) and
  names the libraries a run drives (redirtorture_venv.py);
- runs real Rich's Live with stdout/stderr redirection on a console that is
  an interactive terminal whose output goes to a harness sink (start_rich);
- loads `py:MODULE` targets (docs/py-targets.md) (start_module);
- implements the driver operations that need a real runtime: logging through
  the logging module with a handler made after the redirection is installed,
  and cyclic garbage whose __del__ logs or prints a tagged line.
"""
import gc
import io
import sys
import threading
import time
import traceback

import _redirtorture as _rt
import redirtorture_threading as _threading
from redirtorture_threading import ctl_reset  # noqa: F401  (called by harness/python/pyctl.c)
from redirtorture_venv import libraries, module_libraries, use_venv  # noqa: F401  (called by the C side)

LOG, PRINT, MIXED = 0, 1, 2          # enum rt_fin_action
SINK_TERMINAL, SINK_STDOUT, SINK_STDERR, SINK_CAPTURE = 0, 1, 2, 3
SINK_CAPTURE_STDOUT, SINK_CAPTURE_STDERR = 4, 5
LOG_AFTER, LOG_LAST_RESORT, LOG_BEFORE = 0, 1, 2   # enum rt_py_log_handler

_sink_write = None                   # C: (sink, text), set by setup()
_line_len = 48
_logger = None
_handler = None
_log_mode = LOG_AFTER
_base = None                         # (stdout, stderr) before any target
_live = None
_mod = None
_mixed = 0
# When collections start is the harness's choice (knob py_gc_pct,
# harness/pygc.c): it arms the GC right after lock acquisitions.

def install_locks():
    """Once per process, before Rich or logging is imported: harness locks,
    waits and threads (redirtorture_threading.install); collections tell
    the harness when they start and stop; exceptions in finalizers and
    threads are findings."""
    _threading.install()
    gc.callbacks.append(lambda phase, info: _rt.gc_started() if phase == "start"
                        else _rt.gc_stopped())
    sys.unraisablehook = _unraisable
    threading.excepthook = _thread_exception


# ---- errors: reported as findings, never printed through the redirection --

def report(where, etype, value, tb):
    frames = traceback.extract_tb(tb) if tb is not None else []
    last = frames[-1] if frames else None
    at = "%s:%s" % (_rt.relpath(last.filename), last.lineno) if last else "?"
    text = "".join(traceback.format_exception(etype, value, tb))
    title = "%s: %s in %s" % (where, etype.__name__, at)
    # the signature names the file and function that raised, not the line
    # (base/signature.h): it must survive edits above the raise
    func = "%s %s" % (_rt.relpath(last.filename), last.name) if last else "?"
    _rt.py_error(title, "%s %s %s" % (where, etype.__name__, func), text)


def _unraisable(u):
    report("unraisable (%s)" % (u.err_msg or "finalizer"), u.exc_type, u.exc_value,
           u.exc_traceback)


def _thread_exception(a):
    name = a.thread.name if a.thread is not None else "?"
    report("thread %s" % name, a.exc_type, a.exc_value, a.exc_traceback)


# ---- stand-in terminal streams -------------------------------------------

class SinkFile(io.TextIOBase):
    """A terminal (or the process's stdout/stderr): text goes to a harness
    sink, which the integrity oracle reads at the end.  The process's
    stdout/stderr have fileno() 1 and 2: pipes the harness drains into the
    same sinks (harness/python/py_fds.c), where their complete lines go."""

    encoding = "utf-8"

    def __init__(self, sink, name, fd=None):
        self._sink = sink
        self._name = name
        self._fd = fd

    def fileno(self):
        if self._fd is None:
            raise io.UnsupportedOperation("fileno")
        return self._fd

    @property
    def name(self):
        return "<redirtorture %s>" % self._name

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not %s" % type(s).__name__)
        _sink_write(self._sink, s)
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return True

    def writable(self):
        return True


_report_fd = 2


def setup(sink_write, line_len, report_fd):
    """Once per process, after install_locks: the sink writer of the C side
    and the harness's own (saved) stderr."""
    global _sink_write, _base, _report_fd
    _sink_write = sink_write
    _report_fd = report_fd
    _base = (SinkFile(SINK_STDOUT, "stdout", 1), SinkFile(SINK_STDERR, "stderr", 2))
    set_line_len(line_len)


def set_line_len(n):
    global _line_len
    _line_len = n


def _reset_streams():
    sys.stdout, sys.stderr = _base


# ---- logging and garbage (driver operations) ------------------------------

def set_log_handler(mode):
    global _log_mode
    _log_mode = mode


def _start_logging(before):
    """Called before and after the redirection is installed.  A StreamHandler
    binds the sys.stderr of the moment it is made: made after, it writes to
    the redirection; made before, to the real stderr.  With no handler at
    all, logging.lastResort writes to whatever sys.stderr is at each record."""
    global _logger, _handler
    import logging
    _logger = logging.getLogger(Harness.logger_name)
    _logger.propagate = False
    _logger.setLevel(logging.INFO)
    if _log_mode == LOG_LAST_RESORT or before != (_log_mode == LOG_BEFORE):
        return
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(message)s"))
    _logger.addHandler(_handler)


def _stop_logging():
    global _handler
    if _handler is not None:
        _logger.removeHandler(_handler)
        _handler = None


# ---- driver operations: each is called from a Python frame of its own, as
# a program's code would call print() or a logger, so code that inspects its
# caller (sys._getframe(1), logging's findCaller and stacklevel, warnings'
# stacklevel) finds a real caller: this module's functions.

_mod_write = _mod_flush = None       # a py: module's write / flush, if any


def write(stream, text):
    """A driver's print: the module's write, else the current sys.stdout /
    sys.stderr (a redirection's replacement while one is installed)."""
    if _mod_write is not None:
        return _mod_write(stream, text)
    return getattr(sys, stream).write(text)


def flush(stream):
    if _mod_flush is not None:
        return _mod_flush(stream)
    return getattr(sys, stream).flush()


def log(text):
    """A driver's log call, on the logger "redirtorture.target"."""
    _logger.warning(text)


class _Garbage:
    """Cyclic garbage: only the cyclic GC frees it, on whatever thread
    allocates when a collection is due, with whatever locks it holds."""

    def __init__(self, action):
        self.me = self
        self.action = action

    def __del__(self):
        line = _rt.fin_begin(_line_len)
        try:
            if self.action == LOG:
                _logger.warning(line)
            else:
                print(line)
        finally:
            _rt.fin_end()


def make_garbage(action):
    global _mixed
    if action == MIXED:
        _mixed += 1
        action = PRINT if _mixed & 1 else LOG
    _Garbage(action)


# ---- py_rich: real Rich Live ----------------------------------------------

class _Board:
    """The live display: a table built anew on every render, so rendering
    (under Console._lock) allocates and the GC runs finalizers there."""

    def __init__(self, rows):
        self.rows = rows
        self.frame = 0

    def __rich__(self):
        from rich.table import Table
        self.frame += 1
        table = Table(title="redirtorture frame %d" % self.frame)
        table.add_column("row", justify="right")
        table.add_column("worker")
        table.add_column("status", style="green")
        for i in range(self.rows):
            table.add_row(str(i), "w%d" % (i % 8), "#" * (1 + (self.frame + i) % 24))
        return table


def start_rich(redirect, refresh_hz, rows):
    global _live
    _reset_streams()
    from rich.console import Console
    from rich.live import Live

    class _Console(Console):
        _environ = {"TERM": "xterm-256color"}     # not a dumb terminal

    class _Live(Live):
        def refresh(self):
            super().refresh()
            if threading.current_thread() is self._refresh_thread:
                _rt.refresh_tick()

    console = _Console(file=SinkFile(SINK_TERMINAL, "terminal"), force_terminal=True,
                       force_interactive=True, force_jupyter=False, width=100, height=50,
                       color_system="256", legacy_windows=False)
    _start_logging(True)
    _live = _Live(_Board(rows), console=console, redirect_stdout=redirect,
                  redirect_stderr=redirect, auto_refresh=True,
                  refresh_per_second=refresh_hz)
    _live.start(refresh=True)        # as `with Live(board):` does
    _start_logging(False)


def stop_rich():
    global _live
    live, _live = _live, None
    refresher = live._refresh_thread
    live.stop()
    if refresher is not None:
        refresher.join()
    _stop_logging()
    _reset_streams()
    gc.collect()          # pending finalizers write to the plain streams now


# ---- py:MODULE targets ----------------------------------------------------

class Harness:
    """What a py: module's install() gets (docs/py-targets.md)."""

    logger_name = "redirtorture.target"   # the drivers' logger

    def __init__(self, refresh_hz, live_rows, line_len, seed, options):
        self.options = options       # knob py_options: {key: value (str)}
        self.report_fd = _report_fd  # the harness's own stderr, not a sink
        self.terminal = SinkFile(SINK_TERMINAL, "terminal")
        self.stdout, self.stderr = _base
        self.refresh_hz = refresh_hz
        self.live_rows = live_rows
        self.line_len = line_len
        self.seed = seed


def start_module(name, refresh_hz, live_rows, line_len, seed, options):
    """Import and install; returns (refresh or None, libraries); the
    module's write / flush are called through this module's."""
    global _mod, _mod_write, _mod_flush
    import importlib
    _reset_streams()
    mod = importlib.import_module(name)
    missing = [f for f in ("install", "uninstall") if not callable(getattr(mod, f, None))]
    if missing:
        raise TypeError("module %s (%s) has no %s(): see docs/py-targets.md"
                        % (name, getattr(mod, "__file__", "?"), " or ".join(missing)))
    _start_logging(True)
    mod.install(Harness(refresh_hz, live_rows, line_len, seed, options))
    _mod = mod
    _mod_write, _mod_flush = getattr(mod, "write", None), getattr(mod, "flush", None)
    _start_logging(False)
    return getattr(mod, "refresh", None), module_libraries(mod)


def stop_module():
    global _mod, _mod_write, _mod_flush
    mod, _mod = _mod, None
    _mod_write = _mod_flush = None
    mod.uninstall()
    _stop_logging()
    capture = getattr(mod, "capture", None)
    if callable(capture):
        text = capture()
        if isinstance(text, dict):   # the streams kept apart
            text = (text.get("stdout", ""), text.get("stderr", ""))
        if isinstance(text, (tuple, list)):
            out, err = text
            if out:
                _sink_write(SINK_CAPTURE_STDOUT, out)
            if err:
                _sink_write(SINK_CAPTURE_STDERR, err)
        elif text:
            _sink_write(SINK_CAPTURE, text)
    _reset_streams()
    gc.collect()


# ---- py_marimo (targets/py/marimo_run.py) ---------------------------------

def stop_marimo():
    sys.modules["marimo_run"].stop()    # no garbage of ours to collect


def leftover_threads():
    """After stop: names of Python threads the target left running (they
    get 2 s in all to finish first: the harness's budget for stopping the
    target is the stall timeout + 3 s)."""
    main = threading.main_thread()
    left = [t for t in threading.enumerate()
            if t is not main and not isinstance(t, threading._DummyThread)]
    deadline = time.monotonic() + 2.0
    for t in left:
        t.join(max(0.0, deadline - time.monotonic()))
    return ", ".join(t.name for t in left if t.is_alive())
