# SPDX-License-Identifier: Apache-2.0
"""A program with an fd-level redirector, the kind notebook kernels and
capture libraries install: fd 1 and fd 2 (found through sys.stdout.fileno()
and sys.stderr.fileno()) are dup2()ed onto pipes of its own, and a reader
thread per pipe forwards what it reads to the saved original descriptor, a
line at a time (so the forwarded lines stay whole next to other writers of
the original).  Reads are small (100 bytes), as a busy reader's are.  While
it is installed, sys.stdout/sys.stderr are wrapped in a writers' lock that
the uninstall holds until the readers have forwarded everything: a line
written straight to the original fd after the switch back would otherwise
overtake older lines still in the pipe.

usage: fd_redirector.py [--lossy|--stuck] [SECONDS]
  default   the reader keeps the unfinished tail of a read for the next one
  --lossy   it forwards the complete lines of each read and forgets the tail
            (a line cut by the read's end is lost): the harness must see the
            lost lines
  --stuck   the reader waits for an event nobody sets before its first
            read: the pipe fills, every writer blocks in write(2) (a pipe
            nobody drains, as in marimo #8306): the harness must see a HANG
"""
import os
import sys
import threading
import time

LOSSY = "--lossy" in sys.argv[1:]
STUCK = "--stuck" in sys.argv[1:]
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
SECONDS = float(ARGS[0]) if ARGS else 2.0


class FdRedirect:
    def __init__(self, fd):
        self.fd = fd
        self.saved = os.dup(fd)
        r, w = os.pipe()
        os.dup2(w, fd)
        os.close(w)
        self.reader = threading.Thread(target=self._forward, args=(r,), name="fd%d-reader" % fd)
        self.reader.start()

    def _forward(self, r):
        if STUCK:
            threading.Event().wait()
        tail = b""
        while True:
            data = os.read(r, 100)
            if not data:
                break
            head, nl, rest = (tail + data).rpartition(b"\n")
            tail = b"" if LOSSY else rest
            if nl:
                os.write(self.saved, head + nl)
        if tail:
            os.write(self.saved, tail)
        os.close(r)

    def close(self):
        os.dup2(self.saved, self.fd)      # the pipe's last write end goes
        self.reader.join()
        os.close(self.saved)


class Held:
    """A stream whose writes take the redirector's writers' lock."""

    def __init__(self, real, lock):
        self.real = real
        self.lock = lock

    def write(self, text):
        with self.lock:
            return self.real.write(text)

    def flush(self):
        with self.lock:
            self.real.flush()

    def fileno(self):
        return self.real.fileno()

    def isatty(self):
        return self.real.isatty()


def main():
    lock = threading.RLock()
    out, err = sys.stdout, sys.stderr
    redirects = [FdRedirect(out.fileno()), FdRedirect(err.fileno())]
    sys.stdout, sys.stderr = Held(out, lock), Held(err, lock)
    os.write(1, b"fd_redirector: os.write(1) through the redirector\n")
    end = time.monotonic() + SECONDS
    n = 0
    while time.monotonic() < end:
        n += 1
        time.sleep(0.001)
    with lock:
        for r in redirects:
            r.close()
    print("fd_redirector done after %d steps" % n)


if __name__ == "__main__":
    main()
