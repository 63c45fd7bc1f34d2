#!/usr/bin/env python3
"""Regenerates Sources/SalesforceEmulator/RecordedDescribes.swift from the recorded describe fixtures."""
import collections
import json
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
fixtures = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/fixtures/salesforce-describe"
names = ["Account", "Contact", "Custom__c", "Event", "Lead", "Opportunity", "OpportunityContactRole", "Global"]
out = ["// Generated from /work/shared/fixtures/salesforce-describe/ (recorded describes of a real org), minified.",
       "// Embedded so the emulator needs no resource bundle and runs from any directory or install location.",
       "// Regenerate: python3 Tests/EmulatorConformance/embed_describes.py",
       "",
       "enum RecordedDescribes {",
       "    static let all: [String: String] = ["]
for n in names:
    with open(os.path.join(fixtures, f"{n}_describe.json")) as f:
        d = json.load(f, object_pairs_hook=collections.OrderedDict)
    text = json.dumps(d, separators=(",", ":"), ensure_ascii=False)
    assert '"#' not in text
    out.append(f'        "{"__global" if n == "Global" else n}": #"{text}"#,')
out += ["    ]", "}"]
with open(os.path.join(root, "Sources/SalesforceEmulator/RecordedDescribes.swift"), "w") as f:
    f.write("\n".join(out) + "\n")
