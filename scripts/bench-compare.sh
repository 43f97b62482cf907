#!/usr/bin/env bash
# Speed of Brevet against the JavaScript reference stack, measured in the same
# run on this machine: builds the release binary, runs `brevet bench --runs N`
# and `node interop/bench.mjs --runs N` on the same sample credential (the
# unsigned badge `brevet demo` writes, which `brevet bench` measures), prints
# both and the ratios.
#
# Usage: scripts/bench-compare.sh [RUNS]   (default 5; the issue's targets:
#   rdfc issue >= 60x JS, rdfc verify >= 50x JS, jcs issue >= 25,000/s)
# A benchmark, not a test: it exits 0 whatever the ratios (2 if a figure is
# missing).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS="${1:-5}"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
cargo build --release -p brevet --quiet
if [[ ! -d interop/node_modules ]]; then
  (cd interop && npm ci --no-audit --no-fund --silent)
fi

BREVET="$TARGET_DIR/release/brevet"
JS_ARGS=(--runs "$RUNS")
if "$BREVET" demo --dir "$OUT/demo" >/dev/null && [[ -f "$OUT/demo/badge.json" ]]; then
  JS_ARGS+=(--credential "$OUT/demo/badge.json")
else
  echo "# brevet demo wrote no badge.json: the JS figures use interop/fixtures/ob3-credential.json"
fi

echo "## brevet bench --runs $RUNS"
"$BREVET" bench --runs "$RUNS" | tee "$OUT/brevet.txt"
echo "## node interop/bench.mjs ${JS_ARGS[*]}"
node interop/bench.mjs "${JS_ARGS[@]}" | tee "$OUT/js.txt"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# median of NAME from a `NAME MEDIAN MIN MAX RUNS` file
median() {
  awk -v name="$2" '$1 == name { print $2; found = 1 } END { if (!found) exit 1 }' "$1"
}

status=0
echo "## ratios (brevet median / JavaScript median)"
printf '%-10s %-8s %12s %12s %9s %s\n' suite op brevet/s js/s ratio target
for pair in "rdfc issue 60" "rdfc verify 50" "jcs issue -" "jcs verify -"; do
  read -r suite op target <<<"$pair"
  if ! ours=$(median "$OUT/brevet.txt" "$suite.${op}_per_s") ||
    ! theirs=$(median "$OUT/js.txt" "js.$suite.${op}_per_s"); then
    echo "missing figure for $suite.${op}_per_s"
    status=2
    continue
  fi
  awk -v s="$suite" -v o="$op" -v a="$ours" -v b="$theirs" -v t="$target" 'BEGIN {
    r = a / b
    verdict = (t == "-") ? "" : sprintf("%s (>= %dx)", (r >= t ? "meets" : "BELOW"), t)
    printf "%-10s %-8s %12.1f %12.1f %8.1fx %s\n", s, o, a, b, r, verdict
  }'
done
if jcs=$(median "$OUT/brevet.txt" "jcs.issue_per_s"); then
  awk -v a="$jcs" 'BEGIN { printf "jcs.issue_per_s %.0f: %s the 25,000/s target\n", a, (a >= 25000 ? "meets" : "BELOW") }'
fi
exit "$status"
