import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { zipSync } from 'fflate';
import { fixture } from '../../../../test/helpers/paths.js';
import type { FeedFile } from '../../types.js';
import { downloadAll, importAll, MemorySink, serveRoutes, testFetcher } from '../test-sink.js';
import { importer, ubuntuNamespace, versionlessPurl } from './index.js';

const dir = fixture('feeds', 'distro', 'ubuntu');
const real = (name: string): FeedFile => ({ path: name, bytes: readFileSync(`${dir}/${name}`) });
const allReal = () =>
  readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map(real);
const json = (path: string, value: unknown): FeedFile => ({
  path,
  bytes: Buffer.from(JSON.stringify(value)),
});
const zip = (entries: Record<string, Uint8Array | string>): Buffer =>
  Buffer.from(
    zipSync(
      Object.fromEntries(
        Object.entries(entries).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v]),
      ),
    ),
  );
const record = (id: string, affected: unknown[]) => ({ id, affected });
const ecosystemEntry = (ecosystem: string, extra: Record<string, unknown> = {}) => ({
  package: { ecosystem, name: 'pkg' },
  ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0-1' }] }],
  ...extra,
});

describe('ubuntu-osv importer on real Ubuntu OSV records', () => {
  test('UBUNTU-CVE-2021-3782: namespaces, purls, ranges, versions, severities', async () => {
    const sink = await importAll(importer, [real('UBUNTU-CVE-2021-3782.json')]);
    const adv = sink.one('UBUNTU-CVE-2021-3782');
    assert.equal(adv.source, 'ubuntu-osv');
    assert.deepEqual(adv.aliases, ['CVE-2021-3782']);
    assert.equal(adv.url, 'https://ubuntu.com/security/CVE-2021-3782');
    assert.equal(adv.published, '2022-08-30T20:51:00Z');
    assert.deepEqual(adv.severities, [
      { type: 'CVSS_V3', vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:H' },
    ]);
    assert.equal(adv.references.length, 5);
    assert.deepEqual(
      adv.affected.map((a) => [a.namespace, a.status, a.ranges[0]?.fixed]),
      [
        ['ubuntu:pro:16.04', 'fixed', '1.12.0-1~ubuntu16.04.3+esm1'],
        ['ubuntu:18.04', 'fixed', '1.16.0-1ubuntu1.1~18.04.4'],
        ['ubuntu:20.04', 'fixed', '1.18.0-1ubuntu0.1'],
        ['ubuntu:22.04', 'fixed', '1.20.0-1ubuntu0.1'],
      ],
    );
    assert.deepEqual(adv.affected[3], {
      namespace: 'ubuntu:22.04',
      packageName: 'wayland',
      nameKind: 'source',
      scheme: 'dpkg',
      status: 'fixed',
      ranges: [{ introduced: '0', fixed: '1.20.0-1ubuntu0.1' }],
      versions: ['1.19.0-2build1', '1.20.0-1'],
      purl: 'pkg:deb/ubuntu/wayland?arch=source&distro=jammy',
      severity: { level: 'medium', raw: 'medium' },
      notes: 'No subscription required',
    });
    assert.equal(adv.affected[0]!.purl, 'pkg:deb/ubuntu/wayland?arch=source&distro=esm-infra/xenial');
  });

  test('all real samples: USN, withdrawn, unfixed, non-LTS and Pro releases', async () => {
    const sink = await importAll(importer, allReal());
    assert.equal(sink.advisories.length, 7);
    assert.deepEqual(sink.skips, []);

    const usn = sink.one('USN-5614-1');
    assert.equal(usn.summary, 'wayland vulnerability');
    assert.deepEqual(usn.aliases, ['UBUNTU-CVE-2021-3782']);
    assert.equal(usn.url, 'https://ubuntu.com/security/notices/USN-5614-1');
    assert.deepEqual(
      usn.affected.map((a) => [a.namespace, a.severity?.level]),
      [
        ['ubuntu:18.04', 'medium'],
        ['ubuntu:20.04', 'medium'],
        ['ubuntu:22.04', 'medium'],
      ],
    );

    const withdrawn = sink.one('UBUNTU-CVE-2020-36325');
    assert.equal(withdrawn.withdrawn, '2025-06-23T15:53:49Z');
    assert.deepEqual(
      withdrawn.affected.map((a) => [a.namespace, a.status, a.versions.length, a.purl, a.severity]),
      [['ubuntu:pro:14.04', 'affected', 6, undefined, undefined]],
    );

    const netty = sink.one('UBUNTU-CVE-2022-24823').affected;
    assert.deepEqual(
      netty.map((a) => [a.namespace, a.status]),
      [
        ['ubuntu:pro:14.04', 'affected'],
        ['ubuntu:pro:16.04', 'fixed'],
        ['ubuntu:pro:18.04', 'fixed'],
        ['ubuntu:pro:20.04', 'fixed'],
        ['ubuntu:pro:22.04', 'fixed'],
        ['ubuntu:pro:24.04', 'fixed'],
        ['ubuntu:25.10', 'affected'],
        ['ubuntu:pro:26.04', 'affected'],
      ],
    );
    assert.deepEqual(netty[6]!.ranges, [{ introduced: '0' }]);
    assert.equal(sink.one('UBUNTU-CVE-2014-9913').affected[1]!.severity?.level, 'negligible');
    assert.equal(sink.one('UBUNTU-CVE-2026-1403').affected[0]!.status, 'affected');
  });

  test('recognizes Ubuntu OSV JSON and zips, not other OSV', () => {
    assert.equal(importer.recognizes(real('USN-5614-1.json')), true);
    assert.equal(importer.recognizes({ path: 'ubuntu-all.zip', bytes: zip({ 'a.json': '{}' }) }), true);
    assert.equal(
      importer.recognizes(json('GHSA-x.json', { id: 'GHSA-aaaa-bbbb-cccc', affected: [] })),
      false,
    );
  });
});

describe('ubuntu-osv zip input', () => {
  test('a zip of records imports each; a bad record inside is skipped', async () => {
    const bytes = zip({
      'UBUNTU-CVE-2021-3782.json': new Uint8Array(real('UBUNTU-CVE-2021-3782.json').bytes),
      'USN-5614-1.json': new Uint8Array(real('USN-5614-1.json').bytes),
      'broken.json': '{"id": "USN-1-1", "affected": [',
      'README.txt': 'not a record',
    });
    const sink = await importAll(importer, [{ path: 'all.zip', bytes }]);
    assert.deepEqual(sink.advisories.map((a) => a.id).sort(), ['UBUNTU-CVE-2021-3782', 'USN-5614-1']);
    assert.deepEqual(
      sink.skips.map((s) => s.where),
      ['all.zip: "broken.json"'],
    );
  });

  test('an oversized entry is skipped without inflating it; a corrupt zip is a PARSE_ERROR', async () => {
    const big = new Uint8Array(17 * 1024 * 1024).fill(0x20);
    const sink = await importAll(importer, [
      {
        path: 'all.zip',
        bytes: zip({ 'big.json': big, 'USN-5614-1.json': new Uint8Array(real('USN-5614-1.json').bytes) }),
      },
    ]);
    assert.deepEqual(
      sink.advisories.map((a) => a.id),
      ['USN-5614-1'],
    );
    assert.match(sink.skips[0]!.why, /too large/);

    const good = zip({ 'a.json': '{}' });
    await assert.rejects(
      importAll(importer, [{ path: 'all.zip', bytes: good.subarray(0, good.length - 10) }]),
      {
        code: 'PARSE_ERROR',
      },
    );
  });

  test('10^5 records (as files) and 6·10^4 in one zip import completely', async () => {
    const make = (i: number) => record(`UBUNTU-CVE-2024-${10000 + i}`, [ecosystemEntry('Ubuntu:24.04:LTS')]);
    function* files(): Generator<FeedFile> {
      for (let i = 0; i < 100_000; i++) yield json(`r${i}.json`, make(i));
    }
    const sink = new MemorySink();
    await importer.import(files(), sink);
    assert.equal(sink.advisories.length, 100_000);
    assert.equal(sink.skips.length, 0);

    // fflate writes no zip64, so one zip stays under 65,536 entries here; stored entries keep the test quick.
    const entries: Record<string, Uint8Array> = {};
    for (let i = 0; i < 60_000; i++)
      entries[`r${i}.json`] = new TextEncoder().encode(JSON.stringify(make(i)));
    const zipped = await importAll(importer, [
      { path: 'all.zip', bytes: Buffer.from(zipSync(entries, { level: 0 })) },
    ]);
    assert.equal(zipped.advisories.length, 60_000);
    assert.equal(zipped.skips.length, 0);
  });
});

describe('ubuntu-osv hostile input', () => {
  test('invalid JSON, truncated, wrong top-level type: PARSE_ERROR naming the file', async () => {
    const bytes = real('USN-5614-1.json').bytes;
    for (const file of [
      { path: 'USN-5614-1.json', bytes: bytes.subarray(0, 500) },
      { path: 'x.json', bytes: Buffer.from('') },
      json('x.json', []),
      json('x.json', { id: 'USN-1-1' }),
    ]) {
      await assert.rejects(importAll(importer, [file]), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'PARSE_ERROR');
        assert.ok(err.message.startsWith(`${file.path}:`));
        return true;
      });
    }
  });

  test('malformed affected entries are skipped, good ones kept', async () => {
    const huge = '9'.repeat(1 << 20);
    const sink = await importAll(importer, [
      json('r.json', {
        id: 'UBUNTU-CVE-2024-0001',
        severity: 'high',
        affected: [
          null,
          { package: { ecosystem: 'Debian:12', name: 'pkg' } },
          { package: { ecosystem: 'Ubuntu:Pro:bogus:LTS', name: 'pkg' } },
          { package: { ecosystem: 'Ubuntu:22.04:LTS', name: ['pkg'] } },
          ecosystemEntry('Ubuntu:22.04:LTS', { ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }),
          ecosystemEntry('Ubuntu:22.04:LTS', { ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: huge }] }] }),
          ecosystemEntry('Ubuntu:22.04:LTS', { ranges: [{ type: 'ECOSYSTEM', events: [{ bogus: '1' }] }] }),
          ecosystemEntry('Ubuntu:22.04:LTS', { ranges: 'all' }),
          ecosystemEntry('Ubuntu:22.04:LTS', { versions: [1] }),
          { package: { ecosystem: 'Ubuntu:22.04:LTS', name: 'pkg' } },
          ecosystemEntry('Ubuntu:Pro:FIPS-updates:20.04:LTS', { ecosystem_specific: { priority: 'high' } }),
        ],
      }),
    ]);
    assert.equal(sink.skips.length, 10);
    for (const s of sink.skips) assert.ok(s.why.length < 300 && s.where.startsWith('r.json: affected['));
    assert.deepEqual(
      sink.entries().map((e) => [e.namespace, e.status, e.severity?.level]),
      [['ubuntu:pro:fips-updates:20.04', 'fixed', 'high']],
    );
  });

  test('records without an id or affected list are skipped', async () => {
    const bytes = zip({
      'a.json': '[]',
      'b.json': '{"id": 5, "affected": []}',
      'c.json': '{"id": "USN-1-1"}',
    });
    const sink = await importAll(importer, [{ path: 'all.zip', bytes }]);
    assert.equal(sink.skips.length, 3);
    assert.equal(sink.advisories.length, 0);
  });
});

