import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixture } from '../../../../test/helpers/paths.js';
import { KeelsonError } from '../../../core/errors.js';
import { loadFeedDir, makeTarGz } from '../osv/test-files.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { importer } from './index.js';

// SYNTHETIC records only (Chainguard data may not be committed): see the folder's README.md.
const synthetic = () =>
  loadFeedDir(fixture('feeds', 'synthetic', 'chainguard-osv'), (p) => p.endsWith('.json'));

describe('chainguard-osv importer (synthetic records)', () => {
  test('Chainguard and Wolfi entries become apk entries on origin names, upstream ids as aliases', async () => {
    const sink = await importAll(importer, synthetic());
    assert.equal(sink.advisories.length, 3);
    const a = sink.one('CGA-2c3f-4g5h-6j7m');
    assert.deepEqual(a.aliases, ['CVE-2099-10001', 'GHSA-zzzz-yyyy-xxxx']);
    assert.equal(a.source, 'chainguard-osv');
    assert.equal(a.url, 'https://images.chainguard.dev/security/CGA-2c3f-4g5h-6j7m');
    assert.deepEqual(a.affected, [
      {
        namespace: 'chainguard',
        packageName: 'frobnicator',
        nameKind: 'origin',
        scheme: 'apk',
        status: 'affected',
        ranges: [{ introduced: '0', fixed: '1.2.3-r1' }],
        versions: [],
        purl: 'pkg:apk/chainguard/frobnicator?arch=x86_64',
        notes: 'components: pkg:golang/golang.org/x/fakenet@v0.0.1',
      },
      {
        namespace: 'wolfi',
        packageName: 'frobnicator',
        nameKind: 'origin',
        scheme: 'apk',
        status: 'affected',
        ranges: [{ introduced: '0', fixed: '1.2.3-r2' }],
        versions: [],
        purl: 'pkg:apk/wolfi/frobnicator?arch=x86_64',
      },
    ]);
  });

  test('fixed "0" is not affected; an introduced with no fix is an open interval', async () => {
    const sink = await importAll(importer, synthetic());
    const notAffected = sink.one('CGA-mpqr-vwx2-3456').affected[0]!;
    assert.deepEqual(
      [notAffected.namespace, notAffected.status, notAffected.ranges],
      ['wolfi', 'not_affected', []],
    );
    const open = sink.one('CGA-hjmp-qrvw-x234').affected[0]!;
    assert.deepEqual([open.status, open.ranges], ['affected', [{ introduced: '1.4.0-r0' }]]);
  });

  test('the all.json index is not a record; records of other ecosystems are skipped', async () => {
    const sink = await importAll(importer, [
      ...synthetic(),
      {
        path: 'x.json',
        bytes: Buffer.from(
          '{"id":"CGA-x","affected":[{"package":{"ecosystem":"npm","name":"y"},"versions":["1"]}]}',
        ),
      },
    ]);
    assert.equal(sink.advisories.length, 3);
    assert.deepEqual(
      sink.skips.map((s) => s.where),
      ['x.json'],
    );
    assert.match(sink.skips[0]!.why, /ecosystem npm is not read by chainguard-osv/);
  });

  test('reads the OSV tarball; a broken tarball fails naming it', async () => {
    const tarball = makeTarGz(synthetic().map((f) => ({ name: `osv/${f.path}`, bytes: f.bytes })));
    const sink = await importAll(importer, [{ path: 'chainguard-osv.tar.gz', bytes: tarball }]);
    assert.equal(sink.advisories.length, 3);
    await assert.rejects(
      importAll(importer, [{ path: 'chainguard-osv.tar.gz', bytes: tarball.subarray(0, 100) }]),
      (err: unknown) =>
        err instanceof KeelsonError &&
        err.code === 'PARSE_ERROR' &&
        /chainguard-osv\.tar\.gz/.test(err.message),
    );
  });

  test('recognizes Chainguard records only', () => {
    assert.ok(
      synthetic()
        .filter((f) => f.path.startsWith('CGA-'))
        .every((f) => importer.recognizes(f)),
    );
    const minimos = loadFeedDir(fixture('feeds', 'synthetic', 'minimos-osv'))[0]!;
    assert.equal(importer.recognizes(minimos), false);
  });
});

describe('chainguard-osv download', () => {
  test('prefers the tarball', async () => {
    const server = await serveRoutes({ '/chainguard/v3/osv/chainguard-osv.tar.gz': 'TARBALL' });
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.deepEqual(
        files.map((f) => [f.path, f.bytes.toString()]),
        [['chainguard-osv.tar.gz', 'TARBALL']],
      );
    } finally {
      await server.close();
    }
  });

  test('falls back to the index and the records it lists', async () => {
    const routes: Record<string, Buffer> = {};
    for (const f of synthetic()) routes[`/chainguard/osv/${f.path}`] = f.bytes;
    const server = await serveRoutes(routes);
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.deepEqual(
        files.map((f) => f.path),
        ['osv/CGA-2c3f-4g5h-6j7m.json', 'osv/CGA-mpqr-vwx2-3456.json', 'osv/CGA-hjmp-qrvw-x234.json'],
      );
      const sink = await importAll(importer, files);
      assert.equal(sink.advisories.length, 3);
    } finally {
      await server.close();
    }
  });
});
