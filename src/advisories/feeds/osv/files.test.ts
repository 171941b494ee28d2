import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { KeelsonError } from '../../../core/errors.js';
import type { FeedFile } from '../../types.js';
import { MemorySink } from '../test-sink.js';
import {
  DEFAULT_LIMITS,
  type ExpandLimits,
  expandFeedFile,
  type FeedDocument,
  gunzipBounded,
  readJson,
} from './files.js';
import { makeTar, makeTarGz } from './test-files.js';

async function expand(file: FeedFile, limits?: ExpandLimits, stripTopFolder = false) {
  const sink = new MemorySink();
  const docs: FeedDocument[] = [];
  for await (const doc of expandFeedFile(file, sink, { ...(limits ? { limits } : {}), stripTopFolder }))
    docs.push(doc);
  return { docs, sink };
}

function zip(files: Record<string, string | Uint8Array>): Buffer {
  const input: Record<string, Uint8Array> = {};
  for (const [name, body] of Object.entries(files))
    input[name] = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.from(zipSync(input));
}

async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof KeelsonError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('expandFeedFile', () => {
  test('a plain file is passed through', async () => {
    const { docs } = await expand({ path: 'a.json', bytes: Buffer.from('{}') });
    assert.deepEqual(
      docs.map((d) => d.path),
      ['a.json'],
    );
  });

  test('zip members come out one by one with their member names', async () => {
    const { docs } = await expand({
      path: 'npm/all.zip',
      bytes: zip({ 'A.json': '{"a":1}', 'dir/B.json': '{}' }),
    });
    assert.deepEqual(
      docs.map((d) => [d.path, d.member, d.bytes.toString()]),
      [
        ['npm/all.zip!/A.json', 'A.json', '{"a":1}'],
        ['npm/all.zip!/dir/B.json', 'dir/B.json', '{}'],
      ],
    );
  });

  test('an oversized zip member is skipped with a reason; the rest is read', async () => {
    const big = new Uint8Array(20 * 1024 * 1024); // compresses to ~20 KB: a small bomb
    const { docs, sink } = await expand(
      { path: 'x.zip', bytes: zip({ 'big.json': big, 'ok.json': '{}' }) },
      {
        ...DEFAULT_LIMITS,
        maxMemberBytes: 1024 * 1024,
      },
    );
    assert.deepEqual(
      docs.map((d) => d.member),
      ['ok.json'],
    );
    assert.equal(sink.skips.length, 1);
    assert.match(sink.skips[0]!.why, /exceeds the 1048576-byte limit/);
  });

  test('a zip expanding past the total cap fails as a decompression bomb', async () => {
    const chunk = new Uint8Array(600 * 1024);
    const bytes = zip({ 'a.json': chunk, 'b.json': chunk, 'c.json': chunk });
    await rejectsWith(
      expand({ path: 'x.zip', bytes }, { ...DEFAULT_LIMITS, maxTotalBytes: 1024 * 1024 }),
      'DECOMPRESSION_BOMB',
      /x\.zip/,
    );
  });

  test('a member that inflates past its declared size is skipped, not expanded', async () => {
    const bytes = zip({ 'liar.json': new Uint8Array(100_000), 'ok.json': '{}' });
    // Shrink the declared uncompressed size in the central directory entry of liar.json.
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(10, central + 24);
    const { docs, sink } = await expand({ path: 'x.zip', bytes });
    assert.deepEqual(
      docs.map((d) => d.member),
      ['ok.json'],
    );
    assert.match(sink.skips[0]!.why, /more than its declared 10 bytes/);
  });

  test('a truncated or non-zip .zip is a PARSE_ERROR naming the file', async () => {
    const bytes = zip({ 'a.json': '{}' });
    await rejectsWith(
      expand({ path: 'cut.zip', bytes: bytes.subarray(0, bytes.length - 30) }),
      'PARSE_ERROR',
      /cut\.zip/,
    );
    await rejectsWith(
      expand({ path: 'html.zip', bytes: Buffer.from('<html>') }),
      'PARSE_ERROR',
      /html\.zip is not a readable zip/,
    );
  });

  test('tarball members are streamed, the top folder stripped when asked', async () => {
    const bytes = makeTarGz([
      { name: 'advisories-main/osv/a/CVE-1.json', bytes: '{"id":"x"}' },
      { name: 'advisories-main/README.md', bytes: 'hi' },
    ]);
    const { docs } = await expand({ path: 'repo.tar.gz', bytes }, undefined, true);
    assert.deepEqual(
      docs.map((d) => [d.member, d.bytes.toString()]),
      [
        ['osv/a/CVE-1.json', '{"id":"x"}'],
        ['README.md', 'hi'],
      ],
    );
  });

  test('a truncated tarball or gzip stream is a PARSE_ERROR naming the file', async () => {
    const full = makeTarGz([{ name: 'top/a.json', bytes: 'x'.repeat(5000) }]);
    await rejectsWith(
      expand({ path: 'cut.tar.gz', bytes: full.subarray(0, full.length - 20) }),
      'PARSE_ERROR',
      /cut\.tar\.gz/,
    );
    const tarCut = gzipSync(makeTar([{ name: 'top/a.json', bytes: 'x'.repeat(5000) }]).subarray(0, 1500));
    await rejectsWith(
      expand({ path: 'short.tar.gz', bytes: tarCut }),
      'PARSE_ERROR',
      /short\.tar\.gz.*truncated/,
    );
  });

  test('an oversized tar member is skipped; the total cap stops a bomb', async () => {
    const bytes = makeTarGz([
      { name: 't/big.json', bytes: Buffer.alloc(300_000) },
      { name: 't/ok.json', bytes: '{}' },
    ]);
    const { docs, sink } = await expand(
      { path: 'x.tar.gz', bytes },
      { ...DEFAULT_LIMITS, maxMemberBytes: 100_000 },
      true,
    );
    assert.deepEqual(
      docs.map((d) => d.member),
      ['ok.json'],
    );
    assert.match(sink.skips[0]!.why, /exceeds/);
    await rejectsWith(
      expand({ path: 'x.tar.gz', bytes }, { ...DEFAULT_LIMITS, maxTotalBytes: 100_000 }),
      'DECOMPRESSION_BOMB',
      /x\.tar\.gz/,
    );
  });

  test('a .gz file is gunzipped with a cap', async () => {
    const { docs } = await expand({ path: 'a.json.gz', bytes: gzipSync('{"a":1}') });
    assert.deepEqual(
      docs.map((d) => [d.path, d.bytes.toString()]),
      [['a.json', '{"a":1}']],
    );
    assert.throws(
      () => gunzipBounded({ path: 'bomb.gz', bytes: gzipSync(Buffer.alloc(2_000_000)) }, 1_000_000),
      (err: unknown) => err instanceof KeelsonError && err.code === 'DECOMPRESSION_BOMB',
    );
    assert.throws(
      () => gunzipBounded({ path: 'cut.gz', bytes: gzipSync('x'.repeat(1000)).subarray(0, 15) }),
      (err: unknown) =>
        err instanceof KeelsonError && err.code === 'PARSE_ERROR' && /cut\.gz/.test(err.message),
    );
  });
});

describe('readJson', () => {
  test('JSON-looking garbage is malformed; non-JSON throws PARSE_ERROR naming the file', () => {
    assert.deepEqual(readJson({ path: 'a.json', bytes: Buffer.from('\uFEFF{"a":1}') }), { value: { a: 1 } });
    const bad = readJson({ path: 'a.json', bytes: Buffer.from('{"a":') });
    assert.ok('malformed' in bad);
    assert.throws(
      () => readJson({ path: 'page.json', bytes: Buffer.from('<!doctype html>') }),
      (err: unknown) =>
        err instanceof KeelsonError && err.code === 'PARSE_ERROR' && /page\.json/.test(err.message),
    );
  });
});
