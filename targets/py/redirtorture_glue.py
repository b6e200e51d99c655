# SPDX-License-Identifier: Apache-2.0
"""Python side of redirtorture's embedded-CPython targets (targets/py_rich.c).

Loaded by the harness, not meant for direct use.  It

- replaces threading.Lock / threading.RLock with harness locks named by
  their creation site ("rich/live.py:76 Live._lock"), before Rich or logging
  is imported (install_locks);
- runs real Rich's Live with stdout/stderr redirection on a console that is
  an interactive terminal whose output goes to a harness sink (start_rich);
- loads `py:MODULE` targets (docs/py-targets.md) (start_module);
- implements the driver operations that need a real runtime: logging through
  the logging module with a handler made after the redirection is installed,
  and cyclic garbage whose __del__ logs or prints a tagged line.
"""
import gc
import io
import linecache
import os
import re
import site
import sys
import threading
import time
import traceback

import _redirtorture as _rt

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

# ---- locks --------------------------------------------------------------

_ASSIGN = re.compile(r"\s*(?:self\.)?([A-Za-z_]\w*)\s*(?::[^=]*)?=[^=]")
_naming = set()                      # thread idents inside _creation_name


def _outside(f):
    """The first frame from f outward that is neither threading.py nor
    this glue (its wrappers), and the outermost threading.py frame passed."""
    inner = None
    while f is not None and f.f_code.co_filename in (threading.__file__, __file__):
        if f.f_code.co_filename == threading.__file__:
            inner = f
        f = f.f_back
    return f, inner


def _site_label(f):
    """'rich/live.py:76 Live._lock': frame f's site, the class of `self`
    (from the function's qualified name) and the attribute it is assigned
    to (from the source line)."""
    co = f.f_code
    where = "%s:%d" % (_rt.relpath(co.co_filename), f.f_lineno)
    owner = co.co_qualname.rpartition(".")[0]
    m = _ASSIGN.match(linecache.getline(co.co_filename, f.f_lineno))
    if m:
        label = owner + "." + m.group(1) if owner else m.group(1)
    else:
        label = co.co_qualname
    return where + " " + label


def _creation_name():
    """('rich/live.py:76 Live._lock', True): the creation site of a lock
    (_site_label); and whether its acquisitions are collection points: not
    for locks made inside threading.py (Event, Condition, Semaphore), whose
    names also give the first caller outside it."""
    me = threading.get_ident()
    if me in _naming:                # re-entered through a finalizer
        return "python lock", True
    _naming.add(me)
    try:
        f = sys._getframe(2)
        name = _site_label(f)
        inside = f.f_code.co_filename == threading.__file__
        if inside:
            f, _ = _outside(f)
            if f is not None:
                name += " via %s:%d" % (_rt.relpath(f.f_code.co_filename), f.f_lineno)
        return name, not inside
    finally:
        _naming.discard(me)


def _condition_name(f):
    """A Condition's name from the frame that made it: made by threading
    itself, the site outside that made the Event / Semaphore / Barrier /
    Thread ('mod.py:30 Flusher.done (Event)'); else its own site, and the
    first caller outside that file ('queue.py:35 Queue.not_empty via
    lib/io.py:88')."""
    me = threading.get_ident()
    if me in _naming:
        return "python Condition"
    _naming.add(me)
    try:
        g, inner = _outside(f)
        if g is None:
            return "python Condition"
        if inner is not None:
            kind = inner.f_code.co_qualname.partition(".")[0]
            return "%s (%s)" % (_site_label(g), kind)
        name = _site_label(g)
        h = g.f_back
        while h is not None and h.f_code.co_filename in (g.f_code.co_filename, __file__):
            h = h.f_back
        if h is not None:
            name += " via %s:%d" % (_rt.relpath(h.f_code.co_filename), h.f_lineno)
        return name
    finally:
        _naming.discard(me)


def Lock():
    name, point = _creation_name()
    return _rt.Lock(name, point)


def RLock(*args, **kwargs):
    name, point = _creation_name()
    return _rt.RLock(name, point)


def install_locks():
    """Before Rich or logging is imported: every threading.Lock() and
    threading.RLock() from now on is a harness lock, and every
    Condition.wait (so Event, queue.Queue, Semaphore, Barrier) waits on a
    harness Waiter named after the Condition's creation site."""
    threading.Lock = Lock
    threading.RLock = RLock
    if "logging" in sys.modules:     # normally not imported yet
        sys.modules["logging"]._lock = RLock()
    _install_waiters()
    _install_semlocks()
    _install_thread_locks()

    _install_threads()

    gc.callbacks.append(lambda phase, info: _rt.gc_started() if phase == "start"
                        else _rt.gc_stopped())
    sys.unraisablehook = _unraisable
    threading.excepthook = _thread_exception


_native_allocate_lock = threading._allocate_lock
_native_sleep = time.sleep


