/**
 * Builds the benchmark inputs (idempotent, under .bench/inputs):
 *  - debian12: mmdebstrap --variant=minbase bookworm, one gzip layer
 *  - big: mmdebstrap minbase + Go, a JDK, g++, pip and git (≈ 1.3 GB), one gzip layer
 *  - alpine310: the real alpine:3.10 docker-save archive (gzipped as a whole) from the test fixtures
 * as docker-archives, the one format every peer reads (the Trivy build used here cannot read OCI
 * archives), and writes .bench/inputs/inputs.json: name → archive path and the gzip streams that a
 * reader must decompress (for the `gzip -dc` floor).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDockerArchive } from '../test/helpers/image-builder.js';
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
  // The name must end in .tar: mmdebstrap picks its output format from the extension.
  const partial = out.replace(/\.tar$/, '.partial.tar');
  execFileSync('mmdebstrap', [...args, 'bookworm', partial], { stdio: 'inherit' });
  execFileSync('mv', [partial, out]);
}

async function dockerArchive(rootfs: string, out: string): Promise<void> {
  if (existsSync(out)) return;
  await writeDockerArchive(
    { layers: [{ tarFile: rootfs, compression: 'gzip', createdBy: 'mmdebstrap' }] },
    out,
  );
}

/** Extracts the layer files of a docker-archive (for `gzip -dc`), returning their paths. */
function layerBlobs(archive: string, name: string): string[] {
  const out = join(dir, `${name}-layers`);
  if (!existsSync(out)) {
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xf', archive, '-C', out]);
  }
  const manifest = JSON.parse(execFileSync('cat', [join(out, 'manifest.json')], { encoding: 'utf8' }));
  return manifest[0].Layers.map((layer: string) => join(out, layer));
}

async function main(): Promise<void> {
  await mkdir(dir, { recursive: true });
  const debianRootfs = join(dir, 'debian12-rootfs.tar');
  mmdebstrap(debianRootfs, []);
  const bigRootfs = join(dir, 'big-rootfs.tar');
  mmdebstrap(bigRootfs, ['golang-1.19-go', 'openjdk-17-jdk-headless', 'g++', 'python3-pip', 'git']);
  const debian = join(dir, 'debian12.docker.tar');
  const big = join(dir, 'big.docker.tar');
  await dockerArchive(debianRootfs, debian);
  await dockerArchive(bigRootfs, big);
  const alpine = fixture('images', 'alpine-310.tar.gz');
  const inputs = {
    alpine310: { archive: alpine, layers: [alpine] },
    debian12: { archive: debian, layers: layerBlobs(debian, 'debian12') },
    big: { archive: big, layers: layerBlobs(big, 'big') },
  };
  await writeFile(join(dir, 'inputs.json'), JSON.stringify(inputs, null, 2));
  console.log(JSON.stringify(inputs, null, 2));
}

await main();
