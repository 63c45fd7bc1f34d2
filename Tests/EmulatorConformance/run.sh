#!/usr/bin/env bash
# Conformance test of the Salesforce emulator with a real, independent client: simple-salesforce (PyPI),
# over HTTPS with a self-signed certificate made here by openssl.
#
# Usage: Tests/EmulatorConformance/run.sh PATH/TO/synclog   (or SYNCLOG_BIN=PATH)
# Optional: CONFORMANCE_VENV=DIR to reuse a virtualenv between runs.
# Exit 0 with "SKIPPED: ..." only when PyPI cannot be reached.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="${1:-${SYNCLOG_BIN:-}}"
if [[ -z "$BIN" || ! -x "$BIN" ]]; then
  echo "usage: $0 PATH/TO/synclog (the executable with the 'emulator' subcommand)" >&2
  exit 2
fi
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"

WORK="$(mktemp -d -t synclog-conformance.XXXXXX)"
EMULATOR_PID=""
cleanup() {
  if [[ -n "$EMULATOR_PID" ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$EMULATOR_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$EMULATOR_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# 1. The client, in its own virtualenv.
VENV="${CONFORMANCE_VENV:-$WORK/venv}"
if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import simple_salesforce, pytest" 2>/dev/null; then
  if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check "simple-salesforce>=1.12" "pytest>=7" >"$WORK/pip.log" 2>&1; then
    if ! "$VENV/bin/pip" download --quiet --no-deps --disable-pip-version-check -d "$WORK/probe" pytest >/dev/null 2>&1; then
      echo "SKIPPED: PyPI is unreachable, cannot install simple-salesforce (pip said: $(tail -1 "$WORK/pip.log"))"
      exit 0
    fi
    cat "$WORK/pip.log" >&2
    echo "FAILED: could not install simple-salesforce although PyPI is reachable" >&2
    exit 1
  fi
fi

# 2. A self-signed certificate for 127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 1 \
  -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1

# 3. The org.
cat >"$WORK/org.json" <<'JSON'
{"settings":{"sharedActivities":false,"dailyApiLimit":15000,
             "activityFields":[{"name":"Synclog_Key__c","type":"string","externalId":true,"unique":true},
                               {"name":"MixmaxActivityDateTime__c","type":"datetime"}],
             "validationRules":[{"object":"Task","field":"Subject","pattern":"^(?!Bounced).*","message":"Bounces are not logged here"}],
             "hiddenFields":{"Task":["Type"]},
             "clientId":"conformance-client","refreshTokens":["conformance-refresh"],"accessTokenTTLSeconds":3600},
 "User":[{"Id":"005000000000001AAA","Username":"alice@acme.com","LastName":"Ng","IsActive":true}],
 "Account":[{"Id":"001000000000001AAA","Name":"Globex"}],
 "Contact":[{"Id":"003000000000001AAA","Email":"bob@globex.com","FirstName":"Bob","LastName":"Li","AccountId":"001000000000001AAA"}],
 "Lead":[], "Opportunity":[], "OpportunityContactRole":[]}
JSON

# 4. The emulator, on a free port.
"$BIN" emulator --port 0 --org "$WORK/org.json" --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" >"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!
URL=""
for _ in $(seq 1 100); do
  URL="$(grep -o 'listening on https://[0-9.:]*' "$WORK/emulator.log" | head -1 | sed 's/listening on //')" || true
  [[ -n "$URL" ]] && break
  kill -0 "$EMULATOR_PID" 2>/dev/null || { cat "$WORK/emulator.log" >&2; echo "FAILED: the emulator exited" >&2; exit 1; }
  sleep 0.1
done
if [[ -z "$URL" ]]; then cat "$WORK/emulator.log" >&2; echo "FAILED: the emulator did not start" >&2; exit 1; fi

export EMULATOR_URL="$URL" EMULATOR_CA="$WORK/cert.pem"
# requests lets these variables override a session's own verify setting: point them at our certificate.
export REQUESTS_CA_BUNDLE="$WORK/cert.pem" CURL_CA_BUNDLE="$WORK/cert.pem"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider "$HERE/test_conformance.py"
