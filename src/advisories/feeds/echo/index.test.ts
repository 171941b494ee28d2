import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../../../test/helpers/paths.js';
import type { FeedFile } from '../../types.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { importer } from './index.js';

const real = (name: string, path = `echo/${name}`): FeedFile => ({
  path,
  bytes: readFileSync(fixture('feeds', 'distro', 'echo', name)),
});
const json = (path: string, value: unknown): FeedFile => ({
  path,
  bytes: Buffer.from(JSON.stringify(value)),
});

describe('echo importer on the real data.json sample', () => {
  test('fixed_version → fixed, {} → affected with no fix', async () => {
    const sink = await importAll(importer, [real('data.json')]);
    assert.equal(sink.advisories.length, 25);
    assert.deepEqual(sink.skips, []);
    assert.equal(sink.entries().filter((e) => e.status === 'affected').length, 4);
    assert.deepEqual(sink.one('CVE-2024-9287').affected, [
      {
        namespace: 'echo',
        packageName: 'python',
        nameKind: 'source',
        scheme: 'dpkg',
        status: 'fixed',
        ranges: [{ introduced: '0', fixed: '3.9.21' }],
        versions: [],
      },
    ]);
    assert.deepEqual(sink.one('CVE-2009-2940').affected[0]!.ranges, []);
    assert.equal(sink.one('CVE-2009-2940').affected[0]!.status, 'affected');
    assert.deepEqual(
      sink.one('CVE-2023-44487').affected.map((a) => [a.packageName, a.ranges[0]?.fixed]),
      [['nginx', '1.25.2']],
    );
    assert.equal(sink.one('CVE-2023-44487').source, 'echo');
  });

  test('valid.json: one fixed, one unfixed; a CVE in two packages groups', async () => {
    const sink = await importAll(importer, [
      real('valid.json'),
      json('echo/extra.json', {
        a: { 'CVE-2020-0001': {} },
        b: { 'CVE-2020-0001': { fixed_version: '2.0-1' } },
      }),
    ]);
    assert.deepEqual(
      sink.entries().map((e) => [e.id, e.packageName, e.status]),
      [
        ['CVE-2021-3618', 'nginx', 'fixed'],
        ['CVE-2023-44487', 'redis', 'affected'],
        ['CVE-2020-0001', 'a', 'affected'],
        ['CVE-2020-0001', 'b', 'fixed'],
      ],
    );
  });

  test('recognizes the Echo feed, not the Debian tracker', () => {
    assert.equal(importer.recognizes(real('data.json', 'data.json')), true);
    assert.equal(importer.recognizes(real('valid.json')), true);
    const debian = fixture('feeds', 'distro', 'debian', 'debian.json');
    assert.equal(importer.recognizes({ path: 'debian.json', bytes: readFileSync(debian) }), false);
  });
});

describe('echo hostile input', () => {
  test('the real invalid.json, truncated and wrong-typed files are PARSE_ERRORs', async () => {
    const cases: FeedFile[] = [
      real('invalid.json'),
      { path: 'echo/data.json', bytes: real('data.json').bytes.subarray(0, 100) },
      json('echo/data.json', ['nginx']),
      json('echo/data.json', 'nginx'),
    ];
    for (const file of cases) {
      await assert.rejects(importAll(importer, [file]), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'PARSE_ERROR');
        assert.ok(err.message.startsWith(`${file.path}:`));
        return true;
      });
    }
  });

  test('malformed records are skipped', async () => {
    const huge = 'z'.repeat(1 << 20);
    const sink = await importAll(importer, [
      json('echo/data.json', {
        nginx: [],
        [huge]: {},
        redis: {
          'CVE-2024-0001': { fixed_version: 7 },
          'CVE-2024-0002': 'fixed',
          'not a cve': {},
          'CVE-2024-0003': { fixed_version: huge },
          'CVE-2024-0004': { fixed_version: '7.2.4-1' },
          'CVE-2024-0005': { fixed_version: null },
        },
      }),
    ]);
    assert.equal(sink.skips.length, 6);
    assert.ok(sink.skips.every((s) => s.where.length < 300 && s.why.length < 300));
    assert.deepEqual(
      sink.entries().map((e) => [e.id, e.status]),
      [
        ['CVE-2024-0004', 'fixed'],
        ['CVE-2024-0005', 'affected'],
      ],
    );
  });

  test('10^5 records import completely', async () => {
    const doc: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < 100_000; i++) {
      doc[`pkg${i % 100}`] ??= {};
      doc[`pkg${i % 100}`]![`CVE-2021-${10000 + i}`] = i % 2 ? {} : { fixed_version: `1.${i}` };
    }
    const sink = await importAll(importer, [json('echo/data.json', doc)]);
    assert.equal(sink.advisories.length, 100_000);
  });
});

describe('echo download', () => {
  test('fetches <base>/data.json', async () => {
    const server = await serveRoutes({ '/data.json': real('data.json').bytes });
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.equal(importer.recognizes(files[0]!), true);
      assert.equal((await importAll(importer, files)).advisories.length, 25);
    } finally {
      await server.close();
    }
  });
});