def ctl_reset():
    """Each controlled execution starts alike: Thread-1, Thread-2... again.
    queue.SimpleQueue is the C one, whose get() blocks in C where the
    scheduler cannot see; the pure-Python one waits on a threading
    Semaphore, a controlled wait (same interface and guarantees)."""
    import itertools
    import queue
    threading._counter = itertools.count(1).__next__
    queue.SimpleQueue = queue._PySimpleQueue


def _join_name(t):
    """What joiners of thread t wait for: its creation site, from the
    Condition of its _started Event ('mod.py:30 Flusher.t (Thread.join)').
    A class of its own: only the thread's start notifies it (a
    _DummyThread made on the same line sets a _started Event too)."""
    name = getattr(t._started._cond, "_rt_name", None) or "python Thread"
    if name.endswith(" (Thread)"):
        name = name[:-len(" (Thread)")]
    return name + " (Thread.join)"


def _install_threads():
    """Every Python thread is registered by its starter in Thread.start
    (reports show it wherever it is, even before it first runs), as the
    notifier of its _started Event and its joiners' wait (the evidence for
    an inferred wait-for edge, as a notify); Thread.join is a notify
    wait on the thread, though it waits on the native _tstate_lock that
    CPython releases from C when the thread ends.
    In a controlled execution (harness/python/pyctl.c) the threads the code
    starts run under the scheduler like the drivers: the creator makes the
    thread's record and keeps its turn until the new thread waits for its
    own at the start of run(); join() waits in the scheduler; time.sleep()
    sleeps on the virtual clock.  Free-running, all of this is the plain
    threading behaviour plus the registration above."""
    inner = threading.Thread._bootstrap_inner
    start = threading.Thread.start
    join = threading.Thread.join

    def _bootstrap_inner(self):
        h = getattr(self, "_rt_ctl", None)
        try:
            if h is not None:
                _rt.ctl_thread_adopt(h)      # the record its creator made
                run = self.run

                def _run():
                    _rt.ctl_thread_start()   # waits for its turn
                    _rt.notify(_join_name(self))
                    run()
                self.run = _run
            else:
                _rt.free_thread_adopt(getattr(self, "_rt_free", None), self.name)
                _rt.notify(_join_name(self))
            inner(self)
        finally:
            self.__dict__.pop("run", None)
            _rt.thread_exit()

    def _start(self):
        h = _rt.ctl_thread_new(self.name)
        if h is None:
            # registered now, as a notifier of what it sets when it starts:
            # its starter's wait in start() is never "all asleep" or an
            # inferred cycle while the new thread has yet to run
            started = getattr(self._started._cond, "_rt_name", None)
            self._rt_free = _rt.free_thread_new(
                self.name, (started, _join_name(self)) if started else (_join_name(self),))
            try:
                return start(self)
            except BaseException:
                _rt.free_thread_abandon(self._rt_free)
                raise
        self._rt_ctl = h
        _rt.ctl_hold(True)
        try:
            start(self)
            _rt.ctl_thread_started(h)
        finally:
            _rt.ctl_hold(False)

    def _join(self, timeout=None):
        h = getattr(self, "_rt_ctl", None)
        if h is not None and self._started.is_set() and _rt.ctl_on():
            done = _rt.ctl_join(h, -1.0 if timeout is None else max(0.0, timeout))
            if done is False:        # timed out on the virtual clock
                return join(self, 0)
            return join(self, timeout)
        if (not self._started.is_set() or self is threading.current_thread()
                or self._is_stopped):
            return join(self, timeout)      # returns or raises at once
        limit = -1.0 if timeout is None else max(float(timeout), 0.0)
        return _rt.wait_native(_join_name(self), limit, join, self, timeout)

    def _sleep(secs):
        if not _rt.ctl_sleep(secs):
            _native_sleep(secs)

    threading.Thread._bootstrap_inner = _bootstrap_inner
    threading.Thread.start = _start
    threading.Thread.join = _join
    time.sleep = _sleep
    # the same idents in every controlled execution (harness/python/pyidents.c)
    import _thread
    threading.get_ident = _thread.get_ident = _rt.get_ident
    threading.get_native_id = _thread.get_native_id = _rt.get_native_id


def _install_thread_locks():
    """_thread.allocate_lock() called directly (tempfile, _strptime, C
    extensions' Python parts) makes a harness Lock named by its creation
    site, as threading.Lock does; importlib's module locks (frozen code,
    with their own deadlock detection) stay native."""
    import _thread

    def allocate_lock():
        if sys._getframe(1).f_code.co_filename.startswith("<frozen "):
            return _native_allocate_lock()
        name, point = _creation_name()
        return _rt.Lock(name, point)

    _thread.allocate_lock = _thread.allocate = allocate_lock


