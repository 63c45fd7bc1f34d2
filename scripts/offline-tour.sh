#!/usr/bin/env bash
# `make tour`: a fresh data directory, the sample workspace, its Salesforce records and
# activities, then what the log knows. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/debug/synclog}
DATA=$(mktemp -d "${TMPDIR:-/tmp}/synclog-demo.XXXXXX")
trap 'rm -rf "$DATA"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "configure the sample workspace"
"$BIN" configure --data "$DATA" Samples/workspace.json

step "ingest the sample org's records (Salesforce changes)"
"$BIN" ingest --data "$DATA" --changes Samples/changes.jsonl

step "ingest the sample activities (two are delivered twice on purpose: D1)"
"$BIN" ingest --data "$DATA" Samples/activities.jsonl

step "ingest two broken lines: each is refused with its line and reason, and kept"
printf '%s\n' '{"id":"act_bad_1","workspace":"acme","type":"email.sent","occurredAt":"yesterday","userId":"u_1"}' \
  '{"id":"act_bad_2","workspace":"acme","type":"email.teleported","occurredAt":"2026-11-20T15:04:05Z","userId":"u_1"}' \
  | "$BIN" ingest --data "$DATA" - || echo "(exit status $? : input was refused, as expected)"

step "the activity log, per role (L4)"
"$BIN" activity-log --data "$DATA" --summary

step "the first ten activities (L1-L3)"
"$BIN" activity-log --data "$DATA" --limit 10

step "why: three explain stories"
for id in $("$BIN" activity-log --data "$DATA" --json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
seen, picks = set(), []
for row in rows:
    key = (row["status"], row.get("rule"))
    if key not in seen and row["status"] not in {s for s, _ in seen}:
        seen.add(key); picks.append(row["activityId"])
for row in rows:
    key = (row["status"], row.get("rule"))
    if len(picks) < 3 and key not in seen:
        seen.add(key); picks.append(row["activityId"])
print(" ".join(picks[:3]))'); do
  "$BIN" explain --data "$DATA" "$id"
  echo
done

step "what the log holds"
"$BIN" stats --data "$DATA"

step "refused input, kept with its reason"
"$BIN" dead-letters --data "$DATA" | head -20

step "replay and verify the projections"
"$BIN" replay --data "$DATA" --verify
