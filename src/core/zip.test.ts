import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { KeelsonError } from './errors.js';
import { readCentralDirectory, readZipEntry, type ZipEntry } from './zip.js';

function zip(files: Record<string, string | Uint8Array>, level: 0 | 6 = 6): Buffer {
  const input = Object.fromEntries(
    Object.entries(files).map(([name, body]) => [
      name,
      typeof body === 'string' ? new TextEncoder().encode(body) : body,
    ]),
  );
  return Buffer.from(zipSync(input, { level }));
}

/** Offset of the central directory header naming `name`. */
function centralHeader(archive: Buffer, name: string): number {
  for (let at = archive.indexOf(Buffer.from('PK\x01\x02', 'latin1')); at !== -1; ) {
    const length = archive.readUInt16LE(at + 28);
    if (archive.toString('latin1', at + 46, at + 46 + length) === name) return at;
    at = archive.indexOf(Buffer.from('PK\x01\x02', 'latin1'), at + 4);
  }
  throw new Error(`no central header for ${name}`);
}

function endOfCentralDirectory(archive: Buffer): number {
  return archive.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
}

function entry(archive: Buffer, name: string): ZipEntry {
  const found = readCentralDirectory(archive).entries.find((e) => e.name === name);
  assert.ok(found, name);
  return found;
}

function parseError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(
    fn,
    (err: unknown) => err instanceof KeelsonError && err.code === 'PARSE_ERROR' && pattern.test(err.message),
  );
}

/** Rewrites a plain zip's end record as zip64: a zip64 record, its locator, then a saturated classic record. */
function toZip64(archive: Buffer, declaredCount?: bigint): Buffer {
  const eocd = endOfCentralDirectory(archive);
  const count = BigInt(archive.readUInt16LE(eocd + 10));
  const size = BigInt(archive.readUInt32LE(eocd + 12));
  const offset = BigInt(archive.readUInt32LE(eocd + 16));
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(declaredCount ?? count, 24);
  record.writeBigUInt64LE(declaredCount ?? count, 32);
  record.writeBigUInt64LE(size, 40);
  record.writeBigUInt64LE(offset, 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(eocd), 8);
  locator.writeUInt32LE(1, 16);
  const classic = Buffer.alloc(22);
  classic.writeUInt32LE(0x06054b50, 0);
  classic.writeUInt16LE(0xffff, 8);
  classic.writeUInt16LE(0xffff, 10);
  classic.writeUInt32LE(0xffffffff, 12);
  classic.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([archive.subarray(0, eocd), record, locator, classic]);
}

