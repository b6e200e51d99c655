# SPDX-License-Identifier: Apache-2.0
"""An fd-level redirector (tests/py/py_fd_redirect.sh, issue 12 item 5):
install() dup2()s a pipe of its own over fd 1 and fd 2 (found through
sys.stdout.fileno() and sys.stderr.fileno()) and a thread per stream reads
it into memory; capture() returns the two captures apart, (stdout, stderr).

harness.options["mode"]:
  "chunks" (the bug): each read of the pipe (32 bytes at a time, to stay
      responsive) is stored as a line of its own, as print(chunk) would:
      every line longer than 32 bytes comes out split;
  "fixed": reads are stored as they come and the text is decoded
      incrementally, so lines stay whole.
uninstall() puts the saved fds back, which closes the pipes' write ends;
the readers read up to end of file and are joined (nothing left behind).
It raises if nothing was captured (the redirection did not see the
drivers' writes)."""
import codecs
import os
import threading

CHUNK = 32
_state = None


class _Stream:
    def __init__(self, fd, fixed):
        self.fd = fd
        self.fixed = fixed
        self.saved = os.dup(fd)
        r, w = os.pipe()
        os.dup2(w, fd)
        os.close(w)
        self.r = r
        self.parts = []
        self.thread = threading.Thread(target=self._read, name="fd-capture-%d" % fd)
        self.thread.start()

    def _read(self):
        dec = codecs.getincrementaldecoder("utf-8")("replace")
        while True:
            chunk = os.read(self.r, CHUNK)
            if not chunk:
                break
            if self.fixed:
                self.parts.append(dec.decode(chunk))
            else:
                text = chunk.decode("utf-8", "replace")
                self.parts.append(text if text.endswith("\n") else text + "\n")
        self.parts.append(dec.decode(b"", final=True))
        os.close(self.r)

    def restore(self):
        os.dup2(self.saved, self.fd)   # closes our pipe's write end
        os.close(self.saved)
        self.thread.join()
        return "".join(self.parts)


def install(harness):
    global _state
    import sys
    fixed = harness.options.get("mode", "chunks") == "fixed"
    _state = [_Stream(sys.stdout.fileno(), fixed), _Stream(sys.stderr.fileno(), fixed)]


_captured = ("", "")


def uninstall():
    global _captured
    _captured = tuple(s.restore() for s in _state)
    if "@T" not in _captured[0] or "@T" not in _captured[1]:
        raise RuntimeError("fd_capture: nothing captured on fd 1 or fd 2 (%d, %d chars)"
                           % tuple(len(c) for c in _captured))


def capture():
    return _captured
