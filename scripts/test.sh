#!/usr/bin/env bash
# The whole test suite: dependencies, lint, typecheck + build, then every test file with node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "== lint" >&2
npx biome check src test scripts bin bench
echo "== typecheck + build" >&2
rm -rf dist
npx tsc -p tsconfig.json
node scripts/bundle-cli.mjs
echo "== tests" >&2
mapfile -t files < <(find dist -name '*.test.js' | sort)
if [ "$#" -gt 0 ]; then mapfile -t files < <(printf '%s\n' "${files[@]}" | grep -E "$1"); fi
node --test --test-timeout=600000 --test-reporter=spec "${files[@]}"
