import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { isKeelsonError } from '../../core/errors.js';
import type { EntryInfo, FileFacts } from '../types.js';
import { chiselAnalyzer } from './index.js';

const MANIFEST = 'var/lib/chisel/manifest.wall';
const ctx = { sibling: () => undefined };
const entry = (path: string): EntryInfo => ({ path, size: 1, mode: 0o644, type: 'file' });

/** Compresses with the zstd CLI, as chisel's own encoder would; the tool must be installed. */
function zstd(input: string | Buffer, ...args: string[]): Buffer {
  return execFileSync('/usr/bin/zstd', ['-q', '-c', ...args], { input, maxBuffer: 1 << 30 });
}

function analyze(content: Buffer): FileFacts {
  const facts = chiselAnalyzer.analyze({ path: MANIFEST, content, mode: 0o644 }, ctx);
  assert.ok(facts);
  return facts;
}

const parseError = (pattern: RegExp) => (err: unknown) =>
  isKeelsonError(err) &&
  err.code === 'PARSE_ERROR' &&
  err.context.file === MANIFEST &&
  pattern.test(err.message);

/** A manifest in chisel's jsonwall layout: header, then entries sorted by kind. */
const manifest = [
  '{"jsonwall":"1.0","schema":"1.0","count":12}',
  '{"kind":"content","slice":"base-files_base","path":"/etc/os-release"}',
  '{"kind":"package","name":"base-files","version":"13ubuntu10.1","sha256":"aa","arch":"amd64"}',
  '{"kind":"package","name":"libc6","version":"2.39-0ubuntu8.3","sha256":"bb","arch":"amd64"}',
  '{"kind":"package","name":"zlib1g","version":"1:1.3.dfsg-3.1ubuntu2","sha256":"cc","arch":"amd64"}',
  '{"kind":"path","path":"/etc/","mode":"0755","slices":["base-files_base"]}',
  '{"kind":"path","path":"/etc/os-release","mode":"0644","slices":["base-files_base"],"sha256":"11","size":386}',
  '{"kind":"path","path":"/usr/lib/x86_64-linux-gnu/libc.so.6","mode":"0755","slices":["libc6_libs"],"sha256":"22","size":2125328}',
  '{"kind":"path","path":"/usr/lib/x86_64-linux-gnu/libz.so.1","mode":"0777","slices":["zlib1g_libs"],"link":"libz.so.1.3"}',
  '{"kind":"path","path":"/usr/share/doc/shared","mode":"0644","slices":["libc6_copyright","zlib1g_copyright"]}',
  '{"kind":"slice","name":"base-files_base"}',
  '{"kind":"slice","name":"libc6_libs"}',
  '',
].join('\n');

describe('chiselAnalyzer', () => {
  test('wants the chisel manifest only', () => {
    assert.equal(chiselAnalyzer.wants(MANIFEST, entry(MANIFEST)), true);
    assert.equal(chiselAnalyzer.wants('var/lib/chisel/other', entry('x')), false);
    assert.equal(chiselAnalyzer.oversize, 'error');
  });

  test('zstd manifest: deb packages with the files of their slices', () => {
    const facts = analyze(zstd(manifest));
    assert.deepEqual(facts, {
      packages: [
        {
          name: 'base-files',
          version: '13ubuntu10.1',
          type: 'deb',
          arch: 'amd64',
          location: MANIFEST,
          foundBy: 'chisel',
          files: ['etc/os-release'],
        },
        {
          name: 'libc6',
          version: '2.39-0ubuntu8.3',
          type: 'deb',
          arch: 'amd64',
          location: MANIFEST,
          foundBy: 'chisel',
          files: ['usr/lib/x86_64-linux-gnu/libc.so.6', 'usr/share/doc/shared'],
        },
        {
          name: 'zlib1g',
          version: '1:1.3.dfsg-3.1ubuntu2',
          type: 'deb',
          arch: 'amd64',
          location: MANIFEST,
          foundBy: 'chisel',
          files: ['usr/lib/x86_64-linux-gnu/libz.so.1', 'usr/share/doc/shared'],
        },
      ],
    });
  });

  test('a large manifest spanning many zstd blocks reads completely', () => {
    const header = '{"jsonwall":"1.0","schema":"1.0","count":20000}';
    const lines = Array.from(
      { length: 20_000 },
      (_, i) =>
        `{"kind":"package","name":"pkg-${i}","version":"1.${i}-1","sha256":"${i.toString(16).padStart(64, '0')}","arch":"amd64"}`,
    );
    const compressed = zstd([header, ...lines, ''].join('\n'), '-1');
    const packages = analyze(compressed).packages ?? [];
    assert.equal(packages.length, 20_000);
    assert.deepEqual([packages[0]?.name, packages[19_999]?.version], ['pkg-0', '1.19999-1']);
    assert.ok(packages.every((p, i) => p.name === `pkg-${i}` && p.version === `1.${i}-1`));
  });

  test('an uncompressed manifest reads the same', () => {
    assert.deepEqual(analyze(Buffer.from(manifest)), analyze(zstd(manifest)));
  });

  test('unreadable lines are reported and the rest kept', () => {
    const damaged = manifest
      .replace('{"kind":"package","name":"libc6"', '{"kind":"package","nome":"libc6"')
      .replace('{"kind":"slice","name":"libc6_libs"}', '{"kind":"slice",')
      .concat('[1,2]\n');
    const facts = analyze(zstd(damaged));
    assert.deepEqual(
      facts.packages?.map((p) => p.name),
      ['base-files', 'zlib1g'],
    );
    assert.equal(facts.incomplete, true);
    assert.deepEqual(facts.warnings, [
      { code: 'PKGDB_DAMAGED', message: '3 unreadable chisel manifest line(s): 4, 12, 13', file: MANIFEST },
    ]);
  });

  test('a manifest without packages warns; one whose every entry is unreadable fails', () => {
    const header = '{"jsonwall":"1.0","schema":"1.0","count":1}\n';
    const empty = analyze(zstd(header));
    assert.deepEqual(empty.packages, []);
    assert.deepEqual(
      empty.warnings?.map((w) => w.code),
      ['PKGDB_EMPTY'],
    );
    assert.throws(
      () => analyze(zstd(`${header}{oops\n{"kind":"package"}\n`)),
      parseError(/2 unreadable .*: 2, 3$/),
    );
  });

  test('not a jsonwall, not zstd, truncated zstd', () => {
    assert.throws(() => analyze(zstd('{"kind":"package"}\n')), parseError(/no jsonwall header/));
    assert.throws(() => analyze(Buffer.from([0, 1, 2, 3, 0xff])), parseError(/no jsonwall header/));
    const compressed = zstd(manifest);
    assert.throws(
      () => analyze(compressed.subarray(0, compressed.length - 7)),
      parseError(/not usable zstd: damaged or truncated/),
    );
    assert.throws(() => analyze(compressed.subarray(0, 4)), parseError(/truncated frame header/));
  });

  test('a frame declaring a huge window is refused before any allocation', () => {
    // From a pipe zstd cannot shrink the window to the input: the header keeps 1 GiB.
    const bigWindow = zstd(manifest, '--long=30');
    assert.throws(() => analyze(bigWindow), parseError(/declares a 1073741824-byte window/));
  });

  test('a decompression bomb stops at the size limit', () => {
    const bomb = zstd(Buffer.alloc(130 * 1024 * 1024, '\n'));
    assert.ok(bomb.length < 1024 * 1024);
    assert.throws(() => analyze(bomb), parseError(/decompresses to more than 134217728 bytes/));
  });
});
