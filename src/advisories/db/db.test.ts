import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { KeelsonError } from '../../core/errors.js';
import type { Advisory, FeedFile, FeedImporter, ImportSink } from '../types.js';
import { exportBundle, importBundle, isBundle } from './bundle.js';
import { AdvisoryDb } from './reader.js';
import { DB_FILE } from './schema.js';
import { updateDatabase } from './writer.js';

/**
 * A tiny importer for exercising the database machinery: each file is a JSON array of advisories;
 * an element that is not an object is a malformed record; a file that is not an array is invalid.
 */
function jsonImporter(name: string): FeedImporter {
  return {
    name,
    title: `test feed ${name}`,
    version: 1,
    recognizes: () => true,
    async import(files: AsyncIterable<FeedFile> | Iterable<FeedFile>, sink: ImportSink) {
      for await (const f of files) {
        const doc = JSON.parse(f.bytes.toString('utf8')) as unknown;
        if (!Array.isArray(doc))
          throw new KeelsonError('PARSE_ERROR', `${f.path}: not an array`, { file: f.path });
        doc.forEach((a, i) => {
          if (a && typeof a === 'object') sink.advisory(a as Advisory);
          else sink.skip(`${f.path}: [${i}]`, 'not an object');
        });
      }
    },
    async *download() {},
  };
}

function advisory(id: string, pkg: string, fixed: string): Advisory {
  return {
    id,
    aliases: [],
    references: [],
    severities: [],
    source: 'x',
    affected: [
      {
        namespace: 'alpine:3.20',
        packageName: pkg,
        nameKind: 'origin',
        scheme: 'apk',
        status: 'fixed',
        ranges: [{ introduced: '0', fixed }],
        versions: [],
      },
    ],
  };
}

const file = (records: unknown): FeedFile => ({
  path: 'feed.json',
  bytes: Buffer.from(JSON.stringify(records)),
});

