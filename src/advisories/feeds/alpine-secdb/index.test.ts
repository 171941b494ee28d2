import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../../../test/helpers/paths.js';
import type { FeedFile } from '../../types.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { alpineNamespace, importer, parseReleaseIndex } from './index.js';

const dir = (name: string) => fixture('feeds', 'distro', 'alpine-secdb', name);
const real = (name: string, path: string): FeedFile => ({ path, bytes: readFileSync(dir(name)) });
const json = (path: string, value: unknown): FeedFile => ({
  path,
  bytes: Buffer.from(JSON.stringify(value)),
});

describe('alpine-secdb importer on real secdb files', () => {
  test('v3.11 main.json: apache2 fixed in 2.4.34-r0 for two CVEs', async () => {
    const sink = await importAll(importer, [real('311-main.json', 'v3.11/main.json')]);
    assert.equal(sink.advisories.length, 2);
    assert.deepEqual(sink.skips, []);
    const adv = sink.one('CVE-2018-1333');
    assert.equal(adv.source, 'alpine-secdb');
    assert.equal(adv.url, 'https://security.alpinelinux.org/vuln/CVE-2018-1333');
    assert.deepEqual(adv.affected, [
      {
        namespace: 'alpine:3.11',
        packageName: 'apache2',
        nameKind: 'origin',
        scheme: 'apk',
        status: 'fixed',
        ranges: [{ introduced: '0', fixed: '2.4.34-r0' }],
        versions: [],
      },
    ]);
    assert.equal(sink.one('CVE-2018-8011').affected[0]!.ranges[0]!.fixed, '2.4.34-r0');
  });

  test('v3.12 main.json: a version mapped to {} instead of a list records nothing', async () => {
    const sink = await importAll(importer, [real('312-main.json', 'v3.12/main.json')]);
    assert.deepEqual(
      sink.entries().map((e) => [e.id, e.namespace, e.packageName, e.ranges[0]?.fixed]),
      [['CVE-2018-16876', 'alpine:3.12', 'ansible', '2.7.9-r0']],
    );
    assert.deepEqual(sink.skips, []);
  });

  test('edge main.json → alpine:edge; empty community repos (`packages: {}`) import nothing', async () => {
    const sink = await importAll(importer, [
      real('edge-main.json', 'edge/main.json'),
      real('edge-community.json', 'edge/community.json'),
      real('311-community.json', 'v3.11/community.json'),
    ]);
    assert.deepEqual(
      sink.entries().map((e) => [e.id, e.namespace, e.packageName, e.ranges[0]?.fixed]),
      [
        ['CVE-2021-30139', 'alpine:edge', 'apk-tools', '2.12.5-r0'],
        ['CVE-2021-36159', 'alpine:edge', 'apk-tools', '2.12.6-r0'],
      ],
    );
    assert.deepEqual(sink.skips, []);
  });

  test('recognizes secdb files and not other feeds', () => {
    assert.equal(importer.recognizes(real('311-main.json', 'main.json')), true);
    assert.equal(importer.recognizes(real('312-main.json', 'v3.12/main.json')), true);
    assert.equal(importer.recognizes(real('edge-community.json', 'edge/community.json')), true);
    const photon = fixture('feeds', 'distro', 'photon', 'cve_data_photon1.0.json');
    assert.equal(
      importer.recognizes({ path: 'cve_data_photon1.0.json', bytes: readFileSync(photon) }),
      false,
    );
    const wolfi = fixture('feeds', 'synthetic', 'secdb', 'wolfi-security.json');
    assert.equal(importer.recognizes({ path: 'security.json', bytes: readFileSync(wolfi) }), false);
    assert.equal(importer.recognizes({ path: 'index.html', bytes: readFileSync(dir('index.html')) }), false);
  });
});

describe('alpine-secdb namespace and records', () => {
  test('the release directory wins over a stale distroversion; distroversion is used without one', () => {
    const bytes = Buffer.alloc(0);
    assert.equal(
      alpineNamespace({ path: 'v3.11/community.json', bytes }, { distroversion: 'v3.3' }),
      'alpine:3.11',
    );
    assert.equal(alpineNamespace({ path: 'secdb.json', bytes }, { distroversion: 'v3.20' }), 'alpine:3.20');
    assert.equal(alpineNamespace({ path: 'x/edge/main.json', bytes }, {}), 'alpine:edge');
    assert.equal(alpineNamespace({ path: 'main.json', bytes }, { distroversion: '3.20; rm -rf' }), undefined);
  });

  test('key "0" is not_affected, aliases after a space, regressions keep both fixes, bad ids skipped', async () => {
    const sink = await importAll(importer, [
      json('main.json', {
        distroversion: 'v3.20',
        packages: [
          {
            pkg: {
              name: 'xen',
              secfixes: {
                '0': ['CVE-2020-0001'],
                '4.13.1-r0': ['CVE-2020-1234 XSA-123', 'CVE-2020-9999'],
                '4.14.0-r0': ['CVE-2020-9999', 'not an id', 'CVE-20-1', 42],
              },
            },
          },
        ],
      }),
    ]);
    const notAffected = sink.one('CVE-2020-0001').affected[0]!;
    assert.equal(notAffected.status, 'not_affected');
    assert.deepEqual(notAffected.ranges, []);
    const aliased = sink.one('CVE-2020-1234');
    assert.deepEqual(aliased.aliases, ['XSA-123']);
    assert.equal(aliased.affected[0]!.namespace, 'alpine:3.20');
    assert.deepEqual(sink.one('CVE-2020-9999').affected[0]!.ranges, [
      { introduced: '0', fixed: '4.13.1-r0' },
      { introduced: '0', fixed: '4.14.0-r0' },
    ]);
    assert.equal(sink.skips.length, 3);
    assert.match(sink.skips[0]!.where, /^main\.json: packages\[0\]\.pkg\.secfixes\["4\.14\.0-r0"\]\[1\]$/);
  });

  test('no release in path or distroversion: PARSE_ERROR naming the file', async () => {
    await assert.rejects(
      importAll(importer, [json('secdb.json', { packages: [{ pkg: { name: 'a', secfixes: {} } }] })]),
      (err: Error & { code?: string }) => err.code === 'PARSE_ERROR' && /secdb\.json/.test(err.message),
    );
  });
});

