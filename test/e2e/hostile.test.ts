import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';
import { type ImageSpec, writeOciArchive, writeOciLayout } from '../helpers/image-builder.js';
import { tarEntries } from '../helpers/tar-writer.js';

/**
 * Hostile images through the real CLI: each ends in exit code 2 and ONE error line that names the image,
 * the layer and (where there is one) the file — or, for a broken package DB, a warning and an inventory
 * marked incomplete. Nothing is written outside the cache directory.
 */
describe('hostile input', () => {
  let work: string;
  let cacheDir: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-hostile-'));
    cacheDir = join(work, 'cache');
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  let n = 0;
  async function archive(spec: ImageSpec): Promise<string> {
    const file = join(work, `img-${n++}.tar`);
    await writeOciArchive(spec, file);
    return file;
  }

  async function expectError(target: string, code: string, where: RegExp) {
    const out = join(work, `out-${n++}.json`);
    const result = await runCli(['sbom', target, '--cache-dir', cacheDir, '--output', out], {
      env: { HOME: work },
    });
    assert.equal(result.code, 2, `exit code for ${code}: ${result.stderr}`);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one error line, got:\n${result.stderr}`);
    assert.match(
      lines[0]!,
      new RegExp(`^keelson: error: image ${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
    );
    assert.match(lines[0]!, where);
    assert.ok(lines[0]!.endsWith(`[${code}]`), lines[0]);
    assert.equal(existsSync(out), false, 'no output file on error');
    assert.equal(result.stdout, '');
  }

  const osRelease = { path: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.19.0\n' };

  test('corrupt gzip layer', async () => {
    const gz = gzipSync(tarEntries([osRelease, { path: 'x', content: Buffer.alloc(50_000, 1) }]));
    gz.fill(0xab, 40, 200);
    await expectError(
      await archive({ layers: [{ rawBlob: gz, diffID: `sha256:${'1'.repeat(64)}` }] }),
      'CORRUPT_LAYER',
      /layer 0 \(sha256:1111/,
    );
  });

  test('truncated tar layer', async () => {
    const tar = tarEntries([osRelease, { path: 'big', content: Buffer.alloc(8000, 2) }]).subarray(0, 3000);
    await expectError(
      await archive({ layers: [{ rawBlob: tar, compression: 'none' }] }),
      'TRUNCATED_LAYER',
      /layer 0/,
    );
  });

  test('manifest naming a missing blob', async () => {
    const dir = join(work, 'missing-blob');
    const built = await writeOciLayout({ layers: [{ entries: [osRelease] }] }, dir);
    await rm(join(dir, 'blobs', 'sha256', built.layerDigests[0]!.slice(7)));
    await expectError(dir, 'MISSING_BLOB', /blob sha256:[0-9a-f]{64} is missing/);
  });

  test('layer digest mismatch', async () => {
    const dir = join(work, 'digest-mismatch');
    const built = await writeOciLayout({ layers: [{ entries: [osRelease], compression: 'none' }] }, dir);
    const blob = join(dir, 'blobs', 'sha256', built.layerDigests[0]!.slice(7));
    const bytes = readFileSync(blob);
    bytes[515] = bytes[515]! ^ 0x20; // inside the os-release text: the tar stays readable
    writeFileSync(blob, bytes);
    await expectError(dir, 'DIGEST_MISMATCH', /layer 0 \(sha256:/);
  });

  test('"../" entry names', async () => {
    const tar = tarEntries([{ path: '../../../tmp/keelson-pwned', content: 'x' }]);
    await expectError(
      await archive({ layers: [{ rawBlob: gzipSync(tar), diffID: `sha256:${'2'.repeat(64)}` }] }),
      'UNSAFE_PATH',
      /file \.\.\/\.\.\/\.\.\/tmp\/keelson-pwned/,
    );
    assert.equal(existsSync('/tmp/keelson-pwned'), false);
  });

  test('absolute entry names', async () => {
    const tar = tarEntries([{ path: '/etc/keelson-pwned', content: 'x' }]);
    await expectError(
      await archive({ layers: [{ rawBlob: tar, compression: 'none' }] }),
      'UNSAFE_PATH',
      /absolute path/,
    );
    assert.equal(existsSync('/etc/keelson-pwned'), false);
  });

  test('symlink loop on os-release', async () => {
    await expectError(
      await archive({
        layers: [
          {
            entries: [
              { path: 'etc/os-release', type: 'symlink', linkname: 'os-release.d' },
              { path: 'etc/os-release.d', type: 'symlink', linkname: 'os-release' },
            ],
          },
        ],
      }),
      'UNSAFE_PATH',
      /file etc\/os-release: too many levels of symbolic links/,
    );
  });

  test('gzip bomb', async () => {
    const header = tarEntries([{ path: 'bomb', content: '' }], { endMarker: false });
    header.write(`${(4 * 1024 ** 3).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    header.write('        ', 148, 'latin1');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += header[i]!;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const zeros = gzipSync(Buffer.alloc(32 * 1024 * 1024));
    const blob = Buffer.concat([gzipSync(header), ...Array.from({ length: 8 }, () => zeros)]);
    await expectError(
      await archive({ layers: [{ rawBlob: blob, diffID: `sha256:${'3'.repeat(64)}` }] }),
      'DECOMPRESSION_BOMB',
      /layer 0/,
    );
  });

  test('a 100 MB os-release', async () => {
    const huge = Buffer.alloc(100 * 1024 * 1024, 0x41);
    await expectError(
      await archive({ layers: [{ entries: [{ path: 'etc/os-release', content: huge }] }] }),
      'FILE_TOO_LARGE',
      /layer 0 \(sha256:[0-9a-f]+\): file etc\/os-release: 104857600 bytes exceeds/,
    );
  });

  test('a tarball that is not an image, a file that is not a tar, a path that does not exist', async () => {
    const rootfs = join(work, 'rootfs.tar');
    writeFileSync(rootfs, tarEntries([osRelease]));
    await expectError(rootfs, 'INVALID_IMAGE', /not an image archive/);
    const text = join(work, 'notes.txt');
    writeFileSync(text, 'just some text\n'.repeat(100));
    await expectError(text, 'INVALID_IMAGE', /not an image archive/);
    await expectError(join(work, 'nope.tar'), 'TARGET_NOT_FOUND', /no such file/);
  });

  test('broken package DBs: a warning and an inventory marked incomplete, never a silent "no packages"', async () => {
    const cases: [string, string | Buffer][] = [
      ['lib/apk/db/installed', 'this is not an apk database\n\x00\x01\x02'],
      ['var/lib/dpkg/status', 'garbage without any stanza structure\x00\x00'],
      ['var/lib/rpm/rpmdb.sqlite', Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4000, 7)])],
    ];
    for (const [path, content] of cases) {
      const target = await archive({ layers: [{ entries: [osRelease, { path, content }] }] });
      const result = await runCli(['sbom', target, '--format', 'json', '--no-cache']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, new RegExp(`keelson: warning: layer 0 \\(sha256:[0-9a-f]+\\): ${path}: `));
      assert.match(result.stderr, /INCOMPLETE/);
      const inv = JSON.parse(result.stdout);
      assert.equal(inv.complete, false, path);
    }
  });

  test('nothing is written outside the cache directory', () => {
    const entries = readdirSync(work).filter(
      (name) => !/^(img-\d+\.tar|cache|missing-blob|digest-mismatch|rootfs\.tar|notes\.txt)$/.test(name),
    );
    assert.deepEqual(entries, []);
    const cached = execFileSync('find', [cacheDir, '-type', 'f'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
    for (const f of cached)
      assert.match(f, new RegExp(`^${cacheDir}/layers/[0-9a-f]{2}/[0-9a-f]{64}\\.json$`));
  });
});
