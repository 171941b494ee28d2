import { type ErrorContext, KeelsonError } from '../core/errors.js';
import * as shape from '../core/json-shape.js';
import type { HistoryEntry, ImageConfigSummary, LayerRef, Platform } from '../core/types.js';

/** Media types of the OCI image spec and Docker's distribution formats. */
export const MediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
} as const;

export const MANIFEST_ACCEPT = [
  MediaTypes.ociIndex,
  MediaTypes.ociManifest,
  MediaTypes.dockerList,
  MediaTypes.dockerManifest,
].join(', ');

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  annotations?: Record<string, string>;
  urls?: string[];
  platform?: { architecture: string; os: string; variant?: string; 'os.version'?: string };
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/** Copies the properties that are defined, so optional fields stay absent rather than undefined. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function readDescriptor(value: unknown, path: string): Descriptor {
  const d = shape.object(value, path);
  const platform =
    d.platform === undefined
      ? undefined
      : (() => {
          const p = shape.object(d.platform, `${path}.platform`);
          return defined({
            architecture: shape.string(p.architecture, `${path}.platform.architecture`),
            os: shape.string(p.os, `${path}.platform.os`),
            variant: shape.optionalString(p.variant, `${path}.platform.variant`),
            'os.version': shape.optionalString(p['os.version'], `${path}.platform.os.version`),
          });
        })();
  return defined({
    mediaType: shape.optionalString(d.mediaType, `${path}.mediaType`),
    digest: shape.matches(shape.string(d.digest, `${path}.digest`), DIGEST, `${path}.digest`, 'a digest'),
    size: shape.optionalNonNegativeInteger(d.size, `${path}.size`),
    annotations: shape.optionalStringRecord(d.annotations, `${path}.annotations`),
    urls: shape.optionalStringArray(d.urls, `${path}.urls`),
    platform,
  });
}

function schemaVersion2(json: Record<string, unknown>): 2 {
  if (json.schemaVersion !== 2)
    throw new shape.ShapeError('schemaVersion', `expected 2, found ${JSON.stringify(json.schemaVersion)}`);
  return 2;
}

function readIndex(json: Record<string, unknown>): ImageIndex {
  return defined({
    schemaVersion: schemaVersion2(json),
    mediaType: shape.optionalString(json.mediaType, 'mediaType'),
    manifests: shape.array(json.manifests, 'manifests').map((m, i) => readDescriptor(m, `manifests.${i}`)),
    annotations: shape.optionalStringRecord(json.annotations, 'annotations'),
  });
}

function readImageManifest(json: Record<string, unknown>): ImageManifest {
  return defined({
    schemaVersion: schemaVersion2(json),
    mediaType: shape.optionalString(json.mediaType, 'mediaType'),
    config: readDescriptor(json.config, 'config'),
    layers: shape.array(json.layers, 'layers').map((l, i) => readDescriptor(l, `layers.${i}`)),
    annotations: shape.optionalStringRecord(json.annotations, 'annotations'),
  });
}

/** Runs a shape reader, turning its error into a KeelsonError that names the JSON path. */
function checked<T>(
  read: () => T,
  code: 'INVALID_MANIFEST' | 'INVALID_IMAGE',
  what: string,
  context: ErrorContext,
): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof shape.ShapeError)
      throw new KeelsonError(code, `invalid ${what}: ${err.message}`, context);
    throw err;
  }
}

