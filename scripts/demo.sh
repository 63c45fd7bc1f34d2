#!/usr/bin/env bash
# `make demo`: a fresh data directory, the sample workspace, its Salesforce records and
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

step "ingest the sample activities (some are refused or duplicated on purpose)"
"$BIN" ingest --data "$DATA" Samples/activities.jsonl || true

step "what the log holds"
"$BIN" stats --data "$DATA"

step "refused input, kept with its reason"
"$BIN" dead-letters --data "$DATA" | head -20

step "replay and verify the projections"
"$BIN" replay --data "$DATA" --verify
