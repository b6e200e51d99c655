# SPDX-License-Identifier: Apache-2.0
"""marimo_run - the target py_marimo (targets/py_marimo.c): marimo's own
run-mode console redirection, `marimo run --redirect-console-to-browser`,
for the marimo in the knob py_venv (build/venvs/marimo-0.19.11, -0.20.0).

In `marimo run`, each browser session gets a kernel thread in the server
process (KernelManagerImpl.start_kernel, run mode: threading.Thread), which
runs marimo._runtime.runtime.launch_kernel: it builds the session's
ThreadSafeStream on the session's stream queue and, with console redirection,
a ThreadSafeStdout and ThreadSafeStderr on it; the kernel runs every cell
inside marimo._runtime.redirect_streams.redirect_streams(cell_id, stream,
stdout, stderr, stdin); at the end Kernel.teardown stops the streams.  The
harness's session threads play the kernel threads: each op below calls those
same marimo functions, with the arguments launch_kernel passes in run mode.
Nothing of marimo's is copied here; docs/sessions.md has the mapping.

The browser of a session is a thread that reads the session's stream queue,
decodes marimo's messages (marimo._messaging.serde) and writes each console
output's text into the session's sink.
"""
import inspect
import logging
import queue
import sys
import threading
import time

LIBRARIES = ("marimo",)

_session_write = None      # C: (sid, text) into the session's sink
_sessions = {}             # sid -> _Session
_server_logger = None
_originals = None          # (sys.stdout, sys.stderr) at server start
_stream_kwargs = {}        # what launch_kernel passes the stdout/stderr in run mode


class _Session:
    def __init__(self, sid):
        from marimo._messaging.streams import (QueuePipe, ThreadSafeStderr, ThreadSafeStdout,
                                               ThreadSafeStream)
        self.sid = sid
        self.queue = queue.Queue()
        self.cell = 0
        self.ctx = None
        self.capture = None
        # launch_kernel, run mode (stream_queue given, no socket), with
        # should_redirect_stdio = redirect_console_to_browser = True; stdin
        # is None outside edit mode
        self.stream = ThreadSafeStream(pipe=QueuePipe(self.queue), input_queue=queue.Queue(),
                                       redirect_console=True)
        self.browser = threading.Thread(target=self._browse, name="browser-%d" % sid,
                                        daemon=True)
        self.browser.start()
        try:
            self.stdout = ThreadSafeStdout(self.stream, **_stream_kwargs)
            self.stderr = ThreadSafeStderr(self.stream, **_stream_kwargs)
        except BaseException:
            # launch_kernel raises here and the kernel thread ends; what
            # marimo made so far stays as marimo leaves it; the page's
            # browser goes away
            self.queue.put(None)
            self.browser.join()
            raise

    def _browse(self):
        from marimo._messaging.serde import deserialize_kernel_message
        while True:
            msg = self.queue.get()
            try:
                if msg is None:
                    return
                note = deserialize_kernel_message(msg)
                outs = getattr(note, "console", None)
                for out in outs if isinstance(outs, list) else [outs] if outs else []:
                    data = getattr(out, "data", None)
                    if isinstance(data, str) and data:
                        _session_write(self.sid, data)
            finally:
                self.queue.task_done()

    def _writer_idle(self):
        """marimo's buffered console writer holds nothing: it waits in its
        Condition with an empty buffer (its frame's locals, read, not
        changed), or it has ended."""
        t = self.stream.buffered_console_thread
        f = sys._current_frames().get(t.ident)
        if f is None:
            return not t.is_alive()
        if f.f_code.co_name != "wait":
            return False
        while f is not None and f.f_code.co_name != "buffered_writer":
            f = f.f_back
        return f is not None and not f.f_locals.get("outputs_buffered_per_cell")

    def wait_delivered(self):
        """The page stays open until the browser has everything the kernel
        printed: marimo's buffered writer idle with nothing buffered, every
        message on the session queue processed, and its console queue empty
        (at most 1 s of CPU).  marimo's writer drops what it still buffers when the
        stream stops, and a page closed earlier would not show the rest
        either; the oracle wants every line, so the harness's browsers wait
        for it instead of guessing a delay.  A writer idle in its Condition
        with messages queued has been notified (marimo appends, then
        notifies under the condition's lock) and only waits for the CPU and
        the GIL, which takes 100 ms and more on a loaded machine: the page
        waits for it.  Only a writer that has ended will not deliver its
        queue, and the page closes at once.  The second counts the
        process's CPU time, not the wall clock: on a machine loaded far past
        its CPUs the whole process can sit unscheduled for over a second
        (seeds_marimo_0_20_0_clean lost 22 prints at load 11-17 with a wall
        second); a writer that never delivers while the process runs still
        ends the wait after 1 s of CPU, one stuck in an idle process after
        5 s of wall time.  The last look comes after the deadline, so a
        browser thread that did not run meanwhile still sees what was
        delivered."""
        cpu_deadline = time.process_time() + 1.0
        wall_deadline = time.monotonic() + 5.0
        while True:
            late = time.process_time() >= cpu_deadline or time.monotonic() >= wall_deadline
            if self._writer_idle() and self.queue.unfinished_tasks == 0:
                if not self.stream.console_msg_queue:
                    return
                if not self.stream.buffered_console_thread.is_alive():
                    return
            if late:
                return
            time.sleep(0.005)


