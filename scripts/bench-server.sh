#!/usr/bin/env bash
# Load test of `brevet serve` on loopback with wrk (Debian package `wrk`), on the embedded
# SQLite database: awards through the API, POST /api/v1/verify, and GET /c/{id}. Prints wrk's
# figures (requests/s, latency percentiles, errors) and the server's resident memory.
# Usage: scripts/bench-server.sh [SECONDS] [CONNECTIONS]   (a benchmark, not a test)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DURATION="${1:-10}"
CONNECTIONS="${2:-32}"
PORT="${BREVET_BENCH_PORT:-18080}"
BASE="http://127.0.0.1:$PORT"
WORK="$(mktemp -d)"
trap 'kill "${SERVER_PID:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
# BREVET_BENCH_BIN names a binary to measure instead of building the release one.
if [[ -n "${BREVET_BENCH_BIN:-}" ]]; then
  BIN="$BREVET_BENCH_BIN"
else
  cargo build --release -q -p brevet
  BIN="${CARGO_TARGET_DIR:-target}/release/brevet"
fi

ORG_JSON=$("$BIN" org create --name "Bench College" --slug bench --admin-email bench@example.org \
  --data-dir "$WORK/data" --bind "127.0.0.1:$PORT")
KEY=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["api_key"])' "$ORG_JSON")

"$BIN" serve --data-dir "$WORK/data" --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 50); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done

ACH=$(curl -sf -X POST "$BASE/api/v1/achievements" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' \
  -d '{"achievement_type":"Certificate","name":"Rust Systems Programming","description":"Designs, builds and tests safe, concurrent systems software in Rust.","criteria":"Complete the 12-week course and pass the final assessment.","alignments":[{"targetName":"Systems programming","targetUrl":"https://skills.example.org/systems-programming","targetCode":"SWE-SP-3","targetFramework":"Example Software Skills"}]}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

echo "{\"achievement_id\":\"$ACH\",\"recipient\":{\"email\":\"learner@example.org\",\"name\":\"Ada Lovelace\"}}" >"$WORK/award.json"
AWARD=$(curl -sf -X POST "$BASE/api/v1/credentials" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' --data-binary @"$WORK/award.json")
CRED_ID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$AWARD")
python3 -c 'import json,sys; json.dump(json.loads(sys.argv[1])["credential"], open(sys.argv[2], "w"))' "$AWARD" "$WORK/credential.json"

rss() { awk '/VmRSS/ {print $2/1024 " MB"}' "/proc/$SERVER_PID/status"; }

echo "# brevet serve on SQLite, wrk -t2 -c$CONNECTIONS -d${DURATION}s, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## POST /api/v1/credentials (awards)"
BODY_FILE="$WORK/award.json" TOKEN="$KEY" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s scripts/wrk/post-json.lua "$BASE/api/v1/credentials"
echo "server RSS: $(rss)"
echo "## POST /api/v1/verify"
BODY_FILE="$WORK/credential.json" TOKEN="" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s scripts/wrk/post-json.lua "$BASE/api/v1/verify"
echo "server RSS: $(rss)"
echo "## GET /c/{id}"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s scripts/wrk/get.lua "$BASE/c/$CRED_ID"
echo "server RSS: $(rss)"
