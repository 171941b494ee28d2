import { analyzers as defaultAnalyzers } from '../analyzers/registry.js';
import type { Analyzer } from '../analyzers/types.js';
import { type ErrorContext, KeelsonError, toKeelsonError } from '../core/errors.js';
import { type ProgressCallback, reportProgress } from '../core/progress.js';
import type { ImageConfigSummary, ImageIdentity, Inventory, Package, Warning } from '../core/types.js';
import { openTarget } from '../image/open.js';
import { inventoryFromSbomFile } from '../image/sbom-input.js';
import type { ImageSource, OpenOptions } from '../image/types.js';
import { LayerCache } from '../layers/cache.js';
import { ByteBudget, DEFAULT_LIMITS, type DecompressionLimits } from '../layers/decompress.js';
import { walkDirectory } from '../layers/directory.js';
import { type LayerFacts, walkLayer } from '../layers/walker.js';
import { assemble } from './assemble.js';
import { type BaseInput, findBaseBoundary } from './base.js';
import { ImageCache } from './image-cache.js';
import { squash } from './squash.js';

export interface InventoryOptions extends OpenOptions {
  analyzers?: readonly Analyzer[];
  /** Directory for the per-layer cache; no caching without one (the CLI passes the XDG default). */
  cacheDir?: string;
  limits?: DecompressionLimits;
  /** Layers analysed at once (decompression runs on libuv's thread pool). */
  concurrency?: number;
  /** A base image (any TARGET form) whose layers mark the base/app boundary. */
  baseImage?: string;
  /** Check each layer's uncompressed bytes against the config's diffID (default true). */
  verifyDiffIDs?: boolean;
  /**
   * Keep each OS package's file list in the result (default true). Without them an unchanged image is
   * served whole from the image cache: what the CLI's reports do, since none of them prints file lists.
   */
  packageFiles?: boolean;
  /**
   * Progress events (see src/core/progress.ts): layer bytes read and walked, cache hits, registry
   * downloads. Absent, no event is built.
   */
  onProgress?: ProgressCallback;
}

/** Opens any TARGET, inventories it, and releases it. */
export async function inventoryTarget(target: string, options: InventoryOptions = {}): Promise<Inventory> {
  const { onProgress } = options;
  reportProgress(onProgress, { type: 'inventory', state: 'start', target });
  const inventory = await openAndInventory(target, options);
  reportProgress(onProgress, {
    type: 'inventory',
    state: 'end',
    target,
    packages: inventory.packages.length,
  });
  return inventory;
}

async function openAndInventory(target: string, options: InventoryOptions): Promise<Inventory> {
  const opened = await openTarget(target, options);
  if (opened.kind === 'rootfs') return inventoryRootfs(opened.root, opened.target, options);
  if (opened.kind === 'sbom') return inventoryFromSbomFile(opened.path, opened.target);
  try {
    const warnings: Warning[] = [];
    const baseDiffIDs = options.baseImage
      ? await diffIDsOf(options.baseImage, 'base-image', options)
      : await baseFromAnnotations(opened.source, options, warnings);
    const inventory = await inventoryImage(opened.source, options, baseDiffIDs);
    inventory.warnings.unshift(...warnings);
    return inventory;
  } finally {
    await opened.source.close();
  }
}

async function diffIDsOf(
  target: string,
  method: 'base-image' | 'oci-base-annotation',
  options: OpenOptions,
): Promise<BaseInput['baseDiffIDs']> {
  const opened = await openTarget(target, { ...options, platformExplicit: false });
  if (opened.kind === 'rootfs') return { diffIDs: [], method, name: target };
  if (opened.kind === 'sbom')
    throw new KeelsonError('INVALID_ARGUMENT', `${target} is an SBOM file: a base image must be an image`);
  try {
    return { diffIDs: opened.source.config.diffIDs, method, name: target };
  } finally {
    await opened.source.close();
  }
}

/**
 * The base image named by the OCI annotations `org.opencontainers.image.base.name` / `.base.digest`,
 * pulled (config only) to learn its layers. Best effort: when it cannot be reached, a warning says so
 * and the other boundary signals apply.
 */
async function baseFromAnnotations(
  source: ImageSource,
  options: InventoryOptions,
  warnings: Warning[],
): Promise<BaseInput['baseDiffIDs']> {
  const name = source.identity.annotations['org.opencontainers.image.base.name'];
  if (!name) return undefined;
  const digest = source.identity.annotations['org.opencontainers.image.base.digest'];
  const repository = name.replace(/@.*$/, '').replace(/:[^/:]+$/, '');
  const reference = digest ? `${repository}@${digest}` : name;
  try {
    return await diffIDsOf(`docker://${reference}`, 'oci-base-annotation', {
      ...options,
      ...(source.identity.platform ? { platform: source.identity.platform } : {}),
    });
  } catch (err) {
    warnings.push({
      code: 'BASE_IMAGE_UNAVAILABLE',
      message: `base image ${reference} (from the OCI base annotations) could not be read: ${
        err instanceof Error ? err.message : String(err)
      }`,
    });
    return undefined;
  }
}

