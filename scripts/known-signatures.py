#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""known-signatures.py - is a finding known?  One rule for the nightly job
(scripts/nightly-fuzz.sh) and the known_signatures test.

    known-signatures.py check KNOWN [FOUND]
        FOUND (default: standard input) has one "TARGET SIGNATURE" per line.
        Prints "unknown: TARGET SIGNATURE" for each finding KNOWN does not
        cover.  Exit 0: all known; 1: some unknown; 65: a bad line in KNOWN
        or FOUND (one line naming file, line and what was expected).
    known-signatures.py lint KNOWN
        Only checks KNOWN (format, and that each hash matches its text).
    known-signatures.py sign KIND TEXT
        Prints the signature "KIND:HASH TEXT" (for hand-edited lines).

KNOWN has "TARGET SIGNATURE" lines (TARGET * = any target), '#' comments
and blank lines.  A SIGNATURE is "KIND:HASH TEXT" with HASH the 64-bit
FNV-1a of KIND then TEXT, as harness/report.c's rt_signature makes it.

A finding is known when its target and signature are listed, or when its
kind reports a set of symptoms joined by '+' (INTEGRITY "lost+dup", LOSS,
RESTORE, RESOURCES: one finding per run, naming every symptom seen) and the
target has a finding of that kind listed.  Such a finding names no site,
only what happened to the output, and which symptoms of a known broken
output path one run happens to show varies from run to run; on a target
with none listed (rich_live_fixed, test_clean) it is new."""
import re
import sys

SET_KINDS = {"INTEGRITY", "LOSS", "RESTORE", "RESOURCES"}
SIG = re.compile(r"^([A-Z][A-Z-]*):([0-9a-f]{16}) (.+)$")


class BadLine(Exception):
    pass


def fnv1a(data, h=0xCBF29CE484222325):
    for c in data:
        h ^= c
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def parse(path, text, check_hash):
    """[(lineno, target, kind, canon, signature)] of a TARGET SIGNATURE file."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        target, _, sig = line.partition(" ")
        m = SIG.match(sig)
        if not target or not m:
            raise BadLine("%s:%d: expected 'TARGET KIND:HASH TEXT' (HASH 16 hex digits), got '%s'"
                          % (path, n, line[:120]))
        kind, h, canon = m.groups()
        if check_hash and int(h, 16) != fnv1a(canon.encode(), fnv1a(kind.encode())):
            raise BadLine("%s:%d: hash %s does not match '%s:%s' (expected %016x)"
                          % (path, n, h, kind, canon,
                             fnv1a(canon.encode(), fnv1a(kind.encode()))))
        out.append((n, target, kind, canon, sig))
    return out


class Known:
    def __init__(self, entries):
        self.exact = {(t, s) for _, t, _, _, s in entries}
        self.set_kinds = {(t, k) for _, t, k, _, _ in entries if k in SET_KINDS}

    def covers(self, target, kind, canon, sig):
        if (target, sig) in self.exact or ("*", sig) in self.exact:
            return True
        return kind in SET_KINDS and ((target, kind) in self.set_kinds or
                                      ("*", kind) in self.set_kinds)


def read(path):
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as f:
        return f.read()


def main(argv):
    if len(argv) == 4 and argv[1] == "sign":
        h = fnv1a(argv[3].encode(), fnv1a(argv[2].encode()))
        print("%s:%016x %s" % (argv[2], h, argv[3]))
        return 0
    if len(argv) < 3 or argv[1] not in ("check", "lint") or len(argv) > 4:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 64
    try:
        known = Known(parse(argv[2], read(argv[2]), True))
        if argv[1] == "lint":
            return 0
        src = argv[3] if len(argv) == 4 else "-"
        found = parse("<stdin>" if src == "-" else src, read(src), False)
    except OSError as e:
        sys.stderr.write("known-signatures: %s: %s\n" % (e.filename, e.strerror))
        return 66
    except BadLine as e:
        sys.stderr.write("known-signatures: %s\n" % e)
        return 65
    unknown = 0
    for _, t, k, canon, sig in found:
        if not known.covers(t, k, canon, sig):
            print("unknown: %s %s" % (t, sig))
            unknown += 1
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
