import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixture } from '../../../../test/helpers/paths.js';
import { loadFeedDir } from '../osv/test-files.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { importer } from './index.js';

// SYNTHETIC records only: see the folder's README.md.
const synthetic = () => loadFeedDir(fixture('feeds', 'synthetic', 'minimos-osv'), (p) => p.endsWith('.json'));

describe('minimos-osv importer (synthetic records)', () => {
  test('MinimOS entries become minimos apk entries on origin names', async () => {
    const sink = await importAll(importer, synthetic());
    assert.equal(sink.advisories.length, 2);
    const fixed = sink.one('MINI-0001-synthetic');
    assert.deepEqual(fixed.aliases, ['CVE-2099-20001']);
    assert.deepEqual(fixed.affected[0], {
      namespace: 'minimos',
      packageName: 'quuxlib',
      nameKind: 'origin',
      scheme: 'apk',
      status: 'affected',
      ranges: [{ introduced: '0', fixed: '2.0.1-r3' }],
      versions: [],
      purl: 'pkg:apk/minimos/quuxlib',
    });
    assert.equal(sink.one('MINI-0002-synthetic').affected[0]!.status, 'not_affected');
  });

  test('Chainguard records are not MinimOS records', async () => {
    const cg = loadFeedDir(fixture('feeds', 'synthetic', 'chainguard-osv'), (p) => p.startsWith('CGA-'));
    assert.equal(importer.recognizes(cg[0]!), false);
    assert.equal(importer.recognizes(synthetic().find((f) => f.path.startsWith('MINI-'))!), true);
    const sink = await importAll(importer, cg);
    assert.equal(sink.advisories.length, 0);
    assert.equal(sink.skips.length, 3);
  });

  test('download reads the index, then each record', async () => {
    const routes: Record<string, Buffer | string> = {};
    for (const f of synthetic()) routes[`/advisories/osv/${f.path}`] = f.bytes;
    // A hostile index entry must not become a request outside the feed.
    routes['/advisories/osv/all.json'] = JSON.stringify([
      { id: 'MINI-0001-synthetic' },
      { id: '../../etc/passwd' },
      { id: 'MINI-0002-synthetic' },
    ]);
    const server = await serveRoutes(routes);
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.deepEqual(
        files.map((f) => f.path),
        ['osv/MINI-0001-synthetic.json', 'osv/MINI-0002-synthetic.json'],
      );
      assert.deepEqual(server.requests, [
        '/advisories/osv/all.json',
        '/advisories/osv/MINI-0001-synthetic.json',
        '/advisories/osv/MINI-0002-synthetic.json',
      ]);
    } finally {
      await server.close();
    }
  });
});
