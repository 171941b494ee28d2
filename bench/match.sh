#!/usr/bin/env bash
# npm run bench:match — advisory import and matching speed:
#  1. import a synthetic feed of RECORDS OSV npm advisories (default 300,000; target ≤ 60 s, DB ≤ 300 MB);
#  2. matchInventory() on a 1,000-package inventory, median of 50 in-process runs (target ≤ 50 ms);
#  3. full `keelson scan` of the Debian 12 image, cold and warm, next to Trivy 0.44.1 on the same image
#     with a DB built from the same synthetic Debian tracker JSON (target ≤ 0.5× Trivy's wall time).
# hyperfine (median of RUNS runs, default 5) and /usr/bin/time -v (peak RSS); Markdown on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/peers.sh
RUNS=${RUNS:-5}
RECORDS=${RECORDS:-300000}
W=.bench/match
R=$W/results
require_null_device
for tool in hyperfine mmdebstrap /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required (apt-get install hyperfine mmdebstrap time)" >&2; exit 2; }
done

bash scripts/ensure-deps.sh
npm run --silent build
ensure_trivy
ensure_trivydb_build
node dist/bench/prepare-inputs.js > /dev/null
mkdir -p "$R"
rm -f "$R"/*
KEELSON="node $PWD/bin/keelson.js"
IMAGE=$PWD/.bench/inputs/debian12.docker.tar

# 1. Import. The feed is generated once per size (SYNTHETIC records, see bench/synthetic-feed.ts).
FEED=$W/npm-$RECORDS
[ -d "$FEED" ] || { echo "bench: writing $RECORDS synthetic OSV records to $FEED" >&2; node dist/bench/synthetic-feed.js npm "$RECORDS" "$FEED"; }
echo "bench: import ($RECORDS records)" >&2
hyperfine --runs "$RUNS" --style basic --export-json "$R/import.json" --prepare "rm -rf $W/import-db" \
  -n "keelson db import ($RECORDS OSV records)" "$KEELSON db import $FEED --db-dir $W/import-db --source osv" >&2
rm -rf "$W/import-db"
/usr/bin/time -f '%M' -o "$R/import.rss" $KEELSON db import "$FEED" --db-dir "$W/import-db" --source osv > /dev/null 2>&1
stat -c '%s' "$W/import-db/advisories.db" > "$R/import.dbsize"

# The synthetic Debian tracker for the image's real source packages (the same file goes to Trivy).
$KEELSON sbom "$IMAGE" --format json --no-cache --output "$W/debian12.inventory.json"
node dist/bench/synthetic-feed.js debian-tracker "$W/debian12.inventory.json" "$W/debian-tracker.json"

# 2. matchInventory() on 1,000 packages against the imported feed plus the tracker.
$KEELSON db import "$W/debian-tracker.json" --db-dir "$W/import-db" --source debian-tracker > /dev/null 2>&1
node dist/bench/match-inventory.js "$W/import-db" "$W/debian12.inventory.json" 50 "$RECORDS" > "$R/match.json"

# 3. Full scans on the same DB contents: keelson's DB and Trivy's DB from the same tracker file.
rm -rf "$W/scan-db" "$W/trivy-cache" "$W/keelson-cache"
$KEELSON db import "$W/debian-tracker.json" --db-dir "$W/scan-db" --source debian-tracker > /dev/null 2>&1
"$TRIVYDB_BUILD" -cache-dir "$W/trivy-cache" -debian "$W/debian-tracker.json" 2> /dev/null
cp -r .bench/peers/java-db "$W/trivy-cache/"
TRIVY_ARGS="image --input $IMAGE --skip-db-update --skip-java-db-update --offline-scan --scanners vuln --format json --quiet"
KEELSON_SCAN="$KEELSON scan $IMAGE --db-dir $W/scan-db --format json"
# Trivy cold: a fresh cache directory holding only the DB files (no layer analysis cached).
TRIVY_COLD="sh -c 'c=\$(mktemp -d); cp -r $W/trivy-cache/db $W/trivy-cache/java-db \$c/; $TRIVY $TRIVY_ARGS --cache-dir \$c > /dev/null; rm -rf \$c'"
TRIVY_WARM="$TRIVY $TRIVY_ARGS --cache-dir $W/trivy-cache"
$KEELSON_SCAN --cache-dir "$W/keelson-cache" > /dev/null
$TRIVY_WARM > /dev/null
echo "bench: scan $IMAGE" >&2
hyperfine --runs "$RUNS" --warmup 1 --style basic --export-json "$R/scan.json" \
  -n "keelson scan cold" "$KEELSON_SCAN --no-cache" \
  -n "keelson scan warm" "$KEELSON_SCAN --cache-dir $W/keelson-cache" \
  -n "trivy cold" "$TRIVY_COLD" \
  -n "trivy warm" "$TRIVY_WARM" >&2
for cmd in "keelson scan cold|$KEELSON_SCAN --no-cache" "keelson scan warm|$KEELSON_SCAN --cache-dir $W/keelson-cache" \
           "trivy cold|$TRIVY_COLD" "trivy warm|$TRIVY_WARM"; do
  rss=$( { /usr/bin/time -f '%M' sh -c "${cmd#*|} > /dev/null 2>&1"; } 2>&1 | tail -1)
  echo "{\"name\":\"${cmd%%|*}\",\"maxRssKb\":$rss}"
done > "$R/scan.rss.jsonl"
# Both found the same number of findings? (the agreement bench explains any difference)
echo "{\"keelson\":$($KEELSON_SCAN --no-cache | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).findings.filter(f=>!f.suppressed).length))'),\"trivy\":$($TRIVY_WARM | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log((JSON.parse(s).Results??[]).flatMap(r=>r.Vulnerabilities??[]).length))')}" > "$R/scan.findings.json"

node dist/bench/match-report.js "$R" "$RECORDS"
