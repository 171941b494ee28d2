#!/usr/bin/env bash
# npm run bench:agreement — keelson and Trivy 0.44.1 on the same images (Alpine 3.10, synthetic Wolfi and
# Chainguard, Photon 5, Debian 12) with the same feed files; Trivy runs offline on a DB that
# trivydb-build (../shared/tools/trivydb-build, or TRIVYDB_BUILD_SRC) writes from those files.
# Prints a Markdown table of every differing finding with its explanation, then `UNEXPLAINED: N`.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/peers.sh
require_null_device
command -v mmdebstrap >/dev/null || { echo "bench: mmdebstrap is required (apt-get install mmdebstrap)" >&2; exit 2; }

bash scripts/ensure-deps.sh
npm run --silent build
ensure_trivy
ensure_trivydb_build
# The Debian 12 image (and the other bench inputs: idempotent).
node dist/bench/prepare-inputs.js > /dev/null

export TRIVY TRIVYDB_BUILD
node dist/bench/agreement.js .bench/agreement