/** Inventories an opened image: per-layer facts (from cache or one streaming pass), squash, assemble. */
export async function inventoryImage(
  source: ImageSource,
  options: InventoryOptions = {},
  baseDiffIDs?: BaseInput['baseDiffIDs'],
): Promise<Inventory> {
  const analyzers = options.analyzers ?? defaultAnalyzers;
  const cache = options.cacheDir ? new LayerCache(options.cacheDir, analyzers) : undefined;
  const imageCache =
    options.cacheDir && options.packageFiles === false
      ? new ImageCache(options.cacheDir, analyzers)
      : undefined;
  const imageKey = imageCache?.key(source, baseDiffIDs, options.verifyDiffIDs !== false);
  const hit = imageKey ? await imageCache?.get(imageKey) : undefined;
  const { onProgress } = options;
  if (onProgress) {
    const layers = source.layers.map((l) => ({
      digest: l.diffID,
      ...(l.size !== undefined ? { size: l.size } : {}),
    }));
    reportProgress(onProgress, { type: 'image', target: source.identity.target, layers });
    if (imageCache) reportProgress(onProgress, { type: 'image-cache', hit: hit !== undefined });
  }
  if (hit) {
    return {
      ...hit,
      image: source.identity,
      stats: { layersFromCache: source.layers.length, layersAnalyzed: 0, bytesRead: 0 },
    };
  }
  const budget = new ByteBudget(options.limits ?? DEFAULT_LIMITS);
  const image = source.identity.target;
  const facts: LayerFacts[] = new Array(source.layers.length);
  const stats = { layersFromCache: 0, layersAnalyzed: 0, bytesRead: 0 };

  const analyzeLayer = async (i: number) => {
    const layer = source.layers[i]!;
    const context: ErrorContext = { image, layer: `${i} (${layer.diffID.slice(0, 19)})` };
    const cached = await cache?.get(layer.diffID);
    if (cached) {
      facts[i] = cached;
      stats.layersFromCache++;
      const walked = cached.uncompressedBytes;
      reportProgress(onProgress, {
        type: 'layer-end',
        index: i,
        digest: layer.diffID,
        cached: true,
        read: 0,
        walked,
      });
      return;
    }
    let read = 0;
    let walked = 0;
    const onBytes = onProgress
      ? (r: number, w: number) => {
          read = r;
          walked = w;
          reportProgress(onProgress, { type: 'analyze', index: i, read: r, walked: w });
        }
      : undefined;
    if (onProgress) {
      const size = layer.size;
      reportProgress(onProgress, {
        type: 'layer-start',
        index: i,
        digest: layer.diffID,
        ...(size !== undefined ? { size } : {}),
      });
    }
    try {
      const result = await walkLayer(await source.openLayer(i), {
        analyzers,
        budget,
        context,
        ...(options.verifyDiffIDs === false ? {} : { diffID: layer.diffID }),
        reopen: () => source.openLayer(i),
        ...(onBytes ? { onBytes } : {}),
      });
      reportProgress(onProgress, {
        type: 'layer-end',
        index: i,
        digest: layer.diffID,
        cached: false,
        read,
        walked,
      });
      facts[i] = result;
      stats.layersAnalyzed++;
      stats.bytesRead += result.uncompressedBytes;
      await cache?.put(layer.diffID, result);
    } catch (err) {
      throw toKeelsonError(err, 'CORRUPT_LAYER', context);
    }
  };
  await runPool(source.layers.length, options.concurrency ?? 2, analyzeLayer);

  const base = findBaseBoundary({
    layers: source.layers,
    config: source.config,
    ...(baseDiffIDs ? { baseDiffIDs } : {}),
  });
  const inventory = assemble({
    view: squash(facts),
    layers: source.layers,
    config: source.config,
    image: source.identity,
    ...(base ? { base } : {}),
    layerWarnings: facts.flatMap((f) => f.warnings),
    layersIncomplete: facts.some((f) => f.incomplete),
    context: { image },
  });
  inventory.stats = stats;
  if (options.packageFiles === false) inventory.packages = inventory.packages.map(withoutFiles);
  if (imageKey) await imageCache?.put(imageKey, inventory);
  return inventory;
}

function withoutFiles(pkg: Package): Package {
  if (!pkg.files) return pkg;
  const { files: _files, ...rest } = pkg;
  return rest;
}

/** Inventories a root filesystem directory as a one-layer image without config. */
export async function inventoryRootfs(
  root: string,
  target: string,
  options: InventoryOptions = {},
): Promise<Inventory> {
  const analyzers = options.analyzers ?? defaultAnalyzers;
  const facts = await walkDirectory(root, analyzers, { image: target });
  const config: ImageConfigSummary = { labels: {}, history: [], diffIDs: [] };
  const identity: ImageIdentity = { target, sourceType: 'rootfs', annotations: {} };
  const layerWarnings: Warning[] = facts.warnings;
  const inventory = assemble({
    view: squash([facts]),
    layers: [],
    config,
    image: identity,
    layerWarnings,
    layersIncomplete: facts.incomplete,
    context: { image: target },
  });
  inventory.stats = { layersFromCache: 0, layersAnalyzed: 1, bytesRead: facts.uncompressedBytes };
  return inventory;
}

/** Runs `task(0..count-1)` with at most `width` in flight; the first failure stops new starts and is thrown. */
async function runPool(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < count) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(width, count) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}
