import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { tarEntries } from '../../test/helpers/tar-writer.js';
import type { Analyzer } from '../analyzers/types.js';
import { KeelsonError } from '../core/errors.js';
import { ByteBudget, DEFAULT_LIMITS } from './decompress.js';
import { walkLayer } from './walker.js';

/** A test analyzer that records each wanted file's text. */
function textAnalyzer(name: string, wanted: (p: string) => boolean, extra: Partial<Analyzer> = {}): Analyzer {
  return {
    name,
    version: 1,
    wants: (p) => wanted(p),
    maxFileSize: 1024,
    oversize: 'warn',
    analyze: (file) => ({ repositories: [file.content.toString()] }),
    ...extra,
  };
}

const osAnalyzer = textAnalyzer('text', (p) => p.endsWith('os-release') || p.startsWith('data/'));

async function walk(blob: Buffer, analyzers: Analyzer[] = [osAnalyzer], opts: { diffID?: string } = {}) {
  return walkLayer(Readable.from([blob]), {
    analyzers,
    budget: new ByteBudget(DEFAULT_LIMITS),
    context: { image: 'test', layer: '0' },
    ...opts,
    reopen: async () => Readable.from([blob]),
  });
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('walkLayer', () => {
  test('captures only wanted files, from gzip, zstd and plain tar alike', async () => {
    const tar = tarEntries([
      { path: 'etc/os-release', content: 'ID=x' },
      { path: 'usr/bin/big', content: Buffer.alloc(100_000) },
    ]);
    const zstd = execFileSync('zstd', ['-q', '-c'], { input: tar });
    for (const blob of [tar, gzipSync(tar), zstd]) {
      const facts = await walk(blob, [osAnalyzer], { diffID: sha(tar) });
      assert.deepEqual(Object.keys(facts.files), ['etc/os-release']);
      assert.deepEqual(facts.files['etc/os-release']?.text?.repositories, ['ID=x']);
      assert.equal(facts.entries, 2);
      assert.equal(facts.uncompressedBytes, tar.length);
    }
  });

  test('records whiteouts and opaque markers by exact `.wh.` prefix only', async () => {
    const facts = await walk(
      tarEntries([
        { path: 'etc/.wh.os-release', content: '' },
        { path: 'var/cache/.wh..wh..opq', content: '' },
        { path: '.wh.rootfile', content: '' },
        { path: 'usr/lib/node_modules/which/package.json', content: '{}' },
        { path: 'usr/bin/whoami', content: '' },
        { path: 'x/.wh..wh.plnk', content: '' },
      ]),
    );
    assert.deepEqual(facts.whiteouts, ['etc/os-release', 'rootfile']);
    assert.deepEqual(facts.opaqueDirs, ['var/cache']);
  });

  test('symlinks are recorded with targets resolved inside the image', async () => {
    const facts = await walk(
      tarEntries([
        { path: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
        { path: 'lib', type: 'symlink', linkname: 'usr/lib' },
        { path: 'evil', type: 'symlink', linkname: '../../../../etc/passwd' },
        { path: 'abs', type: 'symlink', linkname: '/usr/lib/os-release' },
      ]),
    );
    assert.deepEqual(facts.symlinks, {
      'etc/os-release': 'usr/lib/os-release',
      lib: 'usr/lib',
      evil: 'etc/passwd',
      abs: 'usr/lib/os-release',
    });
  });

  test('a hard link gets the facts of its target, read again when nobody wanted the target', async () => {
    const facts = await walk(
      tarEntries([
        { path: 'etc/os-release', content: 'ID=a' },
        { path: 'usr/lib/os-release', type: 'hardlink', linkname: 'etc/os-release' },
        { path: 'opt/real-file', content: 'ID=b' },
        { path: 'data/linked', type: 'hardlink', linkname: 'opt/real-file' },
        { path: 'data/dangling', type: 'hardlink', linkname: 'nowhere' },
      ]),
    );
    assert.deepEqual(facts.files['usr/lib/os-release']?.text?.repositories, ['ID=a']);
    assert.deepEqual(facts.files['data/linked']?.text?.repositories, ['ID=b']);
    assert.equal(facts.files['opt/real-file'], undefined);
    assert.deepEqual(
      facts.warnings.map((w) => [w.code, w.file]),
      [['HARDLINK_UNRESOLVED', 'data/dangling']],
    );
  });

  test('oversized files: error for analyzers that demand it, a visible incomplete mark otherwise', async () => {
    const tar = tarEntries([{ path: 'etc/os-release', content: Buffer.alloc(2000, 65) }]);
    const strict = textAnalyzer('strict', (p) => p === 'etc/os-release', { oversize: 'error' });
    await assert.rejects(walk(tar, [strict]), (e: unknown) => {
      assert.ok(e instanceof KeelsonError);
      assert.equal(e.code, 'FILE_TOO_LARGE');
      assert.equal(e.context.file, 'etc/os-release');
      assert.equal(e.context.layer, '0');
      return true;
    });
    const lenient = await walk(tar);
    assert.equal(lenient.files['etc/os-release']?.text?.incomplete, true);
    assert.equal(lenient.files['etc/os-release']?.text?.warnings?.[0]?.code, 'FILE_TOO_LARGE');
  });

  test('sniff rejects files by their first bytes without keeping them', async () => {
    const elfOnly = textAnalyzer('elf', (p) => p.startsWith('bin/'), {
      sniffBytes: 4,
      sniff: (head) => head.subarray(0, 4).toString('latin1') === '\x7fELF',
    });
    const facts = await walk(
      tarEntries([
        { path: 'bin/script', content: '#!/bin/sh\necho hi\n' },
        { path: 'bin/prog', content: '\x7fELF....' },
        { path: 'bin/tiny', content: 'ab' },
      ]),
      [elfOnly],
    );
    assert.deepEqual(Object.keys(facts.files), ['bin/prog']);
  });

  test('analyzer failures become warnings on the file, never crashes', async () => {
    const broken = textAnalyzer('broken', (p) => p === 'etc/os-release', {
      analyze: () => {
        throw new KeelsonError('PARSE_ERROR', 'bad data at line 3');
      },
    });
    const buggy = textAnalyzer('buggy', (p) => p === 'etc/os-release', {
      analyze: () => {
        throw new TypeError('oops');
      },
    });
    const facts = await walk(tarEntries([{ path: 'etc/os-release', content: 'x' }]), [broken, buggy]);
    assert.equal(facts.files['etc/os-release']?.broken?.warnings?.[0]?.message, 'bad data at line 3');
    assert.equal(facts.files['etc/os-release']?.buggy?.warnings?.[0]?.code, 'ANALYZER_FAILED');
  });

  test('hostile layers end in one clear error', async () => {
    const tar = tarEntries([{ path: 'etc/os-release', content: 'ID=x\n'.repeat(200) }]);
    const gz = gzipSync(tar);
    const cases: [string, Buffer, string, RegExp][] = [
      ['truncated gzip', gz.subarray(0, gz.length - 20), 'TRUNCATED_LAYER', /truncated/],
      [
        'corrupt gzip',
        Buffer.concat([gz.subarray(0, 20), Buffer.alloc(40, 0xff), gz.subarray(60)]),
        'CORRUPT_LAYER',
        /gzip/,
      ],
      ['truncated tar', tar.subarray(0, 700), 'TRUNCATED_LAYER', /truncated/],
      ['absolute path', tarEntries([{ path: '/etc/passwd', content: 'x' }]), 'UNSAFE_PATH', /absolute/],
      [
        'dot-dot escape',
        tarEntries([{ path: '../../etc/passwd', content: 'x' }]),
        'UNSAFE_PATH',
        /climbs above/,
      ],
      [
        'not a tar',
        Buffer.from('this is just text, not an archive at all'.repeat(30)),
        'CORRUPT_LAYER',
        /tar/,
      ],
      ['xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2]), 'CORRUPT_LAYER', /xz/],
    ];
    for (const [name, blob, code, message] of cases) {
      await assert.rejects(
        walk(blob),
        (e: unknown) =>
          e instanceof KeelsonError && e.code === code && message.test(e.message) && e.context.layer === '0',
        name,
      );
    }
  });

  test('a diffID mismatch is detected while streaming', async () => {
    const tar = tarEntries([{ path: 'etc/os-release', content: 'ID=x' }]);
    await assert.rejects(
      walk(gzipSync(tar), [osAnalyzer], { diffID: `sha256:${'0'.repeat(64)}` }),
      (e: unknown) => {
        return e instanceof KeelsonError && e.code === 'DIGEST_MISMATCH';
      },
    );
  });

  test('a gzip bomb stops at the ratio limit without expanding everything', async () => {
    // 1 GiB of zeros compresses to about 1 MiB; the walker must refuse long before the end.
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const header = tarEntries([{ path: 'bomb', content: '' }], { endMarker: false }).subarray(0, 512);
    const h = Buffer.from(header);
    h.write(`${(1024 * 1024 * 1024).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write('        ', 148, 'latin1');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += h[i]!;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const gzChunk = gzipSync(zeros);
    const blob = Buffer.concat([gzipSync(h), ...Array.from({ length: 16 }, () => gzChunk)]);
    const budget = new ByteBudget({ ...DEFAULT_LIMITS, ratioAfterBytes: 16 * 1024 * 1024 });
    await assert.rejects(
      walkLayer(Readable.from([blob]), { analyzers: [osAnalyzer], budget, context: { layer: '0' } }),
      (e: unknown) => e instanceof KeelsonError && e.code === 'DECOMPRESSION_BOMB',
    );
    assert.ok(budget.uncompressed < 256 * 1024 * 1024, `expanded only ${budget.uncompressed} bytes`);
  });

  test('the total limit spans layers', async () => {
    const tar = tarEntries([{ path: 'f', content: Buffer.alloc(10_000) }]);
    const budget = new ByteBudget({ ...DEFAULT_LIMITS, maxTotalBytes: 25_000 });
    const run = () => walkLayer(Readable.from([tar]), { analyzers: [osAnalyzer], budget, context: {} });
    await run();
    await run();
    await assert.rejects(run(), (e: unknown) => e instanceof KeelsonError && e.code === 'DECOMPRESSION_BOMB');
  });
});