function parseJson(bytes: Buffer | string, what: string, context: ErrorContext): unknown {
  try {
    return JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (err) {
    throw new KeelsonError(
      'INVALID_MANIFEST',
      `${what} is not valid JSON: ${(err as Error).message}`,
      context,
    );
  }
}

/** Either an index (manifest list) or a single-image manifest, told apart by media type or shape. */
export type AnyManifest =
  | { kind: 'index'; index: ImageIndex }
  | { kind: 'manifest'; manifest: ImageManifest };

export function parseManifest(
  bytes: Buffer | string,
  context: ErrorContext = {},
  mediaType?: string,
): AnyManifest {
  const json = parseJson(bytes, 'manifest', context) as Record<string, unknown> | null;
  if (json === null || typeof json !== 'object') {
    throw new KeelsonError('INVALID_MANIFEST', 'manifest is not a JSON object', context);
  }
  const type = mediaType ?? (typeof json.mediaType === 'string' ? json.mediaType : undefined);
  if (json.schemaVersion === 1) {
    throw new KeelsonError('INVALID_MANIFEST', 'Docker schema 1 manifests are not supported', context);
  }
  const isIndex =
    type === MediaTypes.ociIndex ||
    type === MediaTypes.dockerList ||
    (!type && Array.isArray(json.manifests));
  if (isIndex) {
    return {
      kind: 'index',
      index: checked(() => readIndex(json), 'INVALID_MANIFEST', 'image index', context),
    };
  }
  return {
    kind: 'manifest',
    manifest: checked(() => readImageManifest(json), 'INVALID_MANIFEST', 'image manifest', context),
  };
}

export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new KeelsonError('INVALID_ARGUMENT', `platform "${text}" is not of the form os/arch[/variant]`);
  }
  return { os: parts[0]!, architecture: parts[1]!, ...(parts[2] ? { variant: parts[2] } : {}) };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7' };

function normalizeArch(p: Platform): Platform {
  const arch =
    p.architecture === 'aarch64' ? 'arm64' : p.architecture === 'x86_64' ? 'amd64' : p.architecture;
  const variant = p.variant ?? DEFAULT_VARIANT[arch];
  return { os: p.os, architecture: arch, ...(variant ? { variant } : {}) };
}

export function platformMatches(candidate: Platform, wanted: Platform): boolean {
  const c = normalizeArch(candidate);
  const w = normalizeArch(wanted);
  if (c.os !== w.os || c.architecture !== w.architecture) return false;
  // A wanted platform without a variant accepts any variant; otherwise they must agree.
  return !wanted.variant || c.variant === w.variant;
}

/** Picks the manifest for a platform from an index, skipping attestation manifests. */
export function selectPlatform(index: ImageIndex, wanted: Platform, context: ErrorContext = {}): Descriptor {
  const images = index.manifests.filter(
    (m) =>
      m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest' &&
      !(m.platform?.os === 'unknown' && m.platform?.architecture === 'unknown'),
  );
  const match = images.find((m) => m.platform && platformMatches(m.platform, wanted));
  if (match) return match;
  const withoutPlatform = images.filter((m) => !m.platform);
  if (withoutPlatform.length === 1 && images.length === 1) return withoutPlatform[0]!;
  const available = images.map((m) => (m.platform ? formatPlatform(m.platform) : 'unknown')).join(', ');
  throw new KeelsonError(
    'PLATFORM_NOT_FOUND',
    `no image for platform ${formatPlatform(wanted)} (available: ${available || 'none'})`,
    context,
  );
}

interface RawConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: {
    Labels?: Record<string, string>;
    User?: string;
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
  };
  rootfs: { type: string; diff_ids: string[] };
  history?: { created?: string; created_by?: string; comment?: string; empty_layer?: boolean }[];
}

