import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fixture } from '../../../../test/helpers/paths.js';
import { KeelsonError } from '../../../core/errors.js';
import type { FeedFile } from '../../types.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { importer } from './index.js';
import { JsonScanError, scanTopLevelArray } from './json-scan.js';

// Authored sample in the NVD CVE API 2.0 shape (see the folder's README.md).
const sample = (): FeedFile => {
  const path = fixture('feeds', 'synthetic', 'nvd', 'nvdcve-2.0-sample.json');
  return { path: 'nvdcve-2.0-sample.json', bytes: readFileSync(path) };
};

function nvd(vulnerabilities: unknown[] | string): Buffer {
  const list = typeof vulnerabilities === 'string' ? vulnerabilities : JSON.stringify(vulnerabilities);
  return Buffer.from(`{"format":"NVD_CVE","version":"2.0","vulnerabilities":${list}}`);
}

const isParseError = (pattern: RegExp) => (err: unknown) =>
  err instanceof KeelsonError && err.code === 'PARSE_ERROR' && pattern.test(err.message);

describe('nvd importer', () => {
  test('every CVSS metric becomes a record; no advisories', async () => {
    const sink = await importAll(importer, [sample()]);
    assert.equal(sink.advisories.length, 0);
    assert.deepEqual(sink.cvssRecords, [
      {
        cve: 'CVE-2021-44228',
        version: '3.1',
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
        baseScore: 10,
        baseSeverity: 'CRITICAL',
        sourceName: 'nvd@nist.gov',
        primary: true,
      },
      {
        cve: 'CVE-2021-44228',
        version: '3.1',
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
        baseScore: 10,
        baseSeverity: 'CRITICAL',
        sourceName: 'security@apache.org',
        primary: false,
      },
      {
        cve: 'CVE-2021-44228',
        version: '2.0',
        vector: 'AV:N/AC:M/Au:N/C:C/I:C/A:C',
        baseScore: 9.3,
        baseSeverity: 'HIGH',
        sourceName: 'nvd@nist.gov',
        primary: true,
      },
      {
        cve: 'CVE-2024-3094',
        version: '4.0',
        vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
        baseScore: 9.3,
        baseSeverity: 'CRITICAL',
        sourceName: 'cna@example.org',
        primary: false,
      },
      {
        cve: 'CVE-2024-3094',
        version: '3.1',
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
        baseScore: 10,
        baseSeverity: 'CRITICAL',
        sourceName: 'secalert@redhat.com',
        primary: false,
      },
    ]);
    assert.deepEqual(sink.skips, []);
    assert.equal(sink.metas.get('cves'), '3');
    assert.equal(sink.metas.get('timestamp nvdcve-2.0-sample.json'), '2025-03-14T10:00:00.000');
  });

  test('yearly .json.gz feeds are gunzipped', async () => {
    const sink = await importAll(importer, [
      { path: 'nvdcve-2.0-2024.json.gz', bytes: gzipSync(sample().bytes) },
    ]);
    assert.equal(sink.cvssRecords.length, 5);
  });

  test('malformed entries and metrics are skipped; the rest is read', async () => {
    const good = {
      cve: {
        id: 'CVE-2020-0001',
        metrics: {
          cvssMetricV30: [
            { source: 's', type: 'Primary', cvssData: { vectorString: 'CVSS:3.0/AV:N', baseScore: 5 } },
          ],
        },
      },
    };
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const sink = await importAll(importer, [
      {
        path: 'x.json',
        bytes: nvd(
          `[${JSON.stringify(good)}, {"cve": {"id": "CVE-1"}}, 5, ${deep}, {"cve": {"id": "CVE-2020-0002", "metrics": {"cvssMetricV31": [{"cvssData": {"vectorString": "v", "baseScore": 11}}, {"cvssData": {"vectorString": "${'v'.repeat(600)}", "baseScore": 1}}, {}], "cvssMetricV2": "x"}}}, {"cve": {"id": "CVE-2020-0003", "metrics": {"cvssMetricV2": [{"cvssData": {"vectorString": "AV:N", "baseScore": 4.0}}]}}}, {bad json}]`,
        ),
      },
    ]);
    assert.deepEqual(
      sink.cvssRecords.map((r) => [r.cve, r.version, r.baseSeverity, r.primary, r.sourceName]),
      [
        ['CVE-2020-0001', '3.0', 'MEDIUM', true, 's'],
        ['CVE-2020-0003', '2.0', 'MEDIUM', false, 'unknown'],
      ],
    );
    assert.deepEqual(
      sink.skips.map((s) => s.why.replace(/: .*$/, '').slice(0, 40)),
      [
        'cve.id "CVE-1" is not a CVE id',
        'no cve object',
        'no cve object',
        'CVE-2020-0002',
        'CVE-2020-0002',
        'CVE-2020-0002',
        'CVE-2020-0002',
        'invalid JSON',
      ],
    );
    assert.match(sink.skips[3]!.why, /cvssMetricV31\[0\]: cvssData.baseScore is not a score from 0 to 10/);
    assert.match(sink.skips[6]!.why, /metrics.cvssMetricV2 is not an array/);
  });

  test('a file that is not NVD JSON, or is cut short, fails naming it', async () => {
    const bytes = sample().bytes;
    await assert.rejects(
      importAll(importer, [{ path: 'cut.json', bytes: bytes.subarray(0, bytes.length / 2) }]),
      isParseError(/cut\.json.*unexpected end|cut\.json.*unterminated/),
    );
    await assert.rejects(
      importAll(importer, [
        { path: 'kev.json', bytes: Buffer.from('{"catalogVersion":"1","vulnerabilities":[]}') },
      ]),
      isParseError(/kev\.json/),
    );
    await assert.rejects(
      importAll(importer, [
        { path: 'o.json', bytes: Buffer.from('{"format":"OTHER","vulnerabilities":[]}') },
      ]),
      isParseError(/o\.json is not NVD CVE JSON: format/),
    );
    await assert.rejects(
      importAll(importer, [{ path: 'h.json', bytes: Buffer.from('<html></html>') }]),
      isParseError(/h\.json/),
    );
    await assert.rejects(
      importAll(importer, [{ path: 'nvdcve-2.0-2024.json.gz', bytes: gzipSync(bytes).subarray(0, 100) }]),
      isParseError(/nvdcve-2\.0-2024\.json\.gz/),
    );
  });

  test('recognizes NVD files by name or format marker', () => {
    assert.equal(importer.recognizes(sample()), true);
    assert.equal(importer.recognizes({ path: 'feed/nvdcve-2.0-2023.json.gz', bytes: gzipSync('{}') }), true);
    assert.equal(importer.recognizes({ path: 'api.json', bytes: nvd([]) }), true);
    assert.equal(
      importer.recognizes({ path: 'x.json', bytes: Buffer.from('{"catalogVersion":"1"}') }),
      false,
    );
  });
});

