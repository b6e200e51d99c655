# SPDX-License-Identifier: Apache-2.0
"""A program whose sys.stdout and sys.stderr write through C: each thread's
complete lines go to libc's write(2) on fd 1 or fd 2, as a C extension that
prints does (no Python file object involved), and the program writes lines
of its own with os.write(1, ...) and libc write(2, ...).

usage: c_stream.py [SECONDS]
"""
import ctypes
import logging
import os
import sys
import threading
import time

_libc = ctypes.CDLL(None, use_errno=True)
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0


def c_write(fd, data):
    while data:
        n = _libc.write(fd, data, len(data))
        if n < 0:
            raise OSError(ctypes.get_errno(), "write(%d)" % fd)
        data = data[n:]


class CStream:
    def __init__(self, fd):
        self.fd = fd
        self.local = threading.local()

    def write(self, text):
        buf = getattr(self.local, "buf", "") + text
        head, nl, self.local.buf = buf.rpartition("\n")
        if nl:
            c_write(self.fd, (head + nl).encode())
        return len(text)

    def flush(self):
        pass

    def fileno(self):
        return self.fd


def main():
    sys.stdout, sys.stderr = CStream(1), CStream(2)
    logging.basicConfig(format="%(levelname)s %(message)s")
    os.write(1, b"c_stream: os.write(1)\n")
    c_write(2, b"c_stream: libc write(2)\n")
    end = time.monotonic() + SECONDS
    while time.monotonic() < end:
        time.sleep(0.001)
    os.write(1, b"c_stream done\n")


if __name__ == "__main__":
    main()