describe('advisory database', async () => {
  const work = await mkdtemp(join(tmpdir(), 'keelson-db-'));
  after(() => rm(work, { recursive: true, force: true }));

  test('imports, reads back, and replaces one source without touching another', async () => {
    const dir = join(work, 'replace');
    const a = jsonImporter('feed-a');
    const b = jsonImporter('feed-b');
    let out = await updateDatabase(dir, [
      { importer: a, files: [file([advisory('CVE-2024-0001', 'openssl', '3.0.1-r0')])], origin: 'a.json' },
      { importer: b, files: [file([advisory('CVE-2024-0002', 'zlib', '1.3-r0')])], origin: 'b.json' },
    ]);
    assert.deepEqual(
      out.map((o) => [o.source, o.ok, o.counts.advisories]),
      [
        ['feed-a', true, 1],
        ['feed-b', true, 1],
      ],
    );
    out = await updateDatabase(dir, [
      { importer: a, files: [file([advisory('CVE-2024-0003', 'openssl', '3.0.2-r0')])], origin: 'a2.json' },
    ]);
    assert.equal(out[0]!.ok, true);
    const db = AdvisoryDb.open(dir);
    try {
      assert.deepEqual(
        db.affected('alpine:3.20', 'openssl').map((r) => [r.advisoryId, r.ranges]),
        [['CVE-2024-0003', [{ introduced: '0', fixed: '3.0.2-r0' }]]],
      );
      assert.equal(db.affected('alpine:3.20', 'zlib')[0]?.advisoryId, 'CVE-2024-0002');
      assert.deepEqual(
        db.sources().map((s) => [s.name, s.origin]),
        [
          ['feed-a', 'a2.json'],
          ['feed-b', 'b.json'],
        ],
      );
    } finally {
      db.close();
    }
  });

  test('a malformed record is skipped and counted; the rest is imported', async () => {
    const dir = join(work, 'skip');
    const [o] = await updateDatabase(dir, [
      {
        importer: jsonImporter('feed-a'),
        files: [
          file([advisory('CVE-2024-0001', 'a', '1-r0'), 42, 'x', advisory('CVE-2024-0002', 'b', '1-r0')]),
        ],
        origin: 'a.json',
      },
    ]);
    assert.equal(o!.ok, true);
    assert.equal(o!.counts.advisories, 2);
    assert.equal(o!.skipped, 2);
    assert.match(o!.skipExamples[0]!, /feed\.json: \[1\]: not an object/);
  });

  test('an invalid source fails alone and keeps its previous data', async () => {
    const dir = join(work, 'invalid');
    const a = jsonImporter('feed-a');
    await updateDatabase(dir, [
      { importer: a, files: [file([advisory('CVE-2024-0001', 'a', '1-r0')])], origin: 'v1' },
    ]);
    const out = await updateDatabase(dir, [
      {
        importer: a,
        files: [{ path: 'broken.json', bytes: Buffer.from('{"not": "an array"}') }],
        origin: 'v2',
      },
      {
        importer: jsonImporter('feed-b'),
        files: [file([advisory('CVE-2024-0009', 'b', '1-r0')])],
        origin: 'b',
      },
    ]);
    assert.equal(out[0]!.ok, false);
    assert.match(out[0]!.error!.message, /broken\.json: not an array/);
    assert.equal(out[1]!.ok, true);
    const db = AdvisoryDb.open(dir);
    try {
      assert.equal(db.affected('alpine:3.20', 'a')[0]?.advisoryId, 'CVE-2024-0001');
      assert.equal(db.sources().find((s) => s.name === 'feed-a')?.origin, 'v1');
    } finally {
      db.close();
    }
  });

  test('a source with nothing valid fails instead of emptying the source', async () => {
    const dir = join(work, 'empty');
    const a = jsonImporter('feed-a');
    await updateDatabase(dir, [
      { importer: a, files: [file([advisory('CVE-2024-0001', 'a', '1-r0')])], origin: 'v1' },
    ]);
    const [o] = await updateDatabase(dir, [{ importer: a, files: [file([1, 2])], origin: 'v2' }]);
    assert.equal(o!.ok, false);
    assert.match(o!.error!.message, /no valid records \(2 malformed/);
    const db = AdvisoryDb.open(dir);
    try {
      assert.equal(db.affected('alpine:3.20', 'a').length, 1);
    } finally {
      db.close();
    }
  });

  test('leftovers of a killed update are removed and a stale lock is taken over', async () => {
    const dir = join(work, 'stale');
    const a = jsonImporter('feed-a');
    await updateDatabase(dir, [
      { importer: a, files: [file([advisory('CVE-2024-0001', 'a', '1-r0')])], origin: 'v1' },
    ]);
    await writeFile(join(dir, `${DB_FILE}.building-999999-deadbeef`), 'half a database');
    await writeFile(join(dir, `${DB_FILE}.lock`), '999999'); // no such process
    const [o] = await updateDatabase(dir, [
      { importer: a, files: [file([advisory('CVE-2024-0002', 'a', '1-r0')])], origin: 'v2' },
    ]);
    assert.equal(o!.ok, true);
    assert.deepEqual((await readdir(dir)).sort(), [DB_FILE]);
  });

  test('a live lock refuses a second writer', async () => {
    const dir = join(work, 'busy');
    await updateDatabase(dir, [
      {
        importer: jsonImporter('feed-a'),
        files: [file([advisory('CVE-2024-0001', 'a', '1-r0')])],
        origin: 'v1',
      },
    ]);
    await writeFile(join(dir, `${DB_FILE}.lock`), String(process.pid));
    await assert.rejects(
      updateDatabase(dir, [{ importer: jsonImporter('feed-a'), files: [file([])], origin: 'v2' }]),
      (err: KeelsonError) => err.code === 'DATABASE_BUSY',
    );
    await rm(join(dir, `${DB_FILE}.lock`));
  });

  test('a missing database names the commands that create one', () => {
    assert.throws(
      () => AdvisoryDb.open(join(work, 'nothing-here')),
      (err: KeelsonError) => err.code === 'NO_DATABASE' && /keelson db update/.test(err.message),
    );
  });

  test('a file that is not a database is a clear error', async () => {
    const dir = join(work, 'garbage');
    await updateDatabase(dir, [
      {
        importer: jsonImporter('feed-a'),
        files: [file([advisory('CVE-2024-0001', 'a', '1-r0')])],
        origin: 'v1',
      },
    ]);
    await writeFile(join(dir, DB_FILE), Buffer.alloc(4096, 7));
    assert.throws(
      () => AdvisoryDb.open(dir),
      (err: KeelsonError) => err.code === 'DATABASE_ERROR',
    );
  });

  test('export-bundle and import round-trip; a tampered bundle is refused', async () => {
    const dir = join(work, 'bundle-src');
    await updateDatabase(dir, [
      {
        importer: jsonImporter('feed-a'),
        files: [file([advisory('CVE-2024-0001', 'openssl', '3.0.1-r0')])],
        origin: 'v1',
        demo: true,
      },
    ]);
    const bundle = join(work, 'bundle.tar.gz');
    const manifest = await exportBundle(dir, bundle);
    assert.deepEqual(
      manifest.sources.map((s) => [s.name, s.demo]),
      [['feed-a', true]],
    );
    assert.equal(await isBundle(bundle), true);
    assert.equal(await isBundle(join(dir, DB_FILE)), false);

    const target = join(work, 'bundle-dst');
    await importBundle(bundle, target);
    const db = AdvisoryDb.open(target);
    try {
      assert.equal(db.affected('alpine:3.20', 'openssl')[0]?.advisoryId, 'CVE-2024-0001');
      assert.equal(db.sources()[0]?.demo, true);
    } finally {
      db.close();
    }

    // Flip one byte of the gzip stream's payload: either gunzip or the checksum must refuse it.
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(bundle);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    const bad = join(work, 'bad.tar.gz');
    await writeFile(bad, bytes);
    await assert.rejects(importBundle(bad, join(work, 'bundle-bad')), (err: KeelsonError) =>
      ['PARSE_ERROR', 'DIGEST_MISMATCH', 'TRUNCATED_LAYER', 'CORRUPT_LAYER'].includes(err.code),
    );
    assert.equal(existsSync(join(work, 'bundle-bad', DB_FILE)), false);
  });
});
