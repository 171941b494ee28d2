import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../../../test/helpers/paths.js';
import type { FeedFile } from '../../types.js';
import { importer as chainguard } from '../chainguard-secdb/index.js';
import { importer as minimos } from '../minimos-secdb/index.js';
import { downloadAll, importAll, serveRoutes, testFetcher } from '../test-sink.js';
import { importer } from './index.js';

// SYNTHETIC feed in the Wolfi secdb schema (no real Wolfi data may be committed).
const synthetic = (): FeedFile => ({
  path: 'security.json',
  bytes: readFileSync(fixture('feeds', 'synthetic', 'secdb', 'wolfi-security.json')),
});

describe('wolfi-secdb importer (synthetic feed)', () => {
  test('imports into namespace wolfi with origin names and apk ranges', async () => {
    const sink = await importAll(importer, [synthetic()]);
    assert.deepEqual(sink.one('CVE-2099-1000').affected, [
      {
        namespace: 'wolfi',
        packageName: 'synthlib',
        nameKind: 'origin',
        scheme: 'apk',
        status: 'not_affected',
        ranges: [],
        versions: [],
      },
    ]);
    // One id fixed in two packages: one advisory, two entries.
    assert.deepEqual(
      sink.one('CVE-2099-1001').affected.map((a) => [a.packageName, a.status, a.ranges[0]?.fixed]),
      [
        ['synthlib', 'fixed', '1.2.3-r1'],
        ['synthtool', 'fixed', '2.0.0-r3'],
      ],
    );
    assert.equal(sink.one('GHSA-aaaa-bbbb-cccc').affected[0]!.ranges[0]!.fixed, '1.2.3-r1');
    assert.deepEqual(sink.one('CVE-2099-1002').aliases, ['GHSA-dddd-eeee-ffff']);
    assert.equal(sink.one('CVE-2099-1001').source, 'wolfi-secdb');
    assert.equal(sink.advisories.length, 4);
    assert.deepEqual(
      sink.skips.map((s) => s.where),
      [
        'security.json: packages[2]',
        'security.json: packages[3].pkg.secfixes["1.0-r0"]',
        'security.json: packages[4]',
      ],
    );
  });

  test('recognizes its own feed only', () => {
    assert.equal(importer.recognizes(synthetic()), true);
    assert.equal(chainguard.recognizes(synthetic()), false);
    assert.equal(minimos.recognizes(synthetic()), false);
    const alpine = fixture('feeds', 'distro', 'alpine-secdb', '311-main.json');
    assert.equal(importer.recognizes({ path: 'v3.11/main.json', bytes: readFileSync(alpine) }), false);
  });

  test('hostile input: invalid JSON, truncated, wrong types', async () => {
    const bytes = synthetic().bytes;
    for (const bad of [
      bytes.subarray(0, 200),
      Buffer.from('"packages"'),
      Buffer.from('{"packages": 7}'),
      Buffer.from(''),
    ]) {
      await assert.rejects(importAll(importer, [{ path: 'security.json', bytes: bad }]), {
        code: 'PARSE_ERROR',
      });
    }
  });

  test('download fetches <base>/os/security.json', async () => {
    const server = await serveRoutes({ '/os/security.json': synthetic().bytes });
    try {
      const files = await downloadAll(importer, testFetcher, server.baseUrl);
      assert.deepEqual(
        files.map((f) => f.path),
        ['security.json'],
      );
      assert.deepEqual(server.requests, ['/os/security.json']);
      assert.equal((await importAll(importer, files)).advisories.length, 4);
    } finally {
      await server.close();
    }
  });
});
