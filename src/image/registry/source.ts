import { type Readable, Transform } from 'node:stream';
import { type ErrorContext, KeelsonError, toKeelsonError } from '../../core/errors.js';
import { type ProgressCallback, reportProgress } from '../../core/progress.js';
import type { ImageIdentity, LayerRef, Platform } from '../../core/types.js';
import {
  buildLayerRefs,
  DEFAULT_PLATFORM,
  type Descriptor,
  formatPlatform,
  type ImageManifest,
  parseImageConfig,
  parseManifest,
  platformMatches,
  selectPlatform,
} from '../manifest.js';
import type { ImageSource, OpenOptions } from '../types.js';
import {
  type FetchedManifest,
  MAX_CONFIG_BYTES,
  RegistryClient,
  type RegistryClientOptions,
} from './client.js';
import { formatReference, type ImageReference, manifestReference, parseReference } from './reference.js';

/** How to reach a registry: every RegistryClient option except the registry itself. */
export type RegistryConnectionOptions = Omit<RegistryClientOptions, 'registry'>;

export interface RegistryOpenOptions extends OpenOptions, RegistryConnectionOptions {
  /** Receives `download` events (blob bytes received per layer); see src/core/progress.ts. */
  onProgress?: ProgressCallback;
}

/** A client for the registry `ref` names, given only the connection options that are set. */
export function registryClientFor(ref: ImageReference, options: RegistryConnectionOptions): RegistryClient {
  return new RegistryClient({
    registry: ref.registry,
    ...(options.insecureRegistries ? { insecureRegistries: options.insecureRegistries } : {}),
    ...(options.dockerConfigDir ? { dockerConfigDir: options.dockerConfigDir } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.tokenCache ? { tokenCache: options.tokenCache } : {}),
  });
}

/**
 * Opens an image in a registry by reference: resolves the manifest (picking the platform from an
 * index), verifies and parses the config, and streams layers verified against their digests.
 */
export async function openRegistryImage(
  target: string,
  options: RegistryOpenOptions = {},
): Promise<ImageSource> {
  const ref = parseReference(target);
  const client = registryClientFor(ref, options);
  const context: ErrorContext = { image: target };
  try {
    const wanted = options.platform ?? DEFAULT_PLATFORM;
    const { manifest, fetched } = await resolveImageManifest(
      client,
      ref.repository,
      manifestReference(ref),
      wanted,
      context,
    );
    rejectForeignLayers(manifest, context);

    const configBytes = await client.getBlob(ref.repository, manifest.config.digest, MAX_CONFIG_BYTES);
    const { summary, platform } = parseImageConfig(configBytes, context);
    if (options.platformExplicit && !platformMatches(platform, wanted)) {
      throw new KeelsonError(
        'PLATFORM_NOT_FOUND',
        `the image is ${formatPlatform(platform)}, not the requested ${formatPlatform(wanted)}`,
        context,
      );
    }
    const layers = buildLayerRefs(summary, manifest.layers, context);
    const identity: ImageIdentity = {
      target,
      sourceType: 'registry',
      reference: formatReference({ ...ref, digest: fetched.digest }),
      manifestDigest: fetched.digest,
      configDigest: manifest.config.digest,
      platform,
      annotations: manifest.annotations ?? {},
    };
    return {
      identity,
      config: summary,
      layers,
      openLayer: (index) => openLayer(client, ref.repository, layers, index, context, options.onProgress),
      close: () => client.close(),
    };
  } catch (err) {
    await client.close();
    throw toKeelsonError(err, 'REGISTRY_ERROR', context);
  }
}

/** The single-image manifest for the wanted platform, following an index when there is one. */
async function resolveImageManifest(
  client: RegistryClient,
  repository: string,
  reference: string,
  wanted: Platform,
  context: ErrorContext,
): Promise<{ manifest: ImageManifest; fetched: FetchedManifest }> {
  const top = await client.getManifest(repository, reference);
  const parsed = parseManifest(top.bytes, context, top.mediaType);
  if (parsed.kind === 'manifest') return { manifest: parsed.manifest, fetched: top };
  const chosen: Descriptor = selectPlatform(parsed.index, wanted, context);
  const child = await client.getManifest(repository, chosen.digest);
  const inner = parseManifest(child.bytes, context, child.mediaType);
  if (inner.kind !== 'manifest') {
    throw new KeelsonError(
      'INVALID_MANIFEST',
      `index entry ${chosen.digest} for ${formatPlatform(wanted)} is itself an index`,
      context,
    );
  }
  return { manifest: inner.manifest, fetched: child };
}

/** Foreign (non-distributable) layers live outside the registry, at URLs we will not fetch. */
function rejectForeignLayers(manifest: ImageManifest, context: ErrorContext): void {
  const foreign = manifest.layers.find(
    (layer) => (layer.urls?.length ?? 0) > 0 || /foreign|nondistributable/.test(layer.mediaType ?? ''),
  );
  if (foreign) {
    throw new KeelsonError(
      'UNSUPPORTED_TARGET',
      `layer ${foreign.digest} is a foreign layer stored outside the registry; such images are not supported`,
      { ...context, layer: foreign.digest },
    );
  }
}

async function openLayer(
  client: RegistryClient,
  repository: string,
  layers: LayerRef[],
  index: number,
  context: ErrorContext,
  onProgress?: ProgressCallback,
): Promise<Readable> {
  const layer = layers[index];
  if (!layer?.digest) {
    throw new KeelsonError(
      'INVALID_ARGUMENT',
      `layer index ${index} is out of range (0..${layers.length - 1})`,
      context,
    );
  }
  try {
    const blob = await client.openBlob(repository, layer.digest, {
      ...(layer.size !== undefined ? { size: layer.size } : {}),
      context: { ...context, layer: layer.digest },
    });
    return onProgress ? countDownload(blob, index, layer.size, onProgress) : blob;
  } catch (err) {
    throw toKeelsonError(err, 'REGISTRY_ERROR', { ...context, layer: layer.digest });
  }
}

/** Passes a blob stream through unchanged, reporting the bytes received so far after each chunk. */
export function countDownload(
  blob: Readable,
  index: number,
  total: number | undefined,
  onProgress: ProgressCallback,
): Readable {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      reportProgress(onProgress, {
        type: 'download',
        index,
        bytes,
        ...(total !== undefined ? { total } : {}),
      });
      callback(null, chunk);
    },
  });
  // Errors (digest mismatch, reset connection) must reach whoever reads the counter.
  blob.on('error', (err) => counter.destroy(err));
  counter.on('close', () => {
    if (!blob.destroyed && !blob.readableEnded) blob.destroy();
  });
  return blob.pipe(counter);
}
