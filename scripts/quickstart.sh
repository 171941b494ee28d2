#!/usr/bin/env bash
# The README's first command: install, build, then inventory every bundled sample image and write their SBOMs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "keelson: building…" >&2
npx tsc -p tsconfig.json
node scripts/bundle-cli.mjs
out=demo-output
mkdir -p "$out"
for image in samples/*.tar samples/*.tar.gz; do
  [ -e "$image" ] || continue
  name=$(basename "$image"); name=${name%%.tar*}
  echo
  echo "════ $image"
  node bin/keelson.js inspect "$image"
  node bin/keelson.js sbom "$image" --format cyclonedx --output "$out/$name.cdx.json"
  node bin/keelson.js sbom "$image" --format spdx --output "$out/$name.spdx.json"
done
echo
echo "SBOMs (CycloneDX 1.6 and SPDX 2.3) written to $out/"
