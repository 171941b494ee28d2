import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fixture } from '../../test/helpers/paths.js';
import { inventoryTarget } from './build.js';

describe('image cache', async () => {
  const work = await mkdtemp(join(tmpdir(), 'keelson-image-cache-'));
  after(() => rm(work, { recursive: true, force: true }));
  const image = fixture('images', 'containerd-alpine-3.14.tar');

  test('an unchanged image is served whole, equal to a fresh inventory without file lists', async () => {
    const cacheDir = join(work, 'cache');
    const fresh = await inventoryTarget(image, { packageFiles: false });
    const first = await inventoryTarget(image, { cacheDir, packageFiles: false });
    const second = await inventoryTarget(image, { cacheDir, packageFiles: false });
    assert.equal(first.stats.layersAnalyzed, 1);
    assert.deepEqual(second.stats, { layersFromCache: 1, layersAnalyzed: 0, bytesRead: 0 });
    const { stats: _a, ...a } = fresh;
    const { stats: _b, ...b } = second;
    assert.deepEqual(b, a);
    assert.ok(second.packages.every((p) => p.files === undefined));
    assert.equal((await readdir(join(cacheDir, 'images'))).length, 1);
  });

  test('callers that want file lists never get a cached inventory without them', async () => {
    const cacheDir = join(work, 'cache-files');
    await inventoryTarget(image, { cacheDir, packageFiles: false });
    const withFiles = await inventoryTarget(image, { cacheDir });
    assert.ok(withFiles.packages.some((p) => (p.files?.length ?? 0) > 0));
  });

  test('a different base image is a different key', async () => {
    const cacheDir = join(work, 'cache-base');
    await inventoryTarget(image, { cacheDir, packageFiles: false });
    const withBase = await inventoryTarget(image, { cacheDir, packageFiles: false, baseImage: image });
    assert.equal(withBase.base?.method, 'base-image');
    const [dir] = await readdir(join(cacheDir, 'images'));
    const count = (await readdir(join(cacheDir, 'images'))).length;
    assert.ok(
      count === 2 || (dir !== undefined && (await readdir(join(cacheDir, 'images', dir))).length === 2),
    );
  });
});