describe('readCentralDirectory', () => {
  test('lists stored and deflated entries with their sizes', () => {
    const archive = zip({ 'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\r\n', 'a/b.txt': 'x'.repeat(5000) });
    const { entries, problem } = readCentralDirectory(archive);
    assert.equal(problem, undefined);
    assert.deepEqual(
      entries.map((e) => [e.name, e.method, e.size, e.encrypted]),
      [
        ['META-INF/MANIFEST.MF', 8, 23, false],
        ['a/b.txt', 8, 5000, false],
      ],
    );
    assert.ok((entries[1]?.compressedSize ?? 0) < 100);
    const stored = readCentralDirectory(zip({ 'x.bin': 'abc' }, 0)).entries[0];
    assert.equal(stored?.method, 0);
    assert.equal(stored?.compressedSize, 3);
  });

  test('an empty archive has no entries', () => {
    assert.deepEqual(readCentralDirectory(zip({})), { entries: [] });
  });

  test('reads zip64 end records', () => {
    const archive = toZip64(zip({ 'one.txt': '1', 'two.txt': '22' }));
    assert.deepEqual(
      readCentralDirectory(archive).entries.map((e) => e.name),
      ['one.txt', 'two.txt'],
    );
  });

  test('rejects a zip64 entry count the directory cannot hold instead of looping billions of times', () => {
    parseError(
      () => readCentralDirectory(toZip64(zip({ 'a.txt': 'a' }), 4_000_000_000n)),
      /cannot hold the 4000000000 entries/,
    );
  });

  test('rejects truncated archives, non-zips and directories outside the file', () => {
    const archive = zip({ 'a.txt': 'hello', 'b.txt': 'world' });
    parseError(
      () => readCentralDirectory(archive.subarray(0, archive.length - 30)),
      /no end of central directory/,
    );
    parseError(
      () => readCentralDirectory(Buffer.from('PK\x03\x04 and then nothing useful')),
      /no end of central/,
    );
    parseError(() => readCentralDirectory(Buffer.alloc(0)), /no end of central/);
    const outside = Buffer.from(archive);
    outside.writeUInt32LE(0x7fff0000, endOfCentralDirectory(outside) + 16);
    parseError(
      () => readCentralDirectory(outside),
      /central directory \(offset 2147418112, \d+ bytes\) lies outside the archive/,
    );
  });

  test('returns the entries before damage in the directory, with the problem', () => {
    const archive = zip({ 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' });
    archive.writeUInt32LE(0xdeadbeef, centralHeader(archive, 'b.txt'));
    const directory = readCentralDirectory(archive);
    assert.deepEqual(
      directory.entries.map((e) => e.name),
      ['a.txt'],
    );
    assert.match(directory.problem ?? '', /central directory entry 1 at offset \d+ is damaged/);
  });
});

describe('readZipEntry', () => {
  test('returns stored and deflated content', () => {
    const body = 'groupId=org.example\n'.repeat(100);
    for (const level of [0, 6] as const) {
      const archive = zip({ 'p.properties': body }, level);
      assert.equal(readZipEntry(archive, entry(archive, 'p.properties')).toString(), body);
    }
  });

  test('never inflates past the declared size', () => {
    const archive = zip({ 'zeros.bin': new Uint8Array(8 * 1024 * 1024) });
    const header = centralHeader(archive, 'zeros.bin');
    archive.writeUInt32LE(1000, header + 24);
    parseError(
      () => readZipEntry(archive, entry(archive, 'zeros.bin')),
      /inflates to more than its declared 1000 bytes/,
    );
    archive.writeUInt32LE(9 * 1024 * 1024, header + 24);
    parseError(
      () => readZipEntry(archive, entry(archive, 'zeros.bin')),
      /inflates to 8388608 bytes, not the declared 9437184/,
    );
  });

  test('reports corrupt data, bad local headers, truncation, encryption and unknown methods', () => {
    const archive = zip({ 'a.txt': 'some text '.repeat(50), 'b.txt': 'b' });
    const a = entry(archive, 'a.txt');
    const broken = Buffer.from(archive);
    broken.fill(0xff, a.localHeaderOffset + 30 + 5, a.localHeaderOffset + 30 + 5 + a.compressedSize);
    parseError(() => readZipEntry(broken, a), /a\.txt cannot be inflated/);
    parseError(
      () => readZipEntry(archive, { ...a, localHeaderOffset: 3 }),
      /local header of a\.txt at offset 3 is damaged/,
    );
    parseError(() => readZipEntry(archive, { ...a, localHeaderOffset: archive.length - 2 }), /local header/);
    parseError(
      () => readZipEntry(archive, { ...a, compressedSize: archive.length }),
      /runs past the end of the archive/,
    );
    parseError(() => readZipEntry(archive, { ...a, encrypted: true }), /a\.txt is encrypted/);
    parseError(() => readZipEntry(archive, { ...a, method: 12 }), /unsupported compression method 12/);
    const stored = zip({ 's.txt': 'stored' }, 0);
    parseError(() => readZipEntry(stored, { ...entry(stored, 's.txt'), size: 99 }), /inconsistent sizes/);
  });

  test('inflates a raw deflate stream of an empty file', () => {
    const archive = zip({ 'empty.txt': '' });
    const e = entry(archive, 'empty.txt');
    assert.equal(readZipEntry(archive, e).length, 0);
    assert.equal(deflateRawSync(Buffer.alloc(0)).length > 0, true);
  });
});
