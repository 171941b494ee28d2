import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { type TarEntrySpec, tarEntries } from './tar-writer.js';

/**
 * Builds real image archives for tests: OCI layouts (directory or tar) and docker-save archives, with
 * gzip, zstd or uncompressed layers. Layers come from entry lists or from an existing tar file (e.g. a
 * Debian root filesystem made by mmdebstrap).
 */
export interface LayerSpec {
  entries?: TarEntrySpec[];
  /** Path of a ready-made uncompressed tar to use as the layer. */
  tarFile?: string;
  /** Bytes to store as the layer blob verbatim (for hostile tests); diffID must then be given. */
  rawBlob?: Buffer;
  diffID?: string;
  compression?: 'gzip' | 'zstd' | 'none';
  createdBy?: string;
}

export interface ImageSpec {
  layers: LayerSpec[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  architecture?: string;
  os?: string;
  variant?: string;
  /** Extra empty-layer history entries inserted after the given layer index (e.g. a base image's CMD). */
  emptyHistoryAfter?: { afterLayer: number; createdBy: string }[];
  repoTag?: string;
}

export interface BuiltBlob {
  digest: string;
  size: number;
  path: string;
}

export interface BuiltImage {
  manifestDigest: string;
  configDigest: string;
  diffIDs: string[];
  layerDigests: string[];
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

/** Writes blobs into `blobs/sha256/` of a layout directory. */
class BlobWriter {
  constructor(private readonly root: string) {}

  async put(data: Buffer): Promise<BuiltBlob> {
    const digest = sha256(data);
    const path = join(this.root, 'blobs', 'sha256', digest.slice(7));
    await mkdir(join(this.root, 'blobs', 'sha256'), { recursive: true });
    await writeFile(path, data);
    return { digest, size: data.length, path };
  }

  /** Stores a (possibly large) file, compressing it as asked, without holding it in memory. */
  async putFile(source: string, compression: 'gzip' | 'zstd' | 'none'): Promise<BuiltBlob> {
    await mkdir(join(this.root, 'blobs', 'sha256'), { recursive: true });
    const temp = join(this.root, 'blobs', `tmp-${process.pid}-${Date.now()}`);
    if (compression === 'zstd') {
      execFileSync('zstd', ['-q', '-f', '-3', source, '-o', temp]);
    } else if (compression === 'gzip') {
      await pipeline(createReadStream(source), createGzip({ level: 6 }), createWriteStream(temp));
    } else {
      await copyFile(source, temp);
    }
    const digest = await hashFile(temp);
    const path = join(this.root, 'blobs', 'sha256', digest.slice(7));
    await rm(path, { force: true });
    await rename(temp, path);
    return { digest, size: (await stat(path)).size, path };
  }
}

function compress(data: Buffer, compression: 'gzip' | 'zstd' | 'none'): Buffer {
  if (compression === 'gzip') return gzipSync(data);
  if (compression === 'zstd')
    return execFileSync('zstd', ['-q', '-c', '-3'], { input: data, maxBuffer: 1 << 30 });
  return data;
}

const LAYER_MEDIA = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

async function buildLayers(spec: ImageSpec, blobs: BlobWriter) {
  const out: { blob: BuiltBlob; diffID: string; mediaType: string }[] = [];
  for (const layer of spec.layers) {
    const compression = layer.compression ?? 'gzip';
    if (layer.rawBlob) {
      const blob = await blobs.put(layer.rawBlob);
      out.push({ blob, diffID: layer.diffID ?? sha256(layer.rawBlob), mediaType: LAYER_MEDIA[compression] });
    } else if (layer.tarFile) {
      const diffID = await hashFile(layer.tarFile);
      out.push({
        blob: await blobs.putFile(layer.tarFile, compression),
        diffID,
        mediaType: LAYER_MEDIA[compression],
      });
    } else {
      const tar = tarEntries(layer.entries ?? []);
      out.push({
        blob: await blobs.put(compress(tar, compression)),
        diffID: layer.diffID ?? sha256(tar),
        mediaType: LAYER_MEDIA[compression],
      });
    }
  }
  return out;
}

function configJson(spec: ImageSpec, diffIDs: string[]): Buffer {
  const history: Record<string, unknown>[] = [];
  spec.layers.forEach((layer, i) => {
    history.push({ created: '2024-01-01T00:00:00Z', created_by: layer.createdBy ?? `layer ${i}` });
    for (const extra of spec.emptyHistoryAfter ?? []) {
      if (extra.afterLayer === i) history.push({ created_by: extra.createdBy, empty_layer: true });
    }
  });
  return Buffer.from(
    JSON.stringify({
      architecture: spec.architecture ?? 'amd64',
      os: spec.os ?? 'linux',
      ...(spec.variant ? { variant: spec.variant } : {}),
      created: '2024-01-01T00:00:00Z',
      config: { Labels: spec.labels ?? {}, Env: ['PATH=/usr/bin:/bin'] },
      rootfs: { type: 'layers', diff_ids: diffIDs },
      history,
    }),
  );
}

/** Writes an OCI image layout directory. */
export async function writeOciLayout(spec: ImageSpec, dir: string): Promise<BuiltImage> {
  const blobs = new BlobWriter(dir);
  const layers = await buildLayers(spec, blobs);
  const config = await blobs.put(
    configJson(
      spec,
      layers.map((l) => l.diffID),
    ),
  );
  const manifest = await blobs.put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: config.digest,
          size: config.size,
        },
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.blob.digest, size: l.blob.size })),
        ...(spec.annotations ? { annotations: spec.annotations } : {}),
      }),
    ),
  );
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: manifest.digest,
          size: manifest.size,
          annotations: { 'org.opencontainers.image.ref.name': 'latest' },
        },
      ],
    }),
  );
  return {
    manifestDigest: manifest.digest,
    configDigest: config.digest,
    diffIDs: layers.map((l) => l.diffID),
    layerDigests: layers.map((l) => l.blob.digest),
  };
}

