import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../../../test/helpers/paths.js';
import type { FeedFile } from '../../types.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { importer, photonBranch } from './index.js';

const real = (name: string, path = name): FeedFile => ({
  path,
  bytes: readFileSync(fixture('feeds', 'distro', 'photon', name)),
});
const json = (path: string, value: unknown): FeedFile => ({
  path,
  bytes: Buffer.from(JSON.stringify(value)),
});

describe('photon importer on real CVE data', () => {
  test('photon 1.0-3.0 files without status: res_ver is the fix, cve_score the severity', async () => {
    const sink = await importAll(importer, [
      real('photon_versions.json'),
      real('cve_data_photon1.0.json'),
      real('cve_data_photon2.0.json'),
      real('cve_data_photon3.0.json'),
    ]);
    assert.equal(sink.metas.get('photon-branches'), '1.0,2.0,3.0');
    assert.equal(sink.advisories.length, 16);
    assert.deepEqual(sink.skips, []);
    assert.deepEqual(sink.one('CVE-2016-9843').affected, [
      {
        namespace: 'photon:1.0',
        packageName: 'zlib',
        nameKind: 'binary',
        scheme: 'rpm',
        status: 'fixed',
        ranges: [{ introduced: '0', fixed: '1.2.8-5.ph1' }],
        versions: [],
        severity: { level: 'high', raw: '7.5' },
        notes: 'all versions before 1.2.8-5.ph1 are vulnerable',
      },
    ]);
    assert.deepEqual(sink.one('CVE-2015-8863').affected[0]!.severity, { level: 'critical', raw: '9.8' });
    assert.equal(sink.one('CVE-2017-7473').affected[0]!.severity!.level, 'medium');
    // Two photon 1.0 binutils CVEs stay separate advisories.
    assert.equal(sink.byId('CVE-2018-10372')[0]!.affected[0]!.packageName, 'binutils');
    // "Not Affected" with res_ver NA; UNK- ids are kept as ids.
    const curl = sink.one('CVE-2025-0725').affected[0]!;
    assert.equal(curl.namespace, 'photon:3.0');
    assert.equal(curl.status, 'not_affected');
    assert.deepEqual(curl.ranges, []);
    assert.equal(sink.one('UNK-1').affected[0]!.packageName, 'curl-libs');
  });

  test('photon 4.0 (with status): Fixed, Not Affected, Fixed-without-version, BDSA ids', async () => {
    const sink = await importAll(importer, [real('cve_data_photon4.0.json')]);
    assert.equal(sink.advisories.length, 5);
    assert.equal(sink.entries().length, 7);
    assert.deepEqual(
      sink
        .one('CVE-2023-38546')
        .affected.map((a) => [a.packageName, a.status, a.ranges[0]?.fixed, a.severity?.level]),
      [
        ['curl', 'fixed', '7.88.1-4.ph4', 'low'],
        ['curl-libs', 'fixed', '7.88.1-4.ph4', 'low'],
      ],
    );
    assert.deepEqual(
      sink.one('CVE-2023-44487').affected.map((a) => [a.packageName, a.status]),
      [
        ['nghttp2', 'fixed'],
        ['httpd', 'not_affected'],
      ],
    );
    const python = sink.one('CVE-2023-50447').affected[0]!;
    assert.equal(python.status, 'affected');
    assert.equal(python.severity, undefined, 'cve_score null gives no severity');
    assert.match(python.notes ?? '', /"Fixed" without a fixed version/);
    assert.equal(sink.one('BDSA-2025-0719').affected[0]!.ranges[0]!.fixed, '1.17-15.ph4');
  });

  test('status words and missing status map to statuses', async () => {
    const rec = (cve: string, status: unknown, res_ver: unknown) => ({
      cve_id: cve,
      pkg: 'p',
      res_ver,
      status,
    });
    const sink = await importAll(importer, [
      json('cve_data_photon5.0.json', [
        rec('CVE-2024-0001', 'Vulnerable', 'NA'),
        rec('CVE-2024-0002', "Won't Fix", 'NA'),
        rec('CVE-2024-0003', 'Under Investigation', 'NA'),
        rec('CVE-2024-0004', 'Something New', 'NA'),
        rec('CVE-2024-0005', undefined, 'NA'),
        rec('CVE-2024-0006', undefined, '1.0-1.ph5'),
        rec('CVE-2024-0007', 3, 'NA'),
      ]),
    ]);
    assert.deepEqual(
      sink.entries().map((e) => [e.id, e.status]),
      [
        ['CVE-2024-0001', 'affected'],
        ['CVE-2024-0002', 'will_not_fix'],
        ['CVE-2024-0003', 'under_investigation'],
        ['CVE-2024-0004', 'affected'],
        ['CVE-2024-0005', 'affected'],
        ['CVE-2024-0006', 'fixed'],
      ],
    );
    assert.match(sink.one('CVE-2024-0004').affected[0]!.notes ?? '', /Something New/);
    assert.equal(sink.skips.length, 1);
    assert.equal(sink.skips[0]!.where, 'cve_data_photon5.0.json: [6]');
  });
});

