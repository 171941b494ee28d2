import type { Readable } from 'node:stream';
import { type ErrorContext, KeelsonError } from '../../core/errors.js';
import type { ImageIdentity } from '../../core/types.js';
import { digestOf, parseDigest, verifiedStream } from '../digest.js';
import {
  buildLayerRefs,
  DEFAULT_PLATFORM,
  type Descriptor,
  formatPlatform,
  type ImageIndex,
  type ImageManifest,
  parseImageConfig,
  parseManifest,
  platformMatches,
  selectPlatform,
} from '../manifest.js';
import type { ImageSource, OpenOptions } from '../types.js';
import type { ArchiveFiles } from './files.js';

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export function blobPath(digest: string, context: ErrorContext): string {
  const { algorithm, hex } = parseDigest(digest, context);
  return `blobs/${algorithm}/${hex}`;
}

/** Reads a small blob and checks it against its digest. */
export async function readVerifiedBlob(
  files: ArchiveFiles,
  digest: string,
  maxBytes: number,
  what: string,
  context: ErrorContext,
): Promise<Buffer> {
  const path = blobPath(digest, context);
  if (!(await files.has(path))) {
    throw new KeelsonError('MISSING_BLOB', `${what} blob ${digest} is missing`, { ...context, file: path });
  }
  const bytes = await files.read(path, maxBytes);
  const { algorithm } = parseDigest(digest, context);
  if (digestOf(bytes, algorithm) !== digest) {
    throw new KeelsonError('DIGEST_MISMATCH', `${what} blob content does not match its digest ${digest}`, {
      ...context,
      file: path,
    });
  }
  return bytes;
}

/** Chooses one image manifest from an OCI layout's index.json, descending through nested indexes. */
async function chooseManifest(
  files: ArchiveFiles,
  index: ImageIndex,
  options: OpenOptions,
  context: ErrorContext,
): Promise<{ descriptor: Descriptor; manifest: ImageManifest }> {
  const wanted = options.platform ?? DEFAULT_PLATFORM;
  let current = index;
  for (let depth = 0; depth < 4; depth++) {
    const candidates = current.manifests.filter(
      (m) => m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest',
    );
    let descriptor: Descriptor;
    if (candidates.length === 1 && !options.platformExplicit) {
      // A single image in an archive is what the user means, whatever its platform.
      descriptor = candidates[0]!;
    } else if (candidates.length === 0) {
      throw new KeelsonError('INVALID_IMAGE', 'the image index lists no manifests', context);
    } else {
      descriptor = selectPlatform({ ...current, manifests: candidates }, wanted, context);
    }
    const bytes = await readVerifiedBlob(files, descriptor.digest, MAX_MANIFEST_BYTES, 'manifest', context);
    const parsed = parseManifest(
      bytes,
      { ...context, file: blobPath(descriptor.digest, context) },
      descriptor.mediaType,
    );
    if (parsed.kind === 'manifest') {
      if (options.platformExplicit && descriptor.platform && !platformMatches(descriptor.platform, wanted)) {
        throw new KeelsonError(
          'PLATFORM_NOT_FOUND',
          `image is ${formatPlatform(descriptor.platform)}, not ${formatPlatform(wanted)}`,
          context,
        );
      }
      return { descriptor, manifest: parsed.manifest };
    }
    current = parsed.index;
  }
  throw new KeelsonError('INVALID_IMAGE', 'image indexes nest too deeply', context);
}

/** An OCI image layout (directory or archive), including Docker ≥ 25 `docker save` output. */
export async function openOciLayout(
  files: ArchiveFiles,
  target: string,
  sourceType: string,
  options: OpenOptions,
  onClose: () => Promise<void>,
): Promise<ImageSource> {
  const context: ErrorContext = { image: target };
  const index = parseManifest(await files.read('index.json', MAX_MANIFEST_BYTES), {
    ...context,
    file: 'index.json',
  });
  if (index.kind !== 'index')
    throw new KeelsonError('INVALID_IMAGE', 'index.json is not an image index', context);
  const top = index.index;
  const { descriptor, manifest } = await chooseManifest(files, top, options, context);
  const configBytes = await readVerifiedBlob(
    files,
    manifest.config.digest,
    MAX_CONFIG_BYTES,
    'config',
    context,
  );
  const { summary, platform } = parseImageConfig(configBytes, {
    ...context,
    file: blobPath(manifest.config.digest, context),
  });
  const layers = buildLayerRefs(
    summary,
    manifest.layers.map((l) => ({
      digest: l.digest,
      ...(l.mediaType ? { mediaType: l.mediaType } : {}),
      ...(l.size !== undefined ? { size: l.size } : {}),
    })),
    context,
  );
  const refName = top.manifests.find((m) => m.annotations?.['io.containerd.image.name'])?.annotations?.[
    'io.containerd.image.name'
  ];
  const identity: ImageIdentity = {
    target,
    sourceType,
    ...(refName ? { reference: refName } : {}),
    manifestDigest: descriptor.digest,
    configDigest: manifest.config.digest,
    platform,
    annotations: { ...(manifest.annotations ?? {}) },
  };
  return {
    identity,
    config: summary,
    layers,
    async openLayer(i: number): Promise<Readable> {
      const layer = layers[i]!;
      const layerContext = { ...context, layer: `${i} (${layer.digest})` };
      const path = blobPath(layer.digest!, layerContext);
      if (!(await files.has(path))) {
        throw new KeelsonError('MISSING_BLOB', `layer blob ${layer.digest} is missing`, {
          ...layerContext,
          file: path,
        });
      }
      return verifiedStream(files.stream(path), layer.digest!, layerContext);
    },
    close: onClose,
  };
}
