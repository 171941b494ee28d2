/**
 * Synthetic feeds for bench:match (SYNTHETIC data: invented package names, versions and ids).
 *
 *   node dist/bench/synthetic-feed.js npm COUNT OUTDIR
 *     osv.dev-style npm `all.zip` archives: COUNT OSV records (one JSON member each) over COUNT/10 packages,
 *     with semver ranges (introduced/fixed, some last_affected, some two ranges), CVE aliases, severities;
 *   node dist/bench/synthetic-feed.js debian-tracker SBOM.json OUT.json
 *     the bench's synthetic Debian tracker (see agreement-inputs.ts) for the source packages of an
 *     inventory written by `keelson sbom --format json`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Zippable, zipSync } from 'fflate';
import { syntheticTracker } from './agreement-inputs.js';
import { npmPackageName, RECORDS_PER_PACKAGE } from './synthetic-feed-names.js';

const GHSA_ALPHABET = '23456789cfghjmpqrvwx';

/** A GHSA-shaped id (`GHSA-xxxx-xxxx-xxxx`) that is unique per n. */
function ghsaId(n: number): string {
  const chars: string[] = [];
  let v = n;
  for (let i = 0; i < 12; i++) {
    chars.push(GHSA_ALPHABET[v % GHSA_ALPHABET.length]!);
    v = Math.floor(v / GHSA_ALPHABET.length);
  }
  const s = chars.join('');
  return `GHSA-${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`;
}

const SEVERITIES = ['LOW', 'MODERATE', 'HIGH', 'CRITICAL'];

function osvRecord(n: number): Record<string, unknown> {
  const pkg = Math.floor(n / RECORDS_PER_PACKAGE);
  const k = n % RECORDS_PER_PACKAGE;
  // Ranges spread over majors 0–4 so that an installed 2.x version is inside some of them.
  const major = k % 5;
  const events: Record<string, string>[] = [{ introduced: k % 3 === 0 ? '0' : `${major}.0.0` }];
  if (k % 7 === 6) events.push({ last_affected: `${major}.4.2` });
  else events.push({ fixed: `${major}.${(k * 3) % 10}.${k}` });
  const ranges: Record<string, unknown>[] = [{ type: 'SEMVER', events }];
  if (k % 4 === 1) ranges.push({ type: 'SEMVER', events: [{ introduced: '5.0.0' }, { fixed: '5.1.3' }] });
  const date = new Date(Date.UTC(2020, 0, 1) + (n % 2000) * 86_400_000).toISOString();
  return {
    schema_version: '1.6.0',
    id: ghsaId(n),
    modified: date,
    published: date,
    aliases: [`CVE-2099-${String(100000 + n)}`],
    summary: `Synthetic issue ${n} in ${npmPackageName(pkg)}`,
    details: `SYNTHETIC advisory written by keelson bench/synthetic-feed.ts for import benchmarks (record ${n}).`,
    affected: [
      {
        package: { ecosystem: 'npm', name: npmPackageName(pkg), purl: `pkg:npm/${npmPackageName(pkg)}` },
        ranges,
        database_specific: { source: 'synthetic' },
      },
    ],
    references: [{ type: 'ADVISORY', url: `https://example.invalid/advisories/${ghsaId(n)}` }],
    database_specific: { severity: SEVERITIES[n % SEVERITIES.length], cwe_ids: ['CWE-400'] },
  };
}

/** Members per zip: fflate writes no ZIP64, so one archive holds at most 65,535 members. */
const MEMBERS_PER_ZIP = 60_000;

/** Writes `npm-all-<i>.zip` files into the folder `out` (imported as one folder with `--source osv`). */
function writeNpmZips(count: number, out: string): void {
  mkdirSync(out, { recursive: true });
  for (let start = 0, part = 0; start < count; start += MEMBERS_PER_ZIP, part++) {
    const files: Zippable = {};
    for (let n = start; n < Math.min(count, start + MEMBERS_PER_ZIP); n++) {
      files[`${ghsaId(n)}.json`] = [Buffer.from(JSON.stringify(osvRecord(n))), { level: 1 }];
    }
    writeFileSync(join(out, `npm-all-${part}.zip`), zipSync(files));
  }
}

function writeTracker(sbomPath: string, out: string): void {
  const sbom = JSON.parse(readFileSync(sbomPath, 'utf8')) as {
    packages: { type: string; name: string; version: string; source?: { name: string; version?: string } }[];
  };
  const sources = new Map<string, string>();
  for (const p of sbom.packages)
    if (p.type === 'deb') sources.set(p.source?.name ?? p.name, p.source?.version ?? p.version);
  writeFileSync(out, JSON.stringify(syntheticTracker(sources)));
}

const [mode, a, b] = process.argv.slice(2);
if (mode === 'npm' && a && b) writeNpmZips(Number(a), b);
else if (mode === 'debian-tracker' && a && b) writeTracker(a, b);
else {
  console.error('usage: synthetic-feed.js npm COUNT OUTDIR | debian-tracker SBOM.json OUT.json');
  process.exit(2);
}
