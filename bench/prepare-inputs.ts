/**
 * Builds the benchmark inputs (idempotent, under .bench/inputs):
 *  - debian12: mmdebstrap --variant=minbase bookworm, one gzip layer, OCI archive
 *  - big: mmdebstrap minbase + Go, a JDK, g++, pip and git (≈ 1 GB), one gzip layer, OCI archive
 *  - alpine310: the real alpine:3.10 docker-save archive from the test fixtures
 * and writes .bench/inputs/inputs.json: name → archive path and the layer blobs (for the gzip floor).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeOciArchive } from '../test/helpers/image-builder.js';
import { fixture, repoRoot } from '../test/helpers/paths.js';

const dir = join(repoRoot, '.bench', 'inputs');

function mmdebstrap(out: string, include: string[]): void {
  if (existsSync(out)) return;
  console.error(`bench: mmdebstrap ${out} (this takes a while)…`);
  const args = [
    '--quiet',
    '--variant=minbase',
    ...(include.length ? [`--include=${include.join(',')}`] : []),
  ];
  execFileSync('mmdebstrap', [...args, 'bookworm', `${out}.partial`], { stdio: 'inherit' });
  execFileSync('mv', [`${out}.partial`, out]);
}

async function ociArchive(rootfs: string, out: string): Promise<void> {
  if (existsSync(out)) return;
  await writeOciArchive({ layers: [{ tarFile: rootfs, compression: 'gzip', createdBy: 'mmdebstrap' }] }, out);
}

/** Extracts the layer blobs of an OCI archive (for `gzip -dc`), returning their paths. */
function layerBlobs(archive: string, name: string): string[] {
  const out = join(dir, `${name}-blobs`);
  if (!existsSync(out)) {
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xf', archive, '-C', out]);
  }
  const index = JSON.parse(execFileSync('cat', [join(out, 'index.json')], { encoding: 'utf8' }));
  const manifestDigest: string = index.manifests[0].digest;
  const manifest = JSON.parse(
    execFileSync('cat', [join(out, 'blobs', 'sha256', manifestDigest.slice(7))], { encoding: 'utf8' }),
  );
  return manifest.layers.map((l: { digest: string }) => join(out, 'blobs', 'sha256', l.digest.slice(7)));
}

async function main(): Promise<void> {
  await mkdir(dir, { recursive: true });
  const debianRootfs = join(dir, 'debian12-rootfs.tar');
  mmdebstrap(debianRootfs, []);
  const bigRootfs = join(dir, 'big-rootfs.tar');
  mmdebstrap(bigRootfs, ['golang-1.19-go', 'openjdk-17-jdk-headless', 'g++', 'python3-pip', 'git']);
  const debian = join(dir, 'debian12.oci.tar');
  const big = join(dir, 'big.oci.tar');
  await ociArchive(debianRootfs, debian);
  await ociArchive(bigRootfs, big);

  const alpineDir = join(dir, 'alpine310-blobs');
  if (!existsSync(alpineDir)) {
    execFileSync('mkdir', ['-p', alpineDir]);
    execFileSync('tar', ['-xzf', fixture('images', 'alpine-310.tar.gz'), '-C', alpineDir]);
    // The legacy layout stores the layer uncompressed; gzip it once so the floor is comparable.
    execFileSync('sh', ['-c', `gzip -6 -c ${alpineDir}/*/layer.tar > ${alpineDir}/layer.tar.gz`]);
  }
  const inputs = {
    debian12: { archive: debian, layers: layerBlobs(debian, 'debian12') },
    big: { archive: big, layers: layerBlobs(big, 'big') },
    alpine310: { archive: fixture('images', 'alpine-310.tar.gz'), layers: [join(alpineDir, 'layer.tar.gz')] },
  };
  await writeFile(join(dir, 'inputs.json'), JSON.stringify(inputs, null, 2));
  console.log(JSON.stringify(inputs, null, 2));
}

await main();