describe('ubuntu-osv helpers and download', () => {
  test('ecosystem → namespace and versionless purls', () => {
    assert.equal(ubuntuNamespace('Ubuntu:22.04:LTS'), 'ubuntu:22.04');
    assert.equal(ubuntuNamespace('Ubuntu:Pro:18.04:LTS'), 'ubuntu:pro:18.04');
    assert.equal(ubuntuNamespace('Ubuntu:25.10'), 'ubuntu:25.10');
    assert.equal(ubuntuNamespace('Ubuntu'), undefined);
    assert.equal(ubuntuNamespace('Ubuntu:jammy'), undefined);
    assert.equal(ubuntuNamespace('Debian:12'), undefined);
    assert.equal(
      versionlessPurl('pkg:deb/ubuntu/syslinux@3:4.05+dfsg-6+deb8u1?arch=source&distro=trusty'),
      'pkg:deb/ubuntu/syslinux?arch=source&distro=trusty',
    );
  });

  test('download fetches <base>/Ubuntu/all.zip', async () => {
    const bytes = zip({ 'USN-5614-1.json': new Uint8Array(real('USN-5614-1.json').bytes) });
    const server = await serveRoutes({ '/Ubuntu/all.zip': bytes });
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.deepEqual(
        files.map((f) => f.path),
        ['ubuntu-all.zip'],
      );
      assert.equal(importer.recognizes(files[0]!), true);
      assert.deepEqual(
        (await importAll(importer, files)).advisories.map((a) => a.id),
        ['USN-5614-1'],
      );
    } finally {
      await server.close();
    }
  });
});