describe('photon hostile input (real malformed samples and more)', () => {
  test('invalid CVE id and empty id are skipped records', async () => {
    const sink = await importAll(importer, [
      real('cve_data_photon3.0_invalid_cveid.json'),
      real('cve_data_photon_empty_cveid.json', 'cve_data_photon3.0.json'),
    ]);
    assert.equal(sink.advisories.length, 0);
    assert.deepEqual(
      sink.skips.map((s) => [s.where, s.why]),
      [
        ['cve_data_photon3.0_invalid_cveid.json: [0]', 'invalid CVE id "CVE-2019-3828-0001"'],
        ['cve_data_photon3.0.json: [0]', 'empty id'],
      ],
    );
  });

  test('invalid format, invalid photon_versions, truncated and wrong-typed files are PARSE_ERRORs', async () => {
    const cases: FeedFile[] = [
      real('cve_data_photon_invalid_format.json', 'cve_data_photon1.0.json'),
      real('invalid_photon_versions.json', 'photon_versions.json'),
      json('photon_versions.json', { branches: ['3.0', '../../etc'] }),
      json('cve_data_photon3.0.json', { cve_id: 'CVE-2020-0001' }),
      { path: 'cve_data_photon3.0.json', bytes: real('cve_data_photon3.0.json').bytes.subarray(0, 300) },
      json('cve_data_photonX.json', []),
    ];
    for (const file of cases) {
      await assert.rejects(importAll(importer, [file]), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'PARSE_ERROR', file.path);
        assert.ok(err.message.includes(file.path));
        return true;
      });
    }
  });

  test('wrong-typed and oversized fields are skipped, not crashes', async () => {
    const huge = 'v'.repeat(1 << 20);
    const sink = await importAll(importer, [
      json('cve_data_photon5.0.json', [
        null,
        'CVE-2020-0001',
        { cve_id: 'CVE-2020-0002', pkg: 7 },
        { cve_id: 'CVE-2020-0003', pkg: 'p', res_ver: ['1'] },
        { cve_id: 'CVE-2020-0004', pkg: 'p', res_ver: huge },
        { cve_id: huge, pkg: 'p' },
        { cve_id: 'CVE-2020-0005', pkg: 'ok', res_ver: '1-1.ph5', cve_score: 'n/a', aff_ver: huge },
      ]),
    ]);
    assert.equal(sink.skips.length, 6);
    const ok = sink.one('CVE-2020-0005').affected[0]!;
    assert.equal(ok.severity?.level, 'unknown');
    assert.ok((ok.notes?.length ?? 0) <= 64 * 1024 + 1);
  });

  test('10^5 records import completely', async () => {
    const records = Array.from({ length: 100_000 }, (_, i) => ({
      cve_id: `CVE-2023-${10000 + i}`,
      pkg: `pkg${i % 500}`,
      cve_score: (i % 100) / 10,
      aff_ver: '',
      res_ver: `1.${i}-1.ph5`,
      status: 'Fixed',
    }));
    const sink = await importAll(importer, [json('cve_data_photon5.0.json', records)]);
    assert.equal(sink.advisories.length, 100_000);
    assert.equal(sink.skips.length, 0);
  });

  test('recognizes Photon files by name and content', () => {
    assert.equal(importer.recognizes(real('cve_data_photon4.0.json')), true);
    assert.equal(importer.recognizes(real('photon_versions.json')), true);
    assert.equal(importer.recognizes(real('cve_data_photon4.0.json', 'data.json')), false);
    assert.equal(importer.recognizes(json('cve_data_photon4.0.json', { packages: [] })), false);
    assert.equal(photonBranch('x/cve_data_photon5.0.json'), '5.0');
    assert.equal(photonBranch('cve_data_photon_empty_cveid.json'), undefined);
  });
});

describe('photon download', () => {
  test('fetches photon_versions.json, then one file per branch', async () => {
    const server = await serveRoutes({
      '/photon_versions.json': real('photon_versions.json').bytes,
      '/cve_data_photon1.0.json': real('cve_data_photon1.0.json').bytes,
      '/cve_data_photon2.0.json': real('cve_data_photon2.0.json').bytes,
      '/cve_data_photon3.0.json': real('cve_data_photon3.0.json').bytes,
    });
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.deepEqual(
        files.map((f) => f.path),
        [
          'photon_versions.json',
          'cve_data_photon1.0.json',
          'cve_data_photon2.0.json',
          'cve_data_photon3.0.json',
        ],
      );
      assert.equal((await importAll(importer, files)).advisories.length, 16);
    } finally {
      await server.close();
    }
  });

  test('an invalid branch list fails the download', async () => {
    const server = await serveRoutes({ '/photon_versions.json': real('invalid_photon_versions.json').bytes });
    try {
      await assert.rejects(downloadAll(importer, testFetcher, server.baseUrl), { code: 'PARSE_ERROR' });
    } finally {
      await server.close();
    }
  });
});
