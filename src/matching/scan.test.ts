import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AdvisoryDb } from '../advisories/db/reader.js';
import { updateDatabase } from '../advisories/db/writer.js';
import type { Advisory, FeedImporter, ImportSink } from '../advisories/types.js';
import type { Inventory } from '../core/types.js';
import { scanInventory } from './scan.js';

function importer(name: string, advisories: Advisory[], meta: Record<string, string> = {}): FeedImporter {
  return {
    name,
    title: name,
    version: 1,
    recognizes: () => true,
    async import(_files, sink: ImportSink) {
      for (const a of advisories) sink.advisory(a);
      for (const [k, v] of Object.entries(meta)) sink.meta(k, v);
    },
    async *download() {},
  };
}

const advisory: Advisory = {
  id: 'CVE-2020-0001',
  aliases: [],
  references: [],
  severities: [],
  source: '',
  affected: [
    {
      namespace: 'debian:9',
      packageName: 'zlib',
      nameKind: 'source',
      scheme: 'dpkg',
      status: 'affected',
      ranges: [],
      versions: [],
      severity: { level: 'high', raw: 'high' },
    },
  ],
};

const inventory = (version: string): Inventory => ({
  schemaVersion: 1,
  image: { target: 't', sourceType: 'oci-archive', annotations: {} },
  config: { labels: {}, history: [], diffIDs: [] },
  layers: [],
  distro: { id: 'debian', version, source: 'etc/os-release', fields: {} },
  provider: { name: 'traditional', evidence: [] },
  packages: [
    {
      name: 'zlib1g',
      version: '1:1.2.8.dfsg-5',
      type: 'deb',
      source: { name: 'zlib' },
      purl: 'pkg:deb/debian/zlib1g@1:1.2.8.dfsg-5',
      location: 'var/lib/dpkg/status',
      foundBy: 't',
      layer: { index: 0, diffID: 'sha256:x', base: true },
    },
  ],
  embeddedSboms: [],
  warnings: [],
  complete: true,
  stats: { layersFromCache: 0, layersAnalyzed: 0, bytesRead: 0 },
});

describe('scanInventory', async () => {
  const work = await mkdtemp(join(tmpdir(), 'keelson-scan-'));
  after(() => rm(work, { recursive: true, force: true }));
  const built = new Date('2026-01-01T00:00:00Z');
  await updateDatabase(
    join(work, 'db'),
    [
      {
        importer: importer('debian-tracker', [advisory], {
          'debian-codenames': JSON.stringify({ stretch: 9, bookworm: 12 }),
          'debian-eol': JSON.stringify(['stretch']),
        }),
        files: [],
        origin: 'test',
      },
    ],
    { now: () => built },
  );
  const db = AdvisoryDb.open(join(work, 'db'));
  after(() => db.close());

  test('summary counts, vendor severity, base attribution', () => {
    const result = scanInventory(inventory('9'), db, { now: () => built });
    assert.equal(result.findings.length, 1);
    assert.equal(result.findings[0]!.severity.level, 'high');
    assert.equal(result.findings[0]!.severity.method, 'vendor');
    assert.deepEqual(
      { ...result.summary, bySeverity: result.summary.bySeverity.high },
      { raw: 1, actionable: 1, suppressed: 0, bySeverity: 1, fixable: 0, fromBase: 1 },
    );
    assert.equal(result.database.demo, false);
    assert.equal(result.database.ageHours, 0);
  });

  test('an end-of-life Debian release is flagged from the tracker data', () => {
    const eol = scanInventory(inventory('9'), db, { now: () => built }).warnings.find(
      (w) => w.code === 'EOL_DISTRO',
    );
    assert.match(eol?.message ?? '', /Debian 9 \(stretch\) is end-of-life/);
    assert.equal(
      scanInventory(inventory('12'), db, { now: () => built }).warnings.some((w) => w.code === 'EOL_DISTRO'),
      false,
    );
  });

  test('a database older than the limit is a warning (injected clock)', () => {
    const later = new Date(built.getTime() + 8 * 24 * 3600 * 1000);
    const stale = scanInventory(inventory('9'), db, { now: () => later });
    assert.match(
      stale.warnings.find((w) => w.code === 'STALE_DATABASE')?.message ?? '',
      /192 hours old \(limit 168\)/,
    );
    const fresh = scanInventory(inventory('9'), db, { now: () => later, maxDbAgeHours: 24 * 9 });
    assert.equal(
      fresh.warnings.some((w) => w.code === 'STALE_DATABASE'),
      false,
    );
  });
});
