import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { zipSync } from 'fflate';
import { fixture } from '../../../../test/helpers/paths.js';
import { KeelsonError } from '../../../core/errors.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { DEFAULT_OSV_ECOSYSTEMS, importer } from './index.js';
import { loadFeedDir } from './test-files.js';

const samples = () => loadFeedDir(fixture('feeds', 'osv', 'osv-samples'));

function zipOf(files: Array<{ path: string; bytes: Buffer }>): Buffer {
  const input: Record<string, Uint8Array> = {};
  for (const f of files) input[f.path.replace(/\//g, '_')] = f.bytes;
  return Buffer.from(zipSync(input));
}

describe('osv importer on real osv-schema samples', () => {
  test('language records become advisories with normalized names and intervals', async () => {
    const sink = await importAll(importer, samples());

    const pypi = sink.one('GHSA-p44j-xrqg-4xrr');
    assert.deepEqual(pypi.aliases, ['CVE-2021-21337']);
    assert.equal(pypi.source, 'osv');
    assert.equal(pypi.url, 'https://osv.dev/vulnerability/GHSA-p44j-xrqg-4xrr');
    assert.deepEqual(pypi.affected, [
      {
        namespace: 'pypi',
        packageName: 'products-pluggableauthservice',
        nameKind: 'binary',
        scheme: 'pep440',
        status: 'affected',
        ranges: [{ introduced: '0', fixed: '2.6.1' }],
        versions: [],
      },
    ]);

    const go = sink.one('GO-2020-0001').affected[0]!;
    assert.deepEqual([go.namespace, go.packageName, go.scheme], ['go', 'github.com/gin-gonic/gin', 'go']);
    assert.deepEqual(go.ranges, [{ introduced: '0', fixed: '1.6.0' }]);

    const maven = sink.one('GHSA-76mp-659p-rw65').affected[0]!;
    assert.equal(maven.packageName, 'org.xwiki.commons:xwiki-commons-core');
    assert.deepEqual(maven.ranges, [
      { introduced: '12.10.0', fixed: '12.10.2' },
      { introduced: '12.0', fixed: '12.6.7' },
      { introduced: '11.6.1', fixed: '11.10.13' },
    ]);
    assert.deepEqual(
      sink.one('GHSA-mr95-9rr4-668f').affected.map((e) => e.packageName),
      ['com.typesafe.akka:akka-actor_2.12', 'com.typesafe.akka:akka-actor_2.11'],
    );

    const withdrawn = sink.one('GHSA-35c4-f3rq-f9g3');
    assert.equal(withdrawn.withdrawn, '2018-10-11T17:29:49Z');
    assert.equal(withdrawn.affected[0]!.scheme, 'rubygems');

    // PYSEC: the GIT range is ignored, the ECOSYSTEM range and the 66 listed versions are kept.
    const pysec = sink.one('PYSEC-2023-74').affected[0]!;
    assert.deepEqual(pysec.ranges, [{ introduced: '2.3.0', fixed: '2.31.0' }]);
    assert.equal(pysec.versions.length, 66);
    assert.equal(pysec.purl, 'pkg:pypi/requests');

    const versionsOnly = sink.one('GHSA-4g4c-8gqh-m4vm').affected[0]!;
    assert.deepEqual(
      [versionsOnly.status, versionsOnly.ranges, versionsOnly.versions],
      ['affected', [], ['1.1.6']],
    );

    const mal = sink.one('MAL-2024-10238').affected[0]!;
    assert.deepEqual([mal.namespace, mal.packageName, mal.versions], ['pypi', '123bla', ['0.0.1']]);

    // GHSA-9v2f appears twice (the linter's "nopackage" variant): the first copy wins.
    const gradio = sink.one('GHSA-9v2f-6vcg-3hgv');
    assert.deepEqual(gradio.severities, [
      { type: 'CVSS_V3', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
    ]);
    assert.deepEqual(gradio.affected[0]!.severity, { level: 'critical', raw: 'CRITICAL' });
    assert.equal(sink.metas.get('duplicate records'), '1');
  });

  test('OS ecosystems and GIT-only records are skipped with reasons and counted', async () => {
    const sink = await importAll(importer, samples());
    const skipped = (name: string) => sink.skips.filter((s) => s.where.includes(name));
    assert.match(
      skipped('osv-linter/CVE-2018-5407.json')[0]!.why,
      /nothing this feed covers: ecosystem Alpine/,
    );
    assert.match(skipped('osv-linter/CVE-2023-41045.json')[0]!.why, /entry without a package/);
    assert.match(skipped('RHSA-2022_0216.json')[0]!.why, /affected is missing/);
    assert.match(
      sink.metas.get('entries left out') ?? '',
      /× ecosystem Alpine is not read by the osv importer/,
    );
    assert.equal(sink.advisories.length, Number(sink.metas.get('advisories')));
    assert.equal(sink.advisories.length, 16);
  });

  test('an osv.dev all.zip gives the same advisories as the loose files', async () => {
    const loose = await importAll(importer, samples());
    const zipped = await importAll(importer, [{ path: 'PyPI/all.zip', bytes: zipOf(samples()) }]);
    assert.deepEqual(zipped.advisories.map((a) => a.id).sort(), loose.advisories.map((a) => a.id).sort());
    assert.ok(zipped.skips.every((s) => s.where.startsWith('PyPI/all.zip')));
  });

  test('10^5 records (two archives of 50 000; fflate writes no zip64) import in reasonable time', async () => {
    const archive = (from: number) => {
      const input: Record<string, Uint8Array> = {};
      for (let i = from; i < from + 50_000; i++) {
        const rec = {
          id: `GHSA-bulk-${i}`,
          modified: '2024-01-01T00:00:00Z',
          affected: [
            {
              package: { ecosystem: 'npm', name: `p${i}` },
              ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }],
            },
          ],
        };
        input[`GHSA-bulk-${i}.json`] = Buffer.from(JSON.stringify(rec));
      }
      return Buffer.from(zipSync(input, { level: 0 }));
    };
    const files = [
      { path: 'npm/all.zip', bytes: archive(0) },
      { path: 'npm2/all.zip', bytes: archive(50_000) },
    ];
    const started = Date.now();
    const sink = await importAll(importer, files);
    assert.equal(sink.advisories.length, 100_000);
    assert.equal(sink.skips.length, 0);
    assert.equal(sink.one('GHSA-bulk-99999').affected[0]!.packageName, 'p99999');
    assert.ok(Date.now() - started < 30_000);
  });

  test('malformed records are skipped; a file that is not OSV fails naming it', async () => {
    const sink = await importAll(importer, [
      { path: 'bad.json', bytes: Buffer.from('{"id": "GHSA-x", "affected": [') },
      { path: 'list.json', bytes: Buffer.from('[{"id": 5, "affected": []}]') },
      samples().find((f) => f.path.endsWith('GO-2020-0001.json'))!,
    ]);
    assert.equal(sink.advisories.length, 1);
    assert.deepEqual(
      sink.skips.map((s) => s.where),
      ['bad.json', 'list.json[0]'],
    );
    for (const bytes of [
      '{"catalogVersion": "1", "vulnerabilities": []}',
      'cve,epss,percentile\n',
      '"just a string"',
    ]) {
      await assert.rejects(
        importAll(importer, [{ path: 'other.json', bytes: Buffer.from(bytes) }]),
        (err: unknown) =>
          err instanceof KeelsonError && err.code === 'PARSE_ERROR' && /other\.json/.test(err.message),
      );
    }
  });

  test('recognizes OSV JSON and zips, not vendor OSV, VEX or other feeds', () => {
    const go = samples().find((f) => f.path.endsWith('GO-2020-0001.json'))!;
    assert.equal(importer.recognizes(go), true);
    assert.equal(importer.recognizes({ path: 'npm/all.zip', bytes: zipOf([go]) }), true);
    const alpine = samples().find((f) => f.path.endsWith('osv-linter/CVE-2018-5407.json'))!;
    assert.equal(importer.recognizes(alpine), false);
    assert.equal(importer.recognizes({ path: 'Alpine/all.zip', bytes: zipOf([alpine]) }), false);
    assert.equal(importer.recognizes({ path: 'broken.zip', bytes: zipOf([go]).subarray(0, 40) }), false);
    const dhi = loadFeedDir(fixture('feeds', 'osv', 'dhi-advisories', 'osv', 'cosign'))[0]!;
    assert.equal(importer.recognizes(dhi), false);
    const cg = loadFeedDir(fixture('feeds', 'synthetic', 'chainguard-osv'))[0]!;
    assert.equal(importer.recognizes(cg), false);
    assert.equal(
      importer.recognizes({
        path: 'x.vex.json',
        bytes: Buffer.from('{"@context":"https://openvex.dev/ns/v0.2.0"}'),
      }),
      false,
    );
    assert.equal(
      importer.recognizes({ path: 'kev.json', bytes: Buffer.from('{"catalogVersion":"1"}') }),
      false,
    );
  });
});

describe('osv download', () => {
  test('fetches <Ecosystem>/all.zip for each default ecosystem from the base URL', async () => {
    const routes: Record<string, Buffer> = {};
    for (const eco of DEFAULT_OSV_ECOSYSTEMS)
      routes[`/${encodeURIComponent(eco)}/all.zip`] = Buffer.from(eco);
    const server = await serveRoutes(routes);
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.deepEqual(
        files.map((f) => [f.path, f.bytes.toString()]),
        DEFAULT_OSV_ECOSYSTEMS.map((e) => [`${e}/all.zip`, e]),
      );
      assert.deepEqual(server.requests, [
        '/npm/all.zip',
        '/PyPI/all.zip',
        '/Go/all.zip',
        '/Maven/all.zip',
        '/crates.io/all.zip',
        '/RubyGems/all.zip',
        '/NuGet/all.zip',
        '/Packagist/all.zip',
      ]);
    } finally {
      await server.close();
    }
  });
});
