#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""lock-venvs.py ENV=REQ [ENV=REQ...] - (re)write seeds/lock/ENV.txt.

A maintainer's tool, run when a pin changes (not by `make`): for each
environment, install REQ (e.g. rich==14.2.0) into a scratch venv made with
Debian's /usr/bin/python3.11, take `pip freeze` (every dependency, pinned),
and write a lock file with the sha256 of every file PyPI publishes for each
pinned version (its JSON API), so `pip install --require-hashes` accepts the
wheel of any platform.  scripts/make-venvs.sh installs from these files.

    /usr/bin/python3 scripts/lock-venvs.py rich-14.2.0=rich==14.2.0
"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3.11"


def freeze(req):
    with tempfile.TemporaryDirectory() as tmp:
        venv = os.path.join(tmp, "v")
        subprocess.run([PY, "-m", "venv", venv], check=True)
        pip = [os.path.join(venv, "bin", "python"), "-m", "pip", "--disable-pip-version-check"]
        subprocess.run(pip + ["install", "-q", req], check=True)
        out = subprocess.run(pip + ["freeze"], check=True, capture_output=True, text=True).stdout
    return [line.split("==") for line in out.split() if "==" in line]


def hashes(name, version):
    url = "https://pypi.org/pypi/%s/json" % name
    with urllib.request.urlopen(url, timeout=60) as r:
        files = json.load(r)["releases"].get(version)
    if not files:
        raise SystemExit("lock-venvs.py: PyPI lists no files for %s==%s" % (name, version))
    return sorted({f["digests"]["sha256"] for f in files})


def main(argv):
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    for arg in argv:
        env, _, req = arg.partition("=")
        lines = ["# seeds/lock/%s.txt: written by scripts/lock-venvs.py %s" % (env, arg),
                 "# every package pinned, with the sha256 of each file PyPI publishes for it",
                 "# (pip install --require-hashes; scripts/make-venvs.sh)"]
        for name, version in sorted(freeze(req), key=lambda p: p[0].lower()):
            hs = hashes(name, version)
            lines.append("%s==%s \\" % (name, version))
            lines += ["    --hash=sha256:%s%s" % (h, " \\" if i + 1 < len(hs) else "")
                      for i, h in enumerate(hs)]
        path = os.path.join(ROOT, "seeds", "lock", env + ".txt")
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.replace(tmp, path)
        print("wrote", os.path.relpath(path, ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
