#!/usr/bin/env bash
# npm run bench:interop — Trivy 0.44.1 reads keelson's CycloneDX SBOM: for each bench:agreement image (Alpine
# 3.10, synthetic Wolfi and Chainguard, Photon 5, Debian 12), `trivy image` on the archive and `trivy sbom` on
# `keelson sbom --format cyclonedx` of it, offline on one DB that trivydb-build writes from the same feeds.
# Prints a Markdown table per image and every differing finding, then `DIFFERENCES: N`.
# Not a CI test. KEELSON_BENCH_DIST=DIR runs an already compiled bench (skips the build).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/peers.sh
require_null_device

dist=${KEELSON_BENCH_DIST:-}
if [ -z "$dist" ]; then
  command -v mmdebstrap >/dev/null || { echo "bench: mmdebstrap is required (apt-get install mmdebstrap)" >&2; exit 2; }
  bash scripts/ensure-deps.sh
  npm run --silent build
  dist=dist
fi
ensure_trivy
ensure_trivydb_build
# The Debian 12 image (idempotent; the other images come from bench:agreement's inputs).
[ -f .bench/inputs/debian12.docker.tar ] || node "$dist/bench/prepare-inputs.js" > /dev/null

export TRIVY TRIVYDB_BUILD
node "$dist/bench/interop.js" .bench/interop
