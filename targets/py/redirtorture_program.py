# SPDX-License-Identifier: Apache-2.0
"""Python side of `redirtorture py` (harness/python/py_program.c).

Loaded by the harness after redirtorture_glue (locks, hooks, sinks), not
meant for direct use.  prepare() does what python3 does before it runs a
program: sys.argv, sys.path[0], __main__, a virtual environment's
site-packages, and compiles the script (or finds the module); every problem
there is BadProgram, one line.  run() runs it as python3 would, then joins
the non-daemon threads and runs the atexit functions, and returns the exit
status with the reason of a failure.
"""
import atexit
import logging
import os
import runpy
import site
import sys
import threading
import traceback

import _redirtorture
import redirtorture_glue as glue

SCRIPT, MODULE, CODE = 0, 1, 2        # enum rt_py_program_kind
PYVER = "python%d.%d" % sys.version_info[:2]

_code = None                          # what run() executes
_kind = SCRIPT
_spec = None                          # -m: the module's spec


class BadProgram(Exception):
    """The program cannot start: one line, exit 69."""


class ProgramStream(glue.SinkFile):
    """The program's sys.stdout / sys.stderr: a thread's complete lines go
    to fd 1 / 2 at once, each as one write(2) (unbuffered, as with -u, but
    a line at a time); fd 1/2 are pipes that the harness drains into the
    sinks the integrity oracle reads, and copies to the real stdout/stderr
    (harness/python/py_fds.c).  isatty() answers for the real ones."""

    def __init__(self, sink, name, fd, errors, tty):
        super().__init__(sink, name, fd)
        self._tty = bool(tty)
        self._errors = errors

    @property
    def errors(self):
        return self._errors

    @property
    def name(self):
        return "<%s>" % self._name

    def write(self, s):
        if self._errors != "strict" and isinstance(s, str):
            s = s.encode("utf-8", self._errors).decode("utf-8")
        return super().write(s)

    def isatty(self):
        return self._tty


def _fail(msg):
    raise BadProgram(msg)


