import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, lstatSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

/** `--output` replaces regular files atomically and writes into anything else (a FIFO, /dev/null) in place. */
describe('keelson sbom --output', () => {
  const image = join(repoRoot, 'samples', 'photon-5-demo.oci.tar');
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-output-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('a regular file is replaced by a complete document, and no temporary file is left', async () => {
    const out = join(work, 'sbom.json');
    writeFileSync(out, 'old content');
    const result = await runCli(['sbom', image, '--no-cache', '--format', 'json', '--output', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).packages.length, 7);
    assert.deepEqual(await readdir(work), ['sbom.json']);
  });

  test('a FIFO stays a FIFO and receives the document', async () => {
    const fifo = join(work, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const received = new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      createReadStream(fifo)
        .on('data', (c) => chunks.push(c as Buffer))
        .on('end', () => resolve(Buffer.concat(chunks).toString()))
        .on('error', reject);
    });
    const result = await runCli(['sbom', image, '--no-cache', '--format', 'json', '--output', fifo]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(await received).packages.length, 7);
    assert.ok(lstatSync(fifo).isFIFO());
  });

  test('/dev/null stays the null device', async () => {
    const result = await runCli(['sbom', image, '--no-cache', '--output', '/dev/null']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(statSync('/dev/null').isCharacterDevice());
  });
});
