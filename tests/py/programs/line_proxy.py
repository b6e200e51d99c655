# SPDX-License-Identifier: Apache-2.0
"""A program that installs its own sys.stdout/sys.stderr proxy which sends
whole lines to the real stream, then does its own work for a while.

usage: line_proxy.py [--shared] [SECONDS]
  default   one partial-line buffer per writing thread: correct
  --shared  one partial-line buffer for all threads (the mistake Rich's
            FileProxy makes): a thread's partial line is completed by
            another thread's text
"""
import logging
import sys
import threading
import time

SHARED = "--shared" in sys.argv[1:]
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
SECONDS = float(ARGS[0]) if ARGS else 2.0


class LineProxy:
    def __init__(self, real):
        self.real = real
        self.shared = []
        self.local = threading.local()

    def _buffer(self):
        if SHARED:
            return self.shared
        if not hasattr(self.local, "parts"):
            self.local.parts = []
        return self.local.parts

    def write(self, text):
        parts = self._buffer()
        while "\n" in text:
            head, text = text.split("\n", 1)
            parts.append(head + "\n")
            line = "".join(parts)
            parts.clear()
            self.real.write(line)
        if text:
            parts.append(text)
        return len(text)

    def flush(self):
        self.real.flush()

    def isatty(self):
        return self.real.isatty()


def main():
    sys.stdout = LineProxy(sys.stdout)
    sys.stderr = LineProxy(sys.stderr)
    logging.basicConfig(format="%(levelname)s %(threadName)s: %(message)s")
    log = logging.getLogger("app")
    end = time.monotonic() + SECONDS
    n = 0
    while time.monotonic() < end:
        n += 1
        if n % 1000 == 0:
            log.warning("app step %d", n)
        time.sleep(0.0005)
    # the proxies stay installed: swapping them back while other threads
    # write would lose the partial lines in their buffers
    print("app done after %d steps" % n)


if __name__ == "__main__":
    main()
