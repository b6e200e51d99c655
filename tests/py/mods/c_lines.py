# SPDX-License-Identifier: Apache-2.0
"""A py: module whose output is written by C code (tests/py/py_fd_redirect.sh,
issue 12 item 5): write() keeps a line buffer per thread and hands each
complete line to libc's write(2) on fd 1 or fd 2, as a C extension that
prints would.  Nothing replaces sys.stdout; the lines must reach the
harness's stdout/stderr sinks through fd 1/2."""
import ctypes
import threading

_libc = ctypes.CDLL(None, use_errno=True)
_local = threading.local()


def install(harness):
    pass


def write(stream, text):
    bufs = getattr(_local, "bufs", None)
    if bufs is None:
        bufs = _local.bufs = {"stdout": "", "stderr": ""}
    bufs[stream] += text
    head, nl, tail = bufs[stream].rpartition("\n")
    if not nl:
        return
    bufs[stream] = tail
    data = (head + nl).encode()
    fd = 1 if stream == "stdout" else 2
    while data:
        n = _libc.write(fd, data, len(data))
        if n < 0:
            raise OSError(ctypes.get_errno(), "write(%d)" % fd)
        data = data[n:]


def flush(stream):
    pass


def uninstall():
    pass
