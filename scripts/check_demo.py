#!/usr/bin/env python3
"""CI's check of `make demo`: runs `synclog demo --json` and checks its figures.

- it finishes within 2 minutes (after the build) and leaves no process behind;
- every delivered activity is accounted for: accepted + duplicates + rejected = delivered,
  and synced + not synced + errors = accepted (nothing left pending);
- the only errors are the injected permanent ones (the org's validation rule on bounce
  Tasks: FIELD_CUSTOM_VALIDATION_EXCEPTION); the injected transient errors were retried away;
- the address that got its Contact in real time (R5 via C2) synced;
- API calls stay far below one per activity (at most 40 per 1,000, reads of the org included);
- three explain stories were printed.
"""
import json
import subprocess
import sys
import time

binary = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/synclog"
started = time.monotonic()
proc = subprocess.run([binary, "demo", "--json"], capture_output=True, text=True, timeout=300)
elapsed = time.monotonic() - started
sys.stdout.write(proc.stdout)
sys.stderr.write(proc.stderr)
problems = []
if proc.returncode != 0:
    problems.append(f"synclog demo exited with {proc.returncode}")
lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
if not lines:
    print("check_demo: no JSON figures in the output", file=sys.stderr)
    sys.exit(1)
f = json.loads(lines[-1])

def expect(cond, text):
    if not cond:
        problems.append(text)

expect(elapsed < 120, f"the demo took {elapsed:.0f} s (limit 120 s)")
expect(f["accepted"] + f["duplicates"] + f["rejected"] == f["activitiesDelivered"],
       f"delivered {f['activitiesDelivered']} != accepted {f['accepted']} + duplicates {f['duplicates']} + rejected {f['rejected']}")
expect(f["duplicates"] > 0, "no redelivery was reported as a duplicate (D1)")
# The generator's messy lines (a recipient missing, an address with a trailing space) are refused
# and kept as dead letters with their reason: bad input is part of the story, but only a little.
expect(f["rejected"] < f["activitiesDelivered"] // 10, f"{f['rejected']} of {f['activitiesDelivered']} activities were rejected")
expect(f["synced"] + f["notSynced"] + f["errors"] == f["accepted"],
       f"synced {f['synced']} + not synced {f['notSynced']} + errors {f['errors']} != accepted {f['accepted']}")
expect(f["pending"] == 0, f"{f['pending']} activities still pending after the worker went idle")
expect(f["synced"] > f["accepted"] // 3, f"only {f['synced']} of {f['accepted']} synced")
unexpected = {code: n for code, n in f["errorCodes"].items() if code != "FIELD_CUSTOM_VALIDATION_EXCEPTION"}
expect(not unexpected, f"errors other than the injected permanent ones: {unexpected}")
expect(f["resolvedStatus"] == "Synced", f"the activity waiting for its Contact (real time, R5) is {f['resolvedStatus']}")
expect(0 < f["apiCallsPer1000"] <= 40, f"{f['apiCallsPer1000']} API calls per 1,000 activities")
expect(len(f["explained"]) == 3, f"{len(f['explained'])} explain stories, not 3")
left = subprocess.run(["pgrep", "-f", f"{binary} demo"], capture_output=True, text=True).stdout.split()
expect(not left, f"processes left running: {left}")

if problems:
    print("\ncheck_demo: FAILED", file=sys.stderr)
    for p in problems:
        print("  - " + p, file=sys.stderr)
    sys.exit(1)
print(f"\ncheck_demo: ok ({elapsed:.1f} s; {f['accepted']} activities, {f['synced']} synced, "
      f"{f['notSynced']} not synced, {f['errors']} errors; {f['apiCallsPer1000']} API calls per 1,000)")