function readConfig(value: unknown): RawConfig {
  const json = shape.object(value, '');
  const inner =
    json.config === undefined || json.config === null ? undefined : shape.object(json.config, 'config');
  const rootfs = shape.object(json.rootfs, 'rootfs');
  return defined({
    architecture: shape.optionalString(json.architecture, 'architecture'),
    os: shape.optionalString(json.os, 'os'),
    variant: shape.optionalString(json.variant, 'variant'),
    created: shape.optionalString(json.created, 'created'),
    config: inner
      ? defined({
          Labels: shape.optionalStringRecord(inner.Labels, 'config.Labels'),
          User: shape.optionalString(inner.User, 'config.User'),
          Env: shape.optionalStringArray(inner.Env, 'config.Env'),
          Entrypoint: shape.optionalStringArray(inner.Entrypoint, 'config.Entrypoint'),
          Cmd: shape.optionalStringArray(inner.Cmd, 'config.Cmd'),
        })
      : undefined,
    rootfs: {
      type: shape.string(rootfs.type, 'rootfs.type'),
      diff_ids: shape
        .array(rootfs.diff_ids, 'rootfs.diff_ids')
        .map((d, i) =>
          shape.matches(shape.string(d, `rootfs.diff_ids.${i}`), DIGEST, `rootfs.diff_ids.${i}`, 'a digest'),
        ),
    },
    history:
      json.history === undefined || json.history === null
        ? undefined
        : shape.array(json.history, 'history').map((h, i) => {
            const entry = shape.object(h, `history.${i}`);
            return defined({
              created: shape.optionalString(entry.created, `history.${i}.created`),
              created_by: shape.optionalString(entry.created_by, `history.${i}.created_by`),
              comment: shape.optionalString(entry.comment, `history.${i}.comment`),
              empty_layer: shape.optionalBoolean(entry.empty_layer, `history.${i}.empty_layer`),
            });
          }),
  });
}

export interface ParsedConfig {
  summary: ImageConfigSummary;
  platform: Platform;
}

export function parseImageConfig(bytes: Buffer | string, context: ErrorContext = {}): ParsedConfig {
  const json = parseJson(bytes, 'image config', context);
  const c = checked(() => readConfig(json), 'INVALID_IMAGE', 'image config', context);
  const history: HistoryEntry[] = (c.history ?? []).map((h) => ({
    ...(h.created ? { created: h.created } : {}),
    ...(h.created_by ? { createdBy: h.created_by } : {}),
    ...(h.comment ? { comment: h.comment } : {}),
    emptyLayer: h.empty_layer === true,
  }));
  const summary: ImageConfigSummary = {
    ...(c.architecture ? { architecture: c.architecture } : {}),
    ...(c.os ? { os: c.os } : {}),
    ...(c.variant ? { variant: c.variant } : {}),
    ...(c.created ? { created: c.created } : {}),
    labels: c.config?.Labels ?? {},
    ...(c.config?.User ? { user: c.config.User } : {}),
    ...(c.config?.Entrypoint ? { entrypoint: c.config.Entrypoint } : {}),
    ...(c.config?.Cmd ? { cmd: c.config.Cmd } : {}),
    ...(c.config?.Env ? { env: c.config.Env } : {}),
    history,
    diffIDs: c.rootfs.diff_ids,
  };
  return {
    summary,
    platform: {
      os: c.os ?? 'unknown',
      architecture: c.architecture ?? 'unknown',
      ...(c.variant ? { variant: c.variant } : {}),
    },
  };
}

/**
 * Pairs each layer with its diffID and the history entry that created it. History entries marked
 * `empty_layer` produce no layer; the rest line up with the layers in order.
 */
export function buildLayerRefs(
  config: ImageConfigSummary,
  layers: { digest?: string; mediaType?: string; size?: number }[],
  context: ErrorContext = {},
): LayerRef[] {
  if (layers.length !== config.diffIDs.length) {
    throw new KeelsonError(
      'INVALID_IMAGE',
      `manifest lists ${layers.length} layers but the config has ${config.diffIDs.length} diff_ids`,
      context,
    );
  }
  const producing = config.history.filter((h) => !h.emptyLayer);
  const aligned = producing.length === layers.length;
  return layers.map((layer, index) => {
    const h = aligned ? producing[index] : undefined;
    return {
      index,
      ...(layer.digest ? { digest: layer.digest } : {}),
      diffID: config.diffIDs[index]!,
      ...(layer.mediaType ? { mediaType: layer.mediaType } : {}),
      ...(layer.size !== undefined ? { size: layer.size } : {}),
      ...(h?.createdBy ? { createdBy: h.createdBy } : {}),
      ...(h?.created ? { created: h.created } : {}),
      ...(h?.comment ? { comment: h.comment } : {}),
    };
  });
}
