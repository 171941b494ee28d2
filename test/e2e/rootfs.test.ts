import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inventoryTarget } from '../../src/inventory/build.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { readTsv } from '../helpers/tsv.js';

/** A root filesystem directory as a TARGET: the real alpine 3.10 files, unpacked with tar. */
describe('root filesystem directories', () => {
  let work: string;
  let root: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'keelson-rootfs-'));
    const unpacked = join(work, 'archive');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', fixture('images', 'alpine-310.tar.gz'), '-C', unpacked]);
    const manifest = JSON.parse(execFileSync('cat', [join(unpacked, 'manifest.json')], { encoding: 'utf8' }));
    root = join(work, 'root');
    mkdirSync(root);
    execFileSync('tar', ['-xf', join(unpacked, manifest[0].Layers[0]), '-C', root]);
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('the packages, distro and provider of the unpacked image', async () => {
    const inv = await inventoryTarget(root);
    assert.equal(inv.image.sourceType, 'rootfs');
    assert.equal(inv.distro?.id, 'alpine');
    assert.equal(inv.distro?.version, '3.10.4');
    assert.deepEqual(
      inv.packages.map((p) => `${p.name}\t${p.version}`).sort(),
      readTsv(fixture('images', 'alpine-310.packages.tsv'))
        .map((r) => `${r.name}\t${r.version}`)
        .sort(),
    );
    assert.equal(inv.complete, true);
  });

  test('symlink loops and links out of the tree are recorded, never followed', async () => {
    symlinkSync('loop-b', join(root, 'loop-a'));
    symlinkSync('loop-a', join(root, 'loop-b'));
    symlinkSync('/etc', join(root, 'host-etc'));
    mkdirSync(join(root, 'srv', 'app', 'node_modules', 'left-pad'), { recursive: true });
    writeFileSync(
      join(root, 'srv', 'app', 'node_modules', 'left-pad', 'package.json'),
      '{"name":"left-pad","version":"1.3.0"}',
    );
    const result = await runCli(['sbom', `rootfs:${root}`, '--format', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const inv = JSON.parse(result.stdout);
    assert.ok(inv.packages.some((p: { name: string }) => p.name === 'left-pad'));
    // /etc of the host was not read through the link: the only os-release is the image's own.
    assert.equal(inv.distro.source, 'etc/os-release');
  });
});