def start(session_write):
    """The server starts: returns (fd 1/2 writes reach the browser?, libraries)."""
    global _session_write, _server_logger, _originals, _stream_kwargs
    import marimo  # noqa: F401  (the version in py_venv)
    # what a session and a cell use, imported as the server's start does
    from marimo._messaging import console_output_worker, serde, streams  # noqa: F401
    from marimo._messaging.notification import CellNotification  # noqa: F401
    from marimo._messaging.notification_utils import broadcast_notification  # noqa: F401
    from marimo._runtime import capture  # noqa: F401
    from marimo._runtime.redirect_streams import redirect_streams  # noqa: F401
    _session_write = session_write
    for s in (sys.stdout, sys.stderr):       # the server's terminal: fd 1/2
        s.reconfigure(line_buffering=True)
    _originals = (sys.stdout, sys.stderr)
    # the server's own logger, bound now to the original stderr
    _server_logger = logging.getLogger("redirtorture.marimo-server")
    _server_logger.propagate = False
    _server_logger.setLevel(logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    _server_logger.addHandler(handler)
    # launch_kernel in run mode (a thread, not a subprocess): 0.20.0 passes
    # forward_os_streams=use_fd_redirect=False; 0.19.11 has no such choice
    # and always forwards fd 1/2 through a pipe (streams.Watcher)
    params = inspect.signature(streams.ThreadSafeStdout.__init__).parameters
    fd_forwarded = "forward_os_streams" not in params
    _stream_kwargs = {} if fd_forwarded else {"forward_os_streams": False}
    from redirtorture_glue import libraries
    return fd_forwarded, libraries(LIBRARIES)


def session_start(sid):
    """A page load: KernelManagerImpl.start_kernel (run mode), then the
    streams of launch_kernel.  Raises what marimo raises (a failed start)."""
    try:
        from marimo._messaging.thread_local_streams import install_thread_local_proxies
    except ImportError:      # before PR #8353
        install_thread_local_proxies = None
    if install_thread_local_proxies is not None:
        install_thread_local_proxies()       # start_kernel, with redirect_console_to_browser
    _sessions[sid] = _Session(sid)


def cell_enter(sid):
    from marimo._runtime.redirect_streams import redirect_streams
    s = _sessions[sid]
    s.cell += 1
    s.ctx = redirect_streams("s%dc%d" % (sid, s.cell), s.stream, s.stdout, s.stderr, None)
    s.ctx.__enter__()


def cell_exit(sid):
    s = _sessions[sid]
    ctx, s.ctx = s.ctx, None
    ctx.__exit__(None, None, None)


def capture_begin(sid):
    from marimo._runtime.capture import capture_stdout
    s = _sessions[sid]
    s.capture = capture_stdout()
    s.capture_buf = s.capture.__enter__()


def capture_end(sid):
    s = _sessions[sid]
    cap, s.capture = s.capture, None
    cap.__exit__(None, None, None)
    return s.capture_buf.getvalue()


def session_stop(sid):
    """The page closes once marimo's console buffer is flushed; the kernel
    tears its streams down as Kernel.teardown does; the browser has read
    everything the stream sent."""
    s = _sessions.pop(sid)
    s.wait_delivered()
    s.stdout._stop()
    s.stderr._stop()
    s.stream.stop()
    s.stream.buffered_console_thread.join(2.0)
    s.queue.put(None)
    s.browser.join(2.0)
    try:
        from marimo._messaging.thread_local_streams import clear_thread_local_streams
    except ImportError:
        return
    clear_thread_local_streams()            # launch_kernel's end in 0.20.0


def server_log(text):
    _server_logger.warning(text)


def idle_check():
    """'' if sys.stdout/sys.stderr are the originals or marimo's proxies."""
    bad = []
    for name, orig in zip(("stdout", "stderr"), _originals):
        cur = getattr(sys, name)
        if cur is orig or type(cur).__name__ == "ThreadLocalStreamProxy":
            continue
        owner = next((sid for sid, s in _sessions.items()
                      if cur is s.stdout or cur is s.stderr), None)
        bad.append("sys.%s is %s%s" % (name, type(cur).__name__,
                                       "" if owner is None else " of session s%d" % owner))
    return "; ".join(bad)


def stop():
    """The server stops: every session is gone; the globals go back."""
    try:
        from marimo._messaging.thread_local_streams import uninstall_thread_local_proxies
        uninstall_thread_local_proxies()
    except ImportError:
        pass
    sys.stdout, sys.stderr = _originals
    for h in list(_server_logger.handlers):
        _server_logger.removeHandler(h)
