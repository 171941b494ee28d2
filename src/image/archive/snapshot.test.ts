import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readdir, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fixture } from '../../../test/helpers/paths.js';
import { openTarget } from '../open.js';
import type { ArchiveFiles } from './files.js';
import { openSnapshot, RecordingFiles } from './snapshot.js';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('archive snapshots', async () => {
  const work = await mkdtemp(join(tmpdir(), 'keelson-snapshot-'));
  after(() => rm(work, { recursive: true, force: true }));

  test('a gzipped docker-archive reopens from its snapshot with the same identity, config and layers', async () => {
    const cacheDir = join(work, 'cache');
    const archive = join(work, 'alpine.tar.gz');
    await copyFile(fixture('images', 'alpine-310.tar.gz'), archive);
    const first = await openTarget(archive, { cacheDir });
    assert.equal(first.kind, 'image');
    if (first.kind !== 'image') return;
    const layer = await collect(await first.source.openLayer(0));
    await first.source.close();
    assert.equal((await readdir(join(cacheDir, 'archives'))).length, 1);

    const second = await openTarget(archive, { cacheDir });
    if (second.kind !== 'image') throw new Error('not an image');
    assert.deepEqual(second.source.identity, first.source.identity);
    assert.deepEqual(second.source.config, first.source.config);
    assert.deepEqual(second.source.layers, first.source.layers);
    // A layer read through a replayed snapshot decompresses the archive then, and is the same bytes.
    assert.deepEqual(await collect(await second.source.openLayer(0)), layer);
    await second.source.close();
  });

  test('a changed archive file is not answered from the old snapshot', async () => {
    const cacheDir = join(work, 'cache-changed');
    const archive = join(work, 'changing.tar.gz');
    await copyFile(fixture('images', 'alpine-310.tar.gz'), archive);
    const first = await openTarget(archive, { cacheDir });
    if (first.kind === 'image') await first.source.close();
    // Same path, different content (and times): the snapshot's identity no longer matches.
    await copyFile(fixture('images', 'alpine-311.tar.gz'), archive);
    await utimes(archive, new Date(), new Date(Date.now() + 5000));
    const materialize = async (): Promise<ArchiveFiles> => {
      throw new Error('must not be called');
    };
    assert.equal(await openSnapshot(cacheDir, archive, materialize), undefined);
    const second = await openTarget(archive, { cacheDir });
    if (second.kind !== 'image') throw new Error('not an image');
    assert.notDeepEqual(
      second.source.config.diffIDs,
      first.kind === 'image' ? first.source.config.diffIDs : [],
    );
    await second.source.close();
  });

  test('replay answers recorded questions without touching the archive; others materialize it', async () => {
    const calls: string[] = [];
    const fake: ArchiveFiles = {
      has: async (n) => {
        calls.push(`has ${n}`);
        return n === 'manifest.json';
      },
      read: async (n) => {
        calls.push(`read ${n}`);
        return Buffer.from(`{"name":"${n}"}`);
      },
      size: async (n) => {
        calls.push(`size ${n}`);
        return 42;
      },
      stream: () => {
        throw new Error('unused');
      },
      close: async () => {},
    };
    const recording = new RecordingFiles(fake);
    await recording.has('manifest.json');
    await recording.read('manifest.json', 1024);
    await recording.size('layer.tar');
    const cacheDir = join(work, 'cache-replay');
    const archive = join(work, 'replay.tar.gz');
    await copyFile(fixture('images', 'alpine-310.tar.gz'), archive);
    await recording.save(cacheDir, archive);
    calls.length = 0;
    let materialized = 0;
    const replay = await openSnapshot(cacheDir, archive, async () => {
      materialized++;
      return fake;
    });
    assert.ok(replay);
    assert.equal(await replay.has('manifest.json'), true);
    assert.equal((await replay.read('manifest.json', 1024)).toString(), '{"name":"manifest.json"}');
    assert.equal(await replay.size('layer.tar'), 42);
    assert.equal(materialized, 0);
    assert.deepEqual(calls, []);
    assert.equal(await replay.has('other'), false);
    assert.equal(materialized, 1);
    assert.deepEqual(calls, ['has other']);
  });

  test('a damaged snapshot file is ignored', async () => {
    const cacheDir = join(work, 'cache-damaged');
    const archive = join(work, 'damaged.tar.gz');
    await copyFile(fixture('images', 'alpine-310.tar.gz'), archive);
    const first = await openTarget(archive, { cacheDir });
    if (first.kind === 'image') await first.source.close();
    const [dir] = await readdir(join(cacheDir, 'archives'));
    const [name] = await readdir(join(cacheDir, 'archives', dir!));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(cacheDir, 'archives', dir!, name!), '{"identity": 5, "log": "x');
    const again = await openTarget(archive, { cacheDir });
    assert.equal(again.kind, 'image');
    if (again.kind === 'image') await again.source.close();
  });
});
