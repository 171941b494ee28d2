/**
 * Micro-benchmark of matchInventory() (in-process, no CLI start-up): a 1,000-package inventory against
 * an advisory database. Usage: node dist/bench/match-inventory.js DB_DIR SBOM.json [RUNS] [FEED_RECORDS]
 *
 * The inventory is the Debian 12 image's own inventory (`keelson sbom --format json`: its distro and
 * dpkg packages) topped up to 1,000 packages with npm packages named like the synthetic feed's
 * (bench/synthetic-feed.ts): two in three are in the feed, with versions inside and outside its ranges.
 * Prints one JSON line: {runs, packages, findings, medianMs, minMs, maxMs}.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { AdvisoryDb } from '../src/advisories/db/reader.js';
import type { Inventory, Package } from '../src/core/types.js';
import { matchInventory } from '../src/matching/match.js';
import { npmPackageName, RECORDS_PER_PACKAGE } from './synthetic-feed-names.js';

const [dbDir, sbomPath, runsArg, recordsArg] = process.argv.slice(2);
if (!dbDir || !sbomPath) {
  console.error('usage: match-inventory.js DB_DIR SBOM.json [RUNS]');
  process.exit(2);
}
const runs = Number(runsArg ?? 50);
const TOTAL = 1000;

const base = JSON.parse(readFileSync(sbomPath, 'utf8')) as Inventory;
const packages: Package[] = base.packages.slice(0, TOTAL);
const feedPackages = Math.max(1, Math.floor(Number(recordsArg ?? 300_000) / RECORDS_PER_PACKAGE));
for (let i = 0; packages.length < TOTAL; i++) {
  // Every third name is not in the feed; the others spread over the feed's packages.
  const name = i % 3 === 2 ? `not-in-feed-${i}` : npmPackageName((i * 7919) % feedPackages);
  const version = `${i % 6}.${i % 10}.${i % 4}`;
  packages.push({
    name,
    version,
    type: 'npm',
    location: `app/node_modules/${name}/package.json`,
    purl: `pkg:npm/${name}@${version}`,
    foundBy: 'bench',
  });
}
const inventory: Inventory = { ...base, packages };

const db = AdvisoryDb.open(dbDir);
try {
  // Warm-up: the first runs compile the code paths and fill SQLite's page cache.
  let findings = 0;
  for (let i = 0; i < 3; i++) findings = matchInventory(inventory, db).findings.length;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    matchInventory(inventory, db);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const median = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  console.log(
    JSON.stringify({
      runs,
      packages: packages.length,
      findings,
      medianMs: Number(median.toFixed(2)),
      minMs: Number(times[0]!.toFixed(2)),
      maxMs: Number(times.at(-1)!.toFixed(2)),
    }),
  );
} finally {
  db.close();
}