def _venv(venv):
    """Like python3 started from VENV/bin/python3: its site-packages (and
    .pth files) on the path where the system's would be, the system's only
    with include-system-site-packages = true."""
    venv = os.path.abspath(venv)
    cfg = os.path.join(venv, "pyvenv.cfg")
    try:
        with open(cfg, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        _fail("virtual environment %s: cannot read %s: %s (not a venv made with "
              "python3 -m venv?)" % (venv, cfg, e.strerror))
    opts = {}
    for line in lines:
        k, eq, v = line.partition("=")
        if eq:
            opts[k.strip().lower()] = v.strip()
    sp = os.path.join(venv, "lib", PYVER, "site-packages")
    if not os.path.isdir(sp):
        _fail("virtual environment %s has no lib/%s/site-packages (made with another Python; "
              "redirtorture py runs Debian's /usr/bin/python3, %s)"
              % (venv, PYVER, sys.version.split()[0]))
    system = set(site.getsitepackages())
    keep = opts.get("include-system-site-packages", "false").lower() == "true"
    at = next((i for i, p in enumerate(sys.path) if p in system), len(sys.path))
    if not keep:
        sys.path[:] = [p for p in sys.path if p not in system]
    before = list(sys.path)
    site.addsitedir(sp)
    added = [p for p in sys.path if p not in before]
    rest = [p for p in sys.path if p in before]
    sys.path[:] = rest[:at] + added + rest[at:]
    sys.prefix = sys.exec_prefix = venv
    exe = os.path.join(venv, "bin", "python3")
    if os.path.exists(exe):
        sys.executable = exe


def _compile_script(path):
    try:
        with open(path, "rb") as f:
            source = f.read()
    except OSError as e:
        _fail("can't open file %r: [Errno %d] %s" % (os.path.abspath(path), e.errno, e.strerror))
    return _compile(source, path)


def _compile(source, filename):
    try:
        return compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as e:
        _fail("%s:%s: %s: %s" % (e.filename or filename, e.lineno or "?", type(e).__name__, e.msg))
    except (ValueError, UnicodeDecodeError) as e:
        _fail("%s: %s: %s" % (filename, type(e).__name__, e))


class _Libraries:
    """The installed distributions the program imports, each named in the
    report (a `library:` line, the JSON's libraries) as it is first
    imported, with the version and the venv (or directory) it came from:
    an audit hook on "import" maps a new top-level module name to its
    distributions (importlib.metadata.packages_distributions, computed
    once, on the first import that is not the standard library's)."""

    def __init__(self, venv):
        self.venv = os.path.abspath(venv) if venv else None
        self.seen = set(sys.modules) | set(sys.stdlib_module_names)
        self.dists = None
        self.busy = False
        self.reported = set()

    def __call__(self, event, args):
        if event != "import" or self.busy:
            return
        top = args[0].partition(".")[0] if args and isinstance(args[0], str) else ""
        if not top or top in self.seen:
            return
        self.seen.add(top)
        self.busy = True             # importlib.metadata imports too
        try:
            self._report(top)
        except Exception:            # noqa: B902 - never break the program's import
            pass
        finally:
            self.busy = False

    def _report(self, top):
        from importlib import metadata
        if self.dists is None:
            self.dists = metadata.packages_distributions()
        for name in self.dists.get(top, ()):
            if name in self.reported:
                continue
            self.reported.add(name)
            dist = metadata.distribution(name)
            where = os.path.abspath(str(dist.locate_file("")))
            if self.venv and where.startswith(self.venv + os.sep):
                where = self.venv
            _redirtorture.library(name, dist.version, where)


def prepare(kind, what, args, venv, out_tty, err_tty):
    """Before the drivers start, on the main thread; out_tty / err_tty:
    whether the real stdout / stderr are terminals."""
    global _code, _kind, _spec
    _kind = kind
    # py_init put the working directory and the glue's folder first; python3
    # puts the program's own path[0] there, then PYTHONPATH.
    for p in (os.getcwd(), os.path.dirname(glue.__file__)):
        if p in sys.path[:2]:
            sys.path.remove(p)
    if venv:
        _venv(venv)
    sys.addaudithook(_Libraries(venv))
    main = sys.modules["__main__"]
    if kind == SCRIPT:
        sys.path.insert(0, os.path.dirname(os.path.realpath(what)))
        _code = _compile_script(what)
        sys.argv = [what] + list(args)
        main.__file__ = what
        main.__cached__ = None
    elif kind == CODE:
        sys.path.insert(0, "")
        _code = _compile(what, "<string>")
        sys.argv = ["-c"] + list(args)
    else:
        sys.path.insert(0, os.getcwd())
        sys.argv = ["-m"] + list(args)
        try:
            # python3 -m: runpy._run_module_as_main does this first
            _, _spec, _code = runpy._get_module_details(what)
        except BaseException as e:      # noqa: B902 - anything a package's import raises
            _fail("-m %s: %s: %s" % (what, type(e).__name__, e))
        sys.argv[0] = _spec.origin
    # driver threads log through the program's logging setup (the root
    # logger's handlers, or logging.lastResort on the current sys.stderr)
    glue._logger = logging.getLogger("redirtorture.driver")
    glue._logger.setLevel(logging.INFO)
    sys.stdout = ProgramStream(glue.SINK_STDOUT, "stdout", 1, "strict", out_tty)
    sys.stderr = ProgramStream(glue.SINK_STDERR, "stderr", 2, "backslashreplace", err_tty)


def _status(e):
    """The exit status of SystemExit e, and what python3 would print."""
    code = e.code
    if code is None:
        return 0, None
    if isinstance(code, int):
        return code & 0xFF, None
    return 1, "SystemExit: %s" % code


def run():
    """(status, why): why is the traceback or message of a failure."""
    main = sys.modules["__main__"]
    status, why = 0, None
    try:
        if _kind == MODULE:
            runpy._run_code(_code, main.__dict__, None, "__main__", _spec)
        else:
            exec(_code, main.__dict__)
    except SystemExit as e:
        status, why = _status(e)
    except BaseException as e:           # noqa: B902 - python3 reports them all
        # without this frame, as python3 prints it
        status, why = 1, "".join(traceback.format_exception(type(e), e, e.__traceback__.tb_next))
    # as python3 at exit: wait for the non-daemon threads, then atexit
    try:
        threading._shutdown()
        atexit._run_exitfuncs()
    except SystemExit as e:
        if not status:
            status, why = _status(e)
    except BaseException:                # noqa: B902
        if not status:
            status, why = 1, traceback.format_exc()
    return status, why