describe('scanTopLevelArray', () => {
  test('hands over elements whole, even with brackets and quotes inside strings', () => {
    const seen: string[] = [];
    const { others, found } = scanTopLevelArray(
      Buffer.from(' {"a": {"x": [1]}, "list": [ {"s": "]},\\"["}, [1, 2], "t", 3 ], "b": "z"} '),
      'list',
      (bytes) => seen.push(bytes.toString()),
    );
    assert.equal(found, true);
    assert.deepEqual(seen, ['{"s": "]},\\"["}', '[1, 2]', '"t"', '3']);
    assert.deepEqual(others, { a: { x: [1] }, b: 'z' });
  });

  test('rejects what is not one JSON object', () => {
    for (const text of [
      '[]',
      '{"list": [1, 2',
      '{"list": [1] "b": 2}',
      '{"a": "x',
      '{"a": 1} trailing',
      '',
    ]) {
      assert.throws(() => scanTopLevelArray(Buffer.from(text), 'list', () => {}), JsonScanError, text);
    }
    assert.deepEqual(
      scanTopLevelArray(Buffer.from('{}'), 'list', () => {}),
      { others: {}, found: false },
    );
  });
});

describe('nvd download', () => {
  test('fetches every yearly feed from 2002 to this year from the base URL', async () => {
    const last = new Date().getUTCFullYear();
    const routes: Record<string, Buffer> = {};
    for (let y = 2002; y <= last; y++)
      routes[`/feeds/json/cve/2.0/nvdcve-2.0-${y}.json.gz`] = gzipSync(nvd([]));
    const server = await serveRoutes(routes);
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.equal(files.length, last - 2002 + 1);
      assert.equal(files[0]!.path, 'nvdcve-2.0-2002.json.gz');
      assert.equal(files.at(-1)!.path, `nvdcve-2.0-${last}.json.gz`);
      const sink = await importAll(importer, files);
      assert.equal(sink.metas.get('cves'), '0');
    } finally {
      await server.close();
    }
  });
});
