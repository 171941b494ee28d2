import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../../../test/helpers/paths.js';
import { KeelsonError } from '../../../core/errors.js';
import type { FeedFile } from '../../types.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { importer } from './index.js';

// Authored sample in the CISA KEV JSON shape (see the folder's README.md).
const sample = (): FeedFile => ({
  path: 'known_exploited_vulnerabilities.json',
  bytes: readFileSync(fixture('feeds', 'synthetic', 'kev', 'known_exploited_vulnerabilities.json')),
});

describe('kev importer', () => {
  test('catalog entries become KEV records', async () => {
    const sink = await importAll(importer, [sample()]);
    assert.deepEqual(sink.kevRecords[0], {
      cve: 'CVE-2021-44228',
      dateAdded: '2021-12-10',
      vendorProject: 'Apache',
      product: 'Log4j2',
      name: 'Apache Log4j2 Remote Code Execution Vulnerability',
      dueDate: '2021-12-24',
      requiredAction: 'Apply updates per vendor instructions.',
      knownRansomwareCampaignUse: 'Known',
    });
    assert.deepEqual(
      sink.kevRecords.map((r) => r.cve),
      ['CVE-2021-44228', 'CVE-2024-3094'],
    );
    assert.equal(sink.metas.get('catalogVersion'), '2025.03.14');
    assert.equal(sink.metas.get('kev records'), '2');
  });

  test('malformed entries are skipped, huge text is cut', async () => {
    const doc = {
      catalogVersion: 'x',
      vulnerabilities: [
        { cveID: 'CVE-2020-0001', dateAdded: '2020-01-01', vulnerabilityName: 'n'.repeat(1_000_000) },
        { cveID: 'not-a-cve', dateAdded: '2020-01-01' },
        { cveID: 'CVE-2020-0002' },
        { cveID: 'CVE-2020-0003', dateAdded: 20200101 },
        null,
        { cveID: 'CVE-2020-0004', dateAdded: '2020-02-02', product: 5 },
      ],
    };
    const sink = await importAll(importer, [{ path: 'k.json', bytes: Buffer.from(JSON.stringify(doc)) }]);
    assert.deepEqual(
      sink.kevRecords.map((r) => [r.cve, r.product]),
      [
        ['CVE-2020-0001', undefined],
        ['CVE-2020-0004', undefined],
      ],
    );
    assert.ok(sink.kevRecords[0]!.name!.length <= 4097);
    assert.deepEqual(
      sink.skips.map((s) => s.where),
      [
        'k.json: vulnerabilities[1]',
        'k.json: vulnerabilities[2]',
        'k.json: vulnerabilities[3]',
        'k.json: vulnerabilities[4]',
      ],
    );
  });

  test('a file that is not the KEV catalog fails naming it', async () => {
    for (const bytes of ['{"vulnerabilities": {}}', '[1]', '{"catalogVersion":', 'garbage']) {
      await assert.rejects(
        importAll(importer, [{ path: 'bad.json', bytes: Buffer.from(bytes) }]),
        (err: unknown) =>
          err instanceof KeelsonError && err.code === 'PARSE_ERROR' && /bad\.json/.test(err.message),
      );
    }
  });

  test('recognizes the catalog by name or content', () => {
    assert.equal(importer.recognizes(sample()), true);
    assert.equal(importer.recognizes({ path: 'feed.json', bytes: sample().bytes }), true);
    assert.equal(importer.recognizes({ path: 'feed.json', bytes: Buffer.from('{"id":"GHSA-1"}') }), false);
  });

  test('download fetches the catalog from the base URL', async () => {
    const server = await serveRoutes({
      '/sites/default/files/feeds/known_exploited_vulnerabilities.json': sample().bytes,
    });
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.deepEqual(
        files.map((f) => f.path),
        ['known_exploited_vulnerabilities.json'],
      );
      assert.equal((await importAll(importer, files)).kevRecords.length, 2);
    } finally {
      await server.close();
    }
  });
});