/**
 * Packs a directory into an uncompressed tar with GNU tar: names relative and without a `./` prefix
 * (as docker save and skopeo write them; some readers look for exactly `manifest.json`), sorted.
 */
export function tarDirectory(dir: string, file: string): void {
  const entries = readdirSync(dir).sort();
  const owner = ['--sort=name', '--owner=0', '--group=0', '--numeric-owner'];
  execFileSync('tar', [...owner, '-cf', file, '-C', dir, ...entries]);
}

/** Writes an OCI archive (a tar of an OCI layout). */
export async function writeOciArchive(spec: ImageSpec, file: string): Promise<BuiltImage> {
  const dir = await mkdtemp(join(tmpdir(), 'keelson-oci-'));
  try {
    const built = await writeOciLayout(spec, dir);
    tarDirectory(dir, file);
    return built;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes a legacy `docker save` archive: `<n>/layer.tar`, config JSON and manifest.json. Layers are
 * uncompressed as docker writes them, unless a layer asks for gzip (docker load and most readers accept it).
 */
export async function writeDockerArchive(spec: ImageSpec, file: string): Promise<BuiltImage> {
  const dir = await mkdtemp(join(tmpdir(), 'keelson-docker-'));
  try {
    const diffIDs: string[] = [];
    const layerNames: string[] = [];
    for (const [i, layer] of spec.layers.entries()) {
      const name = `layer${i}`;
      await mkdir(join(dir, name));
      const target = join(dir, name, 'layer.tar');
      if (layer.tarFile) {
        diffIDs.push(await hashFile(layer.tarFile));
        if (layer.compression === 'gzip') {
          await pipeline(
            createReadStream(layer.tarFile),
            createGzip({ level: 6 }),
            createWriteStream(target),
          );
        } else await copyFile(layer.tarFile, target);
      } else {
        const tar = tarEntries(layer.entries ?? []);
        diffIDs.push(sha256(tar));
        await writeFile(target, layer.compression === 'gzip' ? gzipSync(tar) : tar);
      }
      layerNames.push(`${name}/layer.tar`);
    }
    const config = configJson(spec, diffIDs);
    const configName = `${sha256(config).slice(7)}.json`;
    await writeFile(join(dir, configName), config);
    await writeFile(
      join(dir, 'manifest.json'),
      JSON.stringify([
        { Config: configName, RepoTags: [spec.repoTag ?? 'test/image:latest'], Layers: layerNames },
      ]),
    );
    tarDirectory(dir, file);
    return { manifestDigest: '', configDigest: sha256(config), diffIDs, layerDigests: [] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes one OCI layout holding several single-platform images under a multi-platform index, named
 * `refName` in index.json (the shape `skopeo copy --all oci:DIR:REF` pushes as an index).
 */
export async function writeMultiPlatformLayout(
  specs: ImageSpec[],
  dir: string,
  refName: string,
): Promise<string> {
  const manifests: Record<string, unknown>[] = [];
  for (const spec of specs) {
    const built = await writeOciLayout(spec, dir);
    const size = (await stat(join(dir, 'blobs', 'sha256', built.manifestDigest.slice(7)))).size;
    manifests.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: built.manifestDigest,
      size,
      platform: {
        os: spec.os ?? 'linux',
        architecture: spec.architecture ?? 'amd64',
        ...(spec.variant ? { variant: spec.variant } : {}),
      },
    });
  }
  const index = await new BlobWriter(dir).put(
    Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }),
    ),
  );
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.index.v1+json',
          digest: index.digest,
          size: index.size,
          annotations: { 'org.opencontainers.image.ref.name': refName },
        },
      ],
    }),
  );
  return `oci:${dir}:${refName}`;
}
