#!/usr/bin/env python3
"""Validate Schemas/examples and Samples/ against the JSON Schemas in Schemas/.

Prints one JSON object per checked document:
  {"file": "Schemas/examples/good/activity/x.json", "line": null, "schema": "activity", "valid": true, "error": null}
`line` is the 1-based line of a JSON Lines file. Exit status is 0 when every
document matched its expectation (good/ valid, bad/ invalid, bad-semantic/ valid:
those are refused only by the Swift decoders), 1 otherwise.

Tests/SchemaTests runs this and compares each verdict with the Swift decoders'.
Usage: python3 scripts/validate_schemas.py [--root REPO] [--quiet]
"""
import argparse
import json
import os
import sys

import jsonschema

SCHEMAS = {
    "activity": "activity.schema.json",
    "workspace-configuration": "workspace-configuration.schema.json",
    "salesforce-change": "salesforce-change.schema.json",
}
SAMPLES = {
    "activities.jsonl": "activity",
    "changes.jsonl": "salesforce-change",
    "workspace.json": "workspace-configuration",
}


def validators(root):
    out = {}
    for kind, name in SCHEMAS.items():
        with open(os.path.join(root, "Schemas", name), encoding="utf-8") as f:
            schema = json.load(f)
        cls = jsonschema.Draft202012Validator
        cls.check_schema(schema)
        out[kind] = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return out


def verdict(validator, text):
    try:
        doc = json.loads(text)
    except ValueError as e:
        return False, "not JSON: %s" % e
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if not errors:
        return True, None
    e = errors[0]
    path = "".join("[%d]" % p if isinstance(p, int) else "." + p for p in e.absolute_path).lstrip(".")
    return False, "%s: %s" % (path or "(root)", e.validator)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--quiet", action="store_true", help="print only mismatches")
    args = parser.parse_args()
    root = args.root
    vs = validators(root)
    ok = True
    results = []
    examples = os.path.join(root, "Schemas", "examples")
    for cls in ("good", "bad", "bad-semantic"):
        for kind in sorted(SCHEMAS):
            d = os.path.join(examples, cls, kind)
            if not os.path.isdir(d):
                continue
            for name in sorted(os.listdir(d)):
                path = os.path.join(d, name)
                with open(path, encoding="utf-8") as f:
                    valid, error = verdict(vs[kind], f.read())
                expected = cls != "bad"
                ok = ok and valid == expected
                results.append(({"file": os.path.relpath(path, root), "line": None, "schema": kind,
                                 "valid": valid, "error": error}, valid == expected))
    for name, kind in SAMPLES.items():
        path = os.path.join(root, "Samples", name)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            if name.endswith(".jsonl"):
                for i, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    valid, error = verdict(vs[kind], line)
                    ok = ok and valid
                    results.append(({"file": os.path.relpath(path, root), "line": i, "schema": kind,
                                     "valid": valid, "error": error}, valid))
            else:
                valid, error = verdict(vs[kind], f.read())
                ok = ok and valid
                results.append(({"file": os.path.relpath(path, root), "line": None, "schema": kind,
                                 "valid": valid, "error": error}, valid))
    for result, matched in results:
        if not args.quiet or not matched:
            print(json.dumps(result, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
