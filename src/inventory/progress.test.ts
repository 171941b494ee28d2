import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { fixture } from '../../test/helpers/paths.js';
import type { ProgressEvent } from '../core/progress.js';
import { countDownload } from '../image/registry/source.js';
import { inventoryTarget } from './build.js';

const image = fixture('images', 'alpine-310.tar.gz');
/** Its layer is gzipped: stored bytes read and uncompressed bytes walked differ. */
const gzipped = fixture('images', 'containerd-alpine-3.14.tar');

describe('inventory progress events', () => {
  test('a fresh layer: start, growing byte counts, end; then a layer cache hit', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'keelson-progress-'));
    try {
      const events: ProgressEvent[] = [];
      const inv = await inventoryTarget(gzipped, { cacheDir, onProgress: (e) => events.push(e) });
      const types = events.map((e) => e.type);
      assert.equal(types[0], 'inventory');
      assert.equal(types[1], 'image');
      assert.equal(types.at(-1), 'inventory');
      const end = events.at(-1);
      assert.ok(end?.type === 'inventory' && end.state === 'end' && end.packages === inv.packages.length);
      const opened = events[1];
      assert.ok(opened?.type === 'image' && opened.layers.length === 1);
      const analyze = events.filter((e) => e.type === 'analyze');
      assert.ok(analyze.length > 1, 'byte progress per chunk');
      for (let i = 1; i < analyze.length; i++) {
        assert.ok(analyze[i]!.walked >= analyze[i - 1]!.walked && analyze[i]!.read >= analyze[i - 1]!.read);
      }
      const layerEnd = events.find((e) => e.type === 'layer-end');
      assert.ok(layerEnd?.type === 'layer-end');
      assert.equal(layerEnd.cached, false);
      assert.equal(layerEnd.walked, inv.stats.bytesRead);
      assert.equal(layerEnd.walked, analyze.at(-1)?.walked);
      // The whole stored blob was read, and it is smaller than what it unpacks to.
      assert.equal(layerEnd.read, opened.layers[0]?.size);
      assert.ok(layerEnd.read < layerEnd.walked);
      assert.ok(types.indexOf('layer-start') < types.indexOf('analyze'));

      const again: ProgressEvent[] = [];
      await inventoryTarget(gzipped, { cacheDir, onProgress: (e) => again.push(e) });
      assert.deepEqual(
        again.map((e) => e.type),
        ['inventory', 'image', 'layer-end', 'inventory'],
      );
      const hit = again[2];
      assert.ok(hit?.type === 'layer-end' && hit.cached && hit.walked === layerEnd.walked);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  test('a throwing callback never fails the inventory', async () => {
    const inv = await inventoryTarget(image, {
      onProgress: () => {
        throw new Error('broken display');
      },
    });
    assert.ok(inv.packages.length > 0);
  });

  test('the image cache reports hit or miss', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'keelson-progress-'));
    try {
      const hits: boolean[] = [];
      const onProgress = (e: ProgressEvent) => {
        if (e.type === 'image-cache') hits.push(e.hit);
      };
      await inventoryTarget(image, { cacheDir, packageFiles: false, onProgress });
      await inventoryTarget(image, { cacheDir, packageFiles: false, onProgress });
      assert.deepEqual(hits, [false, true]);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('countDownload', () => {
  test('passes bytes through unchanged and reports cumulative counts with the total', async () => {
    const events: ProgressEvent[] = [];
    const chunks = [Buffer.from('abc'), Buffer.from('defgh'), Buffer.from('ij')];
    const counted = countDownload(Readable.from(chunks), 3, 10, (e) => events.push(e));
    const out: Buffer[] = [];
    for await (const c of counted) out.push(c as Buffer);
    assert.equal(Buffer.concat(out).toString(), 'abcdefghij');
    assert.deepEqual(events, [
      { type: 'download', index: 3, bytes: 3, total: 10 },
      { type: 'download', index: 3, bytes: 8, total: 10 },
      { type: 'download', index: 3, bytes: 10, total: 10 },
    ]);
  });

  test('an error of the blob stream reaches the reader', async () => {
    const blob = new PassThrough();
    const counted = countDownload(blob, 0, undefined, () => {});
    blob.write('partial');
    setImmediate(() => blob.destroy(new Error('connection reset')));
    await assert.rejects(async () => {
      for await (const _ of counted) {
        // drain
      }
    }, /connection reset/);
  });

  test('destroying the reader releases the blob stream', async () => {
    const blob = new PassThrough();
    const counted = countDownload(blob, 0, undefined, () => {});
    counted.destroy();
    await new Promise((r) => setImmediate(r));
    assert.equal(blob.destroyed, true);
  });
});