def _install_waiters():
    """threading._allocate_lock: a Waiter for Condition.wait (the only
    caller once Lock is replaced), named after the Condition, which records
    its creation site in __init__; native for anything else."""
    cond_init = threading.Condition.__init__
    wait_code = threading.Condition.wait.__code__

    def __init__(self, lock=None):
        cond_init(self, lock)
        self._rt_name = _condition_name(sys._getframe(1))

    def _allocate_lock():
        f = sys._getframe(1)
        if f.f_code is wait_code:
            cond = f.f_locals.get("self")
            return _rt.Waiter(getattr(cond, "_rt_name", "python Condition"))
        return _native_allocate_lock()

    cond_notify = threading.Condition.notify

    def notify(self, n=1):
        # who notifies conditions of this name: evidence for the wait-for
        # edges of hang reports (notify_all and Event.set come here too)
        _rt.notify(getattr(self, "_rt_name", "python Condition"))
        cond_notify(self, n)

    threading.Condition.__init__ = __init__
    threading.Condition.notify = notify
    threading._allocate_lock = _allocate_lock


def _install_semlocks():
    """multiprocessing's Lock / RLock / Semaphore (SemLock) used in this
    process: the SemLock stays the real lock, a _redirtorture.SemWatch in
    front of it keeps the harness's books (lock order, owner, waits), named
    by the creation site outside multiprocessing ('mod.py:12 _bar
    (multiprocessing.RLock)')."""
    try:
        import multiprocessing.synchronize as ms
    except ImportError:              # no sem_open on this system
        return
    make = ms.SemLock._make_methods
    kinds = {"RLock": "rlock", "Lock": "lock"}

    def _make_methods(self):
        make(self)
        f = sys._getframe(1)
        while f is not None and (f.f_code.co_filename == __file__ or
                                 "/multiprocessing/" in f.f_code.co_filename):
            f = f.f_back
        kind = type(self).__name__
        name = "%s (multiprocessing.%s)" % (_site_label(f) if f is not None else "?", kind)
        w = _rt.SemWatch(self._semlock, name, kinds.get(kind, "sem"))
        self._rt_watch = w
        self.acquire = w.acquire
        self.release = w.release

    def __enter__(self):
        return self._rt_watch.__enter__()

    def __exit__(self, *args):
        return self._rt_watch.__exit__(*args)

    ms.SemLock._make_methods = _make_methods
    ms.SemLock.__enter__ = __enter__
    ms.SemLock.__exit__ = __exit__


# ---- py_venv: a virtual environment's packages ahead of Debian's ---------

_venv = None                         # (path as given, its site-packages)


def use_venv(path):
    """Knob py_venv, once per process, before Rich or logging is imported:
    the site-packages of a venv made with /usr/bin/python3.11 go on sys.path
    ahead of Debian's dist-packages (its .pth files processed as a venv's
    python would); Debian's packages stay behind it as a fallback.
    Returns '' or the one line saying why it cannot be used."""
    global _venv
    if not path:
        return ""
    if _venv is not None:
        if _venv[0] != path:
            return "py_venv=%s: this process already runs %s" % (path, _venv[0])
        return ""
    cfg = os.path.join(path, "pyvenv.cfg")
    try:
        with open(cfg) as f:
            keys = dict(line.split("=", 1) for line in f if "=" in line)
    except OSError as e:
        return ("py_venv=%s: not a virtual environment (%s: %s; make one with "
                "scripts/make-venvs.sh)" % (path, cfg, e.strerror))
    keys = {k.strip(): v.strip() for k, v in keys.items()}
    want = "%d.%d" % sys.version_info[:2]
    have = keys.get("version_info", keys.get("version", "?"))
    if not have.startswith(want + "."):
        return ("py_venv=%s: made with Python %s (expected %s, the embedded "
                "libpython: /usr/bin/python%s -m venv)" % (path, have, want, want))
    sp = os.path.join(os.path.abspath(path), "lib", "python" + want, "site-packages")
    if not os.path.isdir(sp):
        return "py_venv=%s: no %s" % (path, sp)
    before = list(sys.path)
    site.addsitedir(sp)              # appends sp and what its .pth files add
    added = [p for p in sys.path if p not in before]
    at = next((i for i, p in enumerate(before) if "dist-packages" in p), len(before))
    sys.path[:] = before[:at] + added + before[at:]
    _venv = (path, sp)
    return ""


def libraries(names):
    """[(name, version, where)] of the given distributions as they were
    imported: where = the py_venv given, or the directory it came from."""
    from importlib import metadata
    out = []
    for name in names:
        mod = sys.modules.get(name)
        if mod is None:
            continue
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = getattr(mod, "__version__", None)
        if not isinstance(version, str):
            continue                 # not an installed distribution
        f = getattr(mod, "__file__", None) or "?"
        if _venv is not None and f.startswith(_venv[1] + os.sep):
            where = _venv[0]
        else:
            where = os.path.dirname(os.path.dirname(f))
        out.append((name, version, where))
    return out


def module_libraries(mod):
    """A py: module's LIBRARIES (distribution names it drives), else its
    own top-level package if it is an installed distribution."""
    names = getattr(mod, "LIBRARIES", None)
    if names is None:
        names = (mod.__name__.partition(".")[0],)
    return libraries(names)


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
