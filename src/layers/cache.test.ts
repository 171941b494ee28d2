import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Analyzer } from '../analyzers/types.js';
import { LayerCache } from './cache.js';
import type { LayerFacts } from './walker.js';

const analyzer = (name: string, version: number): Analyzer => ({
  name,
  version,
  wants: () => false,
  maxFileSize: 0,
  oversize: 'warn',
  analyze: () => undefined,
});

const facts: LayerFacts = {
  files: {
    'var/lib/dpkg/status': {
      dpkg: {
        packages: [
          {
            name: 'a',
            version: '1',
            type: 'deb',
            location: 'var/lib/dpkg/status',
            foundBy: 'dpkg',
            files: [],
          },
          { name: 'b', version: '2', type: 'deb', location: 'var/lib/dpkg/status', foundBy: 'dpkg' },
          {
            name: 'c',
            version: '3',
            type: 'deb',
            location: 'var/lib/dpkg/status',
            foundBy: 'dpkg',
            files: ['usr/bin/c', 'usr/share/doc/c/copyright'],
          },
        ],
      },
    },
    'var/lib/dpkg/info/c.list': { dpkg: { ownedFiles: { package: 'c', files: ['usr/bin/c'] } } },
    'var/lib/dpkg/info/empty.list': { dpkg: { ownedFiles: { package: 'empty', files: [] } } },
  },
  whiteouts: ['x'],
  opaqueDirs: [],
  symlinks: { 'bin/sh': 'bin/dash' },
  warnings: [],
  incomplete: false,
  entries: 5,
  uncompressedBytes: 100,
};
const diffID = `sha256:${'ab'.repeat(32)}`;

describe('LayerCache', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keelson-cache-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('round-trips facts exactly, empty and absent file lists included', async () => {
    const cache = new LayerCache(dir, [analyzer('dpkg', 1)]);
    assert.equal(await cache.get(diffID), undefined);
    await cache.put(diffID, facts);
    assert.deepEqual(await cache.get(diffID), facts);
  });

  test('analyzer versions are part of the key', async () => {
    const older = new LayerCache(dir, [analyzer('dpkg', 1)]);
    const newer = new LayerCache(dir, [analyzer('dpkg', 2)]);
    assert.notEqual(older.key(diffID), newer.key(diffID));
    assert.equal(await newer.get(diffID), undefined);
  });

  test('a damaged or mismatched entry is a miss, never an error', async () => {
    const cache = new LayerCache(dir, [analyzer('dpkg', 1)]);
    await cache.put(diffID, facts);
    const key = cache.key(diffID);
    const file = join(dir, 'layers', key.slice(0, 2), `${key}.json`);
    await writeFile(file, '{"diffID":"sha256:');
    assert.equal(await cache.get(diffID), undefined);
    await writeFile(file, JSON.stringify({ diffID: 'sha256:other', facts }));
    assert.equal(await cache.get(diffID), undefined);
    assert.deepEqual(
      (await readdir(join(dir, 'layers', key.slice(0, 2)))).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
});
