#!/usr/bin/env bash
# Trivy's inventory (CycloneDX, license scanner only) with an empty layer cache: TRIVY ARCHIVE [OUTPUT]
set -euo pipefail
trivy=$1 archive=$2 output=${3:-/dev/null}
cache=$(mktemp -d "${TMPDIR:-/tmp}/keelson-bench-trivy-XXXXXX")
trap 'rm -rf "$cache"' EXIT
# An empty Java index DB (bench/trivy-java-db.mjs): offline, Trivy refuses images with JARs without one.
cp -r "$(dirname "$trivy")/java-db" "$cache/"
"$trivy" image --input "$archive" --scanners license --format cyclonedx --cache-dir "$cache" \
  --skip-java-db-update --quiet --output "$output"
