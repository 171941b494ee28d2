import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../../../test/helpers/paths.js';
import type { FeedFile } from '../../types.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { importer as wolfi } from '../wolfi-secdb/index.js';
import { importer } from './index.js';

// SYNTHETIC feed in the Chainguard secdb schema (no real Chainguard data may be committed).
const synthetic = (): FeedFile => ({
  path: 'security.json',
  bytes: readFileSync(fixture('feeds', 'synthetic', 'secdb', 'chainguard-security.json')),
});

describe('chainguard-secdb importer (synthetic feed)', () => {
  test('imports into namespace chainguard', async () => {
    const sink = await importAll(importer, [synthetic()]);
    assert.deepEqual(
      sink.entries().map((e) => [e.id, e.namespace, e.packageName, e.status, e.ranges[0]?.fixed]),
      [
        ['CVE-2099-2003', 'chainguard', 'synthserver-1.4', 'not_affected', undefined],
        ['CVE-2099-2001', 'chainguard', 'synthserver-1.4', 'fixed', '1.4.7-r2'],
        ['CVE-2099-2002', 'chainguard', 'synthserver-1.4', 'fixed', '1.4.7-r2'],
      ],
    );
    assert.ok(sink.advisories.every((a) => a.source === 'chainguard-secdb'));
    assert.deepEqual(sink.skips, []);
  });

  test('recognizes its feed, not Wolfi’s', () => {
    assert.equal(importer.recognizes(synthetic()), true);
    assert.equal(wolfi.recognizes(synthetic()), false);
  });

  test('wrong top-level type is a PARSE_ERROR', async () => {
    await assert.rejects(importAll(importer, [{ path: 'security.json', bytes: Buffer.from('[]') }]), {
      code: 'PARSE_ERROR',
    });
  });

  test('download fetches <base>/chainguard/security.json', async () => {
    const server = await serveRoutes({ '/chainguard/security.json': synthetic().bytes });
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.equal((await importAll(importer, files)).advisories.length, 3);
      assert.deepEqual(server.requests, ['/chainguard/security.json']);
    } finally {
      await server.close();
    }
  });
});