describe('alpine-secdb hostile input', () => {
  const parseError = (file: FeedFile) =>
    assert.rejects(
      importAll(importer, [file]),
      (err: Error & { code?: string; context?: { file?: string } }) => {
        assert.equal(err.code, 'PARSE_ERROR');
        assert.equal(err.context?.file, file.path);
        return true;
      },
    );

  test('invalid JSON, truncated file, wrong top-level types', async () => {
    const bytes = readFileSync(dir('311-main.json'));
    await parseError({ path: 'v3.11/main.json', bytes: bytes.subarray(0, bytes.length / 2) });
    await parseError({ path: 'v3.11/main.json', bytes: Buffer.from('{not json') });
    await parseError(json('v3.11/main.json', [1, 2]));
    await parseError(json('v3.11/main.json', { packages: 'many' }));
    await parseError(json('v3.11/main.json', { distroversion: 'v3.11' }));
  });

  test('malformed records are skipped with where/why and the rest is imported', async () => {
    const huge = 'x'.repeat(1_000_000);
    const sink = await importAll(importer, [
      json('v3.20/main.json', {
        packages: [
          null,
          { pkg: 'zlib' },
          { pkg: { name: huge, secfixes: { '1-r0': ['CVE-2020-0002'] } } },
          { pkg: { name: 'zlib', secfixes: [] } },
          { pkg: { name: 'zlib', secfixes: { [huge]: ['CVE-2020-0003'], '1.2.12-r0': ['CVE-2018-25032'] } } },
          { pkg: { name: 'zlib', secfixes: { '1.2.12-r2': [huge] } } },
        ],
      }),
    ]);
    assert.deepEqual(
      sink.entries().map((e) => [e.id, e.packageName]),
      [['CVE-2018-25032', 'zlib']],
    );
    assert.equal(sink.skips.length, 6);
    for (const s of sink.skips) {
      assert.match(s.where, /^v3\.20\/main\.json: packages\[\d\]/);
      assert.ok(s.where.length < 300 && s.why.length < 300, 'messages stay short');
    }
  });

  test('10^5 packages import completely', async () => {
    const packages = Array.from({ length: 100_000 }, (_, i) => ({
      pkg: { name: `pkg${i}`, secfixes: { [`1.${i}-r0`]: [`CVE-2024-${String(10000 + i)}`] } },
    }));
    const sink = await importAll(importer, [json('v3.20/main.json', { packages })]);
    assert.equal(sink.advisories.length, 100_000);
    assert.equal(sink.one('CVE-2024-109999').affected[0]!.packageName, 'pkg99999');
  });
});

describe('alpine-secdb download', () => {
  test('walks the index and each release page, yielding vX.Y/<repo>.json', async () => {
    const f = (name: string) => readFileSync(dir(name));
    const server = await serveRoutes({
      '/': f('index.html'),
      '/v3.11/': f('311.html'),
      '/v3.11/main.json': f('311-main.json'),
      '/v3.11/community.json': f('311-community.json'),
      '/v3.12/': f('312.html'),
      '/v3.12/main.json': f('312-main.json'),
      '/v3.12/community.json': f('312-community.json'),
      '/edge/': f('edge.html'),
      '/edge/main.json': f('edge-main.json'),
      '/edge/community.json': f('edge-community.json'),
    });
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.deepEqual(
        files.map((x) => x.path),
        [
          'edge/community.json',
          'edge/main.json',
          'v3.11/community.json',
          'v3.11/main.json',
          'v3.12/community.json',
          'v3.12/main.json',
        ],
      );
      const sink = await importAll(importer, files);
      assert.deepEqual([...new Set(sink.entries().map((e) => e.namespace))].sort(), [
        'alpine:3.11',
        'alpine:3.12',
        'alpine:edge',
      ]);
      assert.equal(sink.advisories.length, 5);
    } finally {
      await server.close();
    }
  });

  test('an index without releases is an error, not an empty feed', async () => {
    const server = await serveRoutes({ '/': readFileSync(dir('norelease.html')) });
    try {
      await assert.rejects(downloadAll(importer, testFetcher, server.baseUrl), /no release directories/);
    } finally {
      await server.close();
    }
  });

  test('parseReleaseIndex reads release links only', () => {
    assert.deepEqual(parseReleaseIndex(readFileSync(dir('index.html'), 'utf8')), ['edge', 'v3.11', 'v3.12']);
  });
});
