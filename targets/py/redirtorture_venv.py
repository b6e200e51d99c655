# SPDX-License-Identifier: Apache-2.0
"""A virtual environment's packages ahead of Debian's (knob py_venv), and
the versions of the libraries a run drives, for reports (part of the glue,
redirtorture_glue.py, which re-exports use_venv, libraries and
module_libraries).
"""
import os
import site
import sys

_venv = None                         # (path as given, its site-packages)


def use_venv(path):
    """Knob py_venv, once per process, before Rich or logging is imported:
    the site-packages of a venv made with /usr/bin/python3.11 go on sys.path
    ahead of Debian's dist-packages (its .pth files processed as a venv's
    python would); Debian's packages stay behind it as a fallback.
    Returns '' or the one line saying why it cannot be used."""
    global _venv
    if not path:
        return ""
    if _venv is not None:
        if _venv[0] != path:
            return "py_venv=%s: this process already runs %s" % (path, _venv[0])
        return ""
    cfg = os.path.join(path, "pyvenv.cfg")
    try:
        with open(cfg) as f:
            keys = dict(line.split("=", 1) for line in f if "=" in line)
    except OSError as e:
        return ("py_venv=%s: not a virtual environment (%s: %s; make one with "
                "scripts/make-venvs.sh)" % (path, cfg, e.strerror))
    keys = {k.strip(): v.strip() for k, v in keys.items()}
    want = "%d.%d" % sys.version_info[:2]
    have = keys.get("version_info", keys.get("version", "?"))
    if not have.startswith(want + "."):
        return ("py_venv=%s: made with Python %s (expected %s, the embedded "
                "libpython: /usr/bin/python%s -m venv)" % (path, have, want, want))
    sp = os.path.join(os.path.abspath(path), "lib", "python" + want, "site-packages")
    if not os.path.isdir(sp):
        return "py_venv=%s: no %s" % (path, sp)
    before = list(sys.path)
    site.addsitedir(sp)              # appends sp and what its .pth files add
    added = [p for p in sys.path if p not in before]
    at = next((i for i, p in enumerate(before) if "dist-packages" in p), len(before))
    sys.path[:] = before[:at] + added + before[at:]
    _venv = (path, sp)
    return ""


def libraries(names):
    """[(name, version, where)] of the given distributions as they were
    imported: where = the py_venv given, or the directory it came from."""
    from importlib import metadata
    out = []
    for name in names:
        mod = sys.modules.get(name)
        if mod is None:
            continue
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = getattr(mod, "__version__", None)
        if not isinstance(version, str):
            continue                 # not an installed distribution
        f = getattr(mod, "__file__", None) or "?"
        if _venv is not None and f.startswith(_venv[1] + os.sep):
            where = _venv[0]
        else:
            where = os.path.dirname(os.path.dirname(f))
        out.append((name, version, where))
    return out


def module_libraries(mod):
    """A py: module's LIBRARIES (distribution names it drives), else its
    own top-level package if it is an installed distribution."""
    names = getattr(mod, "LIBRARIES", None)
    if names is None:
        names = (mod.__name__.partition(".")[0],)
    return libraries(names)
