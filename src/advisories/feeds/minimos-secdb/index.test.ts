import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../../../test/helpers/paths.js';
import type { FeedFile } from '../../types.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { importer } from './index.js';

// SYNTHETIC feed in the MinimOS secdb schema.
const synthetic = (): FeedFile => ({
  path: 'security.json',
  bytes: readFileSync(fixture('feeds', 'synthetic', 'secdb', 'minimos-security.json')),
});

describe('minimos-secdb importer (synthetic feed)', () => {
  test('imports into namespace minimos', async () => {
    const sink = await importAll(importer, [synthetic()]);
    assert.deepEqual(sink.one('CVE-2099-3001').affected, [
      {
        namespace: 'minimos',
        packageName: 'synthproxy',
        nameKind: 'origin',
        scheme: 'apk',
        status: 'fixed',
        ranges: [{ introduced: '0', fixed: '3.1.0-r0' }],
        versions: [],
      },
    ]);
    assert.equal(importer.recognizes(synthetic()), true);
  });

  test('invalid JSON is a PARSE_ERROR naming the file', async () => {
    await assert.rejects(
      importAll(importer, [{ path: 'minimos/security.json', bytes: Buffer.from('{"packages":[') }]),
      {
        code: 'PARSE_ERROR',
        message: /minimos\/security\.json/,
      },
    );
  });

  test('download fetches <base>/advisories/secdb/security.json', async () => {
    const server = await serveRoutes({ '/advisories/secdb/security.json': synthetic().bytes });
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.equal((await importAll(importer, files)).advisories.length, 1);
    } finally {
      await server.close();
    }
  });
});
