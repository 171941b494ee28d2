import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { tarEntries } from '../../test/helpers/tar-writer.js';
import { KeelsonError } from '../core/errors.js';
import { type TarHeader, TarParser } from './tar.js';

function parse(
  data: Buffer,
  chunkSize = data.length,
): { headers: TarHeader[]; contents: Map<string, string> } {
  const headers: TarHeader[] = [];
  const contents = new Map<string, string>();
  const parser = new TarParser({
    entry(h) {
      headers.push(h);
      const parts: Buffer[] = [];
      return {
        data: (c) => parts.push(Buffer.from(c)),
        end: () => contents.set(h.name, Buffer.concat(parts).toString()),
      };
    },
  });
  for (let i = 0; i < data.length; i += chunkSize) parser.write(data.subarray(i, i + chunkSize));
  parser.end();
  return { headers, contents };
}

describe('TarParser', () => {
  test('reads files, dirs, symlinks and hard links in any chunking', () => {
    const tar = tarEntries([
      { path: 'etc/', type: 'dir' },
      { path: 'etc/os-release', content: 'ID=alpine\n' },
      { path: 'usr/lib/os-release', type: 'symlink', linkname: '../../etc/os-release' },
      { path: 'etc/copy', type: 'hardlink', linkname: 'etc/os-release' },
      { path: 'big', content: Buffer.alloc(5000, 7) },
    ]);
    for (const chunk of [1, 7, 511, 512, 513, 4096, tar.length]) {
      const { headers, contents } = parse(tar, chunk);
      assert.deepEqual(
        headers.map((h) => [h.name, h.type, h.size, h.linkname]),
        [
          ['etc/', 'dir', 0, ''],
          ['etc/os-release', 'file', 10, ''],
          ['usr/lib/os-release', 'symlink', 0, '../../etc/os-release'],
          ['etc/copy', 'hardlink', 0, 'etc/os-release'],
          ['big', 'file', 5000, ''],
        ],
        `chunk size ${chunk}`,
      );
      assert.equal(contents.get('etc/os-release'), 'ID=alpine\n');
      assert.equal(contents.get('big')?.length, 5000);
    }
  });

  test('applies pax long names and link names', () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(150)}`;
    const { headers } = parse(
      tarEntries([
        { path: long, content: 'x' },
        { path: 'l', type: 'symlink', linkname: long },
      ]),
    );
    assert.equal(headers[0]?.name, long);
    assert.equal(headers[1]?.linkname, long);
  });

  test('reads what GNU tar writes: long names, hard links, modes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-tar-'));
    const root = join(dir, 'root');
    const deep = join(root, 'a'.repeat(80), 'b'.repeat(80));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'file.txt'), 'hello');
    writeFileSync(join(root, 'exe'), 'x', { mode: 0o755 });
    linkSync(join(root, 'exe'), join(root, 'exe-link'));
    symlinkSync('exe', join(root, 'sym'));
    for (const format of ['gnu', 'pax', 'ustar']) {
      const file = join(dir, `${format}.tar`);
      try {
        execFileSync('tar', [`--format=${format}`, '--sort=name', '-cf', file, '-C', root, '.']);
      } catch {
        assert.equal(format, 'ustar', 'only ustar may refuse names longer than 255 bytes');
        continue;
      }
      const { headers, contents } = parse(readFileSync(file), 1000);
      const byName = new Map(headers.map((h) => [h.name.replace(/^\.\//, ''), h]));
      const longName = `${'a'.repeat(80)}/${'b'.repeat(80)}/file.txt`;
      assert.equal(byName.get(longName)?.size, 5, format);
      assert.equal(contents.get(`./${longName}`), 'hello');
      assert.equal(byName.get('exe')?.mode, 0o755);
      assert.equal(byName.get('exe-link')?.type, 'hardlink');
      assert.equal(byName.get('sym')?.linkname, 'exe');
    }
  });

  test('a truncated archive is an error, not a short listing', () => {
    const tar = tarEntries([{ path: 'a', content: Buffer.alloc(2000, 1) }]);
    for (const cut of [100, 600, 1500]) {
      assert.throws(
        () => parse(tar.subarray(0, cut)),
        (e: unknown) => e instanceof KeelsonError && e.code === 'TRUNCATED_LAYER',
        `cut at ${cut}`,
      );
    }
  });

  test('random bytes fail the checksum with a clear error', () => {
    const junk = Buffer.alloc(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 131 + 7) % 251;
    assert.throws(
      () => parse(junk),
      (e: unknown) => e instanceof KeelsonError && e.code === 'CORRUPT_LAYER' && /checksum/.test(e.message),
    );
  });

  test('an empty stream is not a tar; an archive of only end blocks is an empty layer', () => {
    assert.throws(
      () => parse(Buffer.alloc(0)),
      (e: unknown) => e instanceof KeelsonError && e.code === 'CORRUPT_LAYER',
    );
    assert.deepEqual(parse(Buffer.alloc(1024)).headers, []);
  });

  test('refuses oversized pax headers', () => {
    const tar = tarEntries([{ path: 'x', content: '1' }]);
    // Rewrite the first header as a pax header claiming 2 MiB.
    const h = Buffer.from(tar);
    h.write('x', 156, 'latin1');
    h.write(`${(2 * 1024 * 1024).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write('        ', 148, 'latin1');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += h[i]!;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    assert.throws(
      () => parse(h),
      (e: unknown) => e instanceof KeelsonError && /metadata header/.test(e.message),
    );
  });
});
