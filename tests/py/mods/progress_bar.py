# SPDX-License-Identifier: Apache-2.0
"""A progress bar that shares the terminal with printed lines
(tests/py/py_fd_redirect.sh, issue 12 item 5), as progress-bar libraries
do: the bar sits on the last line of stderr, redrawn in place with '\\r'
and ANSI colour; a message goes out by clearing the bar's line
('\\r' + ESC[2K), writing the message (perhaps in parts), and drawing the
bar again once it is complete.

harness.options["mode"]:
  "noclear" (the bug): the message is written right after the bar, without
      clearing its line first, so the bar's text ends up inside the line;
  "fixed": the line is cleared first.
Both write to the process's sys.stdout / sys.stderr as they were at install
(fd 1 and fd 2 underneath); the bar goes to stderr only."""
import sys
import threading

_out = None
_clear = True
_count = 0
_count_lock = threading.Lock()
_mid = threading.local()             # this thread is in the middle of a line


def _bar(n):
    done = n % 21
    return "\r\x1b[32m[%s%s]\x1b[0m %3d%%" % ("#" * done, " " * (20 - done), done * 5)


def install(harness):
    global _out, _clear
    _out = {"stdout": sys.stdout, "stderr": sys.stderr}
    _clear = harness.options.get("mode", "noclear") == "fixed"


def write(stream, text):
    global _count
    with _count_lock:
        _count += 1
        n = _count
    f = _out[stream]
    if _clear and not getattr(_mid, stream, False):
        f.write("\r\x1b[2K")     # a message starts: clear the bar's line
    f.write(text)
    setattr(_mid, stream, not text.endswith("\n"))
    if text.endswith("\n") and not getattr(_mid, "stderr", False):
        _out["stderr"].write(_bar(n))


def uninstall():
    _out["stderr"].write("\r\x1b[2K")
