# SPDX-License-Identifier: Apache-2.0
"""Validate redirtorture JSON reports against docs/report.schema.json.

usage: /usr/bin/python3 tests/validate_reports.py SCHEMA FILE...

A FILE that is a report ("schema": "redirtorture-report/1"; any file that
mentions "redirtorture-report/1" and does not parse counts as one) must be
strict UTF-8, parse as JSON and validate; other JSON files (traces, the
schema itself) are skipped.  Prints one line per bad report and exits 1 if there is any;
prints how many reports were checked.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate_reports: python3-jsonschema is missing (scripts/install-deps.sh installs it)")
    sys.exit(2)


def main():
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    bad = checked = 0
    for path in sys.argv[2:]:
        raw = open(path, "rb").read()
        if b'"redirtorture-report/1"' not in raw:
            continue
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            print("%s: not a JSON document in UTF-8: %s" % (path, e))
            checked += 1
            bad += 1
            continue
        if not isinstance(doc, dict) or doc.get("schema") != "redirtorture-report/1":
            continue   # e.g. the schema itself, installed with the docs
        checked += 1
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors[:3]:
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            print("%s: %s: %s" % (path, where, e.message[:300]))
        bad += bool(errors)
    print("validate_reports: %d report(s) checked against %s, %d bad" % (checked, sys.argv[1], bad))
    sys.exit(1 if bad else 0)


main()
