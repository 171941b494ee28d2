#!/usr/bin/env bash
# The README's first command: install, build, import the bundled demo advisory snapshot into the embedded
# SQLite database, then scan every bundled sample image and write their SBOMs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "keelson: building…" >&2
npx tsc -p tsconfig.json
node scripts/bundle-cli.mjs
out=demo-output
db="$out/advisory-db"
mkdir -p "$out"
echo "keelson: importing the demo advisory snapshot (samples/advisories: DEMO data, not real advisories)…" >&2
rm -rf "$db"
node bin/keelson.js db import samples/advisories --db-dir "$db"
for image in samples/*.tar samples/*.tar.gz; do
  [ -e "$image" ] || continue
  name=$(basename "$image"); name=${name%%.tar*}
  echo
  echo "════ $image"
  node bin/keelson.js inspect "$image"
  echo
  node bin/keelson.js scan "$image" --db-dir "$db"
  node bin/keelson.js sbom "$image" --format cyclonedx --output "$out/$name.cdx.json"
  node bin/keelson.js sbom "$image" --format spdx --output "$out/$name.spdx.json"
  node bin/keelson.js scan "$image" --db-dir "$db" --quiet \
    --format "json=$out/$name.scan.json" --format "html=$out/$name.scan.html" --format "sarif=$out/$name.sarif" 2>/dev/null
done
echo
echo "Findings (JSON, HTML, SARIF), SBOMs (CycloneDX 1.6 and SPDX 2.3) written to $out/; demo advisory database in $db"
echo "Try: node bin/keelson.js explain samples/alpine-3.10.tar.gz CVE-2021-3450 --db-dir $db"
