#!/usr/bin/env bash
# Runs the W3C test suites against `brevet serve` on this machine, through its VC-API endpoints.
#
# LOCAL ONLY: the suites (w3c/vc-data-model-2.0-test-suite, w3c/vc-di-eddsa-test-suite,
# w3c/vc-bitstring-status-list-test-suite) and the two packages they take from GitHub
# (w3c/vc-test-suite-implementations, w3c-ccg/data-integrity-test-suite-assertion) are not on
# the npm registry, so CI cannot install them. Clone them side by side into one folder yourself,
# then:
#
#   scripts/w3c-suites.sh PATH/TO/CHECKOUTS [vc-data-model-2.0-test-suite|vc-di-eddsa-test-suite|vc-bitstring-status-list-test-suite ...]
#
# What it does: points each suite's GitHub dependencies at the sibling checkouts (file:..., in
# the checkouts only) and `npm install --install-links`es them when node_modules is missing;
# builds `brevet` (debug, unless BREVET_BIN names a binary); makes a self-signed certificate
# for localhost; creates two organisations (did:web, and did:key for vc-di-eddsa, whose resolver knows only did:key) in a temporary data directory; starts `brevet serve`
# on 127.0.0.1:$BREVET_PORT with base URL https://localhost:$HTTPS_PORT behind
# interop/tls-proxy.mjs (the suites reach endpoints and status lists over https only); writes
# each suite's localConfig.cjs (the organisation's did:web as issuer id, its API key as a
# Bearer header); runs mocha with the spec reporter; prints "N passed, N failed" per suite.
# The W3C examples context is given to the server with --context from the shared vectors
# (BREVET_VECTORS, default ../shared/vectors). Nothing it fetches or writes is part of the
# repository. Needs node, npm, openssl.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHECKOUTS="${1:?usage: scripts/w3c-suites.sh PATH/TO/CHECKOUTS [SUITE ...]}"
CHECKOUTS="$(cd "$CHECKOUTS" && pwd)"
shift
SUITES=("$@")
if [[ ${#SUITES[@]} -eq 0 ]]; then
  SUITES=(vc-data-model-2.0-test-suite vc-di-eddsa-test-suite vc-bitstring-status-list-test-suite)
fi
HTTPS_PORT="${HTTPS_PORT:-40443}"
BREVET_PORT="${BREVET_PORT:-40080}"
BASE_URL="https://localhost:$HTTPS_PORT"

for dependency in vc-test-suite-implementations data-integrity-test-suite-assertion; do
  [[ -d "$CHECKOUTS/$dependency" ]] || { echo "missing $CHECKOUTS/$dependency" >&2; exit 2; }
done

install_suite() {
  local suite="$1"
  [[ -d "$CHECKOUTS/$suite" ]] || { echo "missing $CHECKOUTS/$suite" >&2; exit 2; }
  sed -i \
    -e 's#"github:w3c/vc-test-suite-implementations"#"file:../vc-test-suite-implementations"#' \
    -e 's#"github:w3c-ccg/data-integrity-test-suite-assertion"#"file:../data-integrity-test-suite-assertion"#' \
    "$CHECKOUTS/$suite/package.json"
  if [[ ! -d "$CHECKOUTS/$suite/node_modules" ]]; then
    (cd "$CHECKOUTS/$suite" && npm install --install-links --no-audit --no-fund)
  fi
}

BREVET="${BREVET_BIN:-}"
if [[ -z "$BREVET" ]]; then
  (cd "$ROOT" && cargo build -j 2 -p brevet)
  BREVET="${CARGO_TARGET_DIR:-$ROOT/target}/debug/brevet"
fi

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

openssl req -x509 -newkey ed25519 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

ORG_JSON="$("$BREVET" org create --name "W3C test suites" --slug w3c --admin-email suites@localhost.example \
  --data-dir "$WORK/data" --base-url "$BASE_URL")"
DID="$(node -e 'console.log(JSON.parse(process.argv[1]).did)' "$ORG_JSON")"
API_KEY="$(node -e 'console.log(JSON.parse(process.argv[1]).api_key)' "$ORG_JSON")"
# The vc-di-eddsa suite resolves verification methods as did:key only: its issuers are an
# organisation that signs as did:key.
KEY_ORG_JSON="$("$BREVET" org create --name "W3C test suites (did:key)" --slug w3c-key \
  --admin-email suites@localhost.example --did-method key \
  --data-dir "$WORK/data" --base-url "$BASE_URL")"
KEY_DID="$(node -e 'console.log(JSON.parse(process.argv[1]).did)' "$KEY_ORG_JSON")"
KEY_API_KEY="$(node -e 'console.log(JSON.parse(process.argv[1]).api_key)' "$KEY_ORG_JSON")"

# The suites' inputs use the W3C examples context, which Brevet does not embed (it is on no
# registry); it is given as an operator context from the shared vectors when they are present.
VECTORS="${BREVET_VECTORS:-$ROOT/../shared/vectors}"
EXAMPLES_V2="https://www.w3.org/ns/credentials/examples/v2"
CONTEXT_ARGS=()
if [[ -f "$VECTORS/contexts/index.json" ]]; then
  EXAMPLES_FILE="$(node -e 'const i = require(process.argv[1]); console.log(i[process.argv[2]].file)' \
    "$VECTORS/contexts/index.json" "$EXAMPLES_V2")"
  CONTEXT_ARGS=(--context "$EXAMPLES_V2=$VECTORS/contexts/$EXAMPLES_FILE")
else
  echo "no $VECTORS/contexts/index.json: serving without the examples context" >&2
fi
"$BREVET" serve --data-dir "$WORK/data" --bind "127.0.0.1:$BREVET_PORT" --base-url "$BASE_URL" \
  "${CONTEXT_ARGS[@]}" > "$WORK/serve.log" 2>&1 &
PIDS+=($!)
node "$ROOT/interop/tls-proxy.mjs" --listen "$HTTPS_PORT" --cert "$WORK/cert.pem" --key "$WORK/key.pem" \
  --target "http://127.0.0.1:$BREVET_PORT" > "$WORK/proxy.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do
  curl -skf "$BASE_URL/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -skf "$BASE_URL/healthz" >/dev/null || { cat "$WORK/serve.log" "$WORK/proxy.log" >&2; exit 1; }
echo "brevet serve at $BASE_URL, issuers $DID and $KEY_DID"

# localConfig.cjs for one suite: $1 = the suite, $2 issuers, $3 verifiers, $4 the API key.
write_config() {
  local suite="$1" issuers="$2" verifiers="$3" api_key="${4:-$API_KEY}"
  cat > "$CHECKOUTS/$suite/localConfig.cjs" <<EOF
// Written by brevet's scripts/w3c-suites.sh (local runs only).
const headers = {Authorization: 'Bearer $api_key'};
const base = '$BASE_URL';
module.exports = {
  settings: {enableInteropTests: false, testAllImplementations: false},
  implementations: [{
    name: 'Brevet',
    implementation: 'Brevet',
    issuers: $issuers,
    verifiers: $verifiers,
    vpVerifiers: $verifiers.map(v => ({...v, endpoint: base + '/presentations/verify'}))
  }]
};
EOF
}

issuer() { # tags [options]; the issuer DID is $ISSUER_DID
  echo "{id: '$ISSUER_DID', endpoint: base + '/credentials/issue', headers, tags: $1${2:+, options: $2}}"
}
verifier() {
  echo "{id: '$ISSUER_DID', endpoint: base + '/credentials/verify', headers, tags: $1}"
}

TOTAL_FAILED=0
for suite in "${SUITES[@]}"; do
  install_suite "$suite"
  case "$suite" in
    vc-data-model-2.0-test-suite)
      # The issuer signs with eddsa-rdfc-2022 (Brevet's default); VC2_CRYPTOSUITE=eddsa-jcs-2022
      # runs the suite with JCS instead.
      ISSUER_DID="$DID"
      write_config "$suite" "[$(issuer "['vc2.0']" "{cryptosuite: '${VC2_CRYPTOSUITE:-eddsa-rdfc-2022}'}")]" \
        "[$(verifier "['vc2.0']")]" ;;
    vc-di-eddsa-test-suite)
      ISSUER_DID="$KEY_DID"
      write_config "$suite" \
        "[$(issuer "['eddsa-rdfc-2022']"), $(issuer "['eddsa-jcs-2022']" "{cryptosuite: 'eddsa-jcs-2022'}")]" \
        "[$(verifier "['eddsa-rdfc-2022', 'eddsa-jcs-2022']")]" "$KEY_API_KEY" ;;
    vc-bitstring-status-list-test-suite)
      ISSUER_DID="$DID"
      write_config "$suite" "[$(issuer "['BitstringStatusList']")]" \
        "[$(verifier "['BitstringStatusList']")]" ;;
    *) echo "unknown suite $suite" >&2; exit 2 ;;
  esac
  echo "=== $suite"
  set +e
  (cd "$CHECKOUTS/$suite" && ISSUER_NAME_JCS=Brevet npx mocha tests/ --timeout 15000 \
    --preserve-symlinks --reporter spec) > "$WORK/$suite.out" 2>&1
  set -e
  cp "$WORK/$suite.out" "$CHECKOUTS/$suite.brevet.log"
  passing="$(grep -Eo '^ +[0-9]+ passing' "$WORK/$suite.out" | grep -Eo '[0-9]+' || echo 0)"
  failing="$(grep -Eo '^ +[0-9]+ failing' "$WORK/$suite.out" | grep -Eo '[0-9]+' || echo 0)"
  pending="$(grep -Eo '^ +[0-9]+ pending' "$WORK/$suite.out" | grep -Eo '[0-9]+' || echo 0)"
  echo "$suite: $passing passed, $failing failed, $pending skipped (log: $CHECKOUTS/$suite.brevet.log)"
  TOTAL_FAILED=$((TOTAL_FAILED + failing))
done
[[ $TOTAL_FAILED -eq 0 ]]
