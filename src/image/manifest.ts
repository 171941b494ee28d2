import { z } from 'zod';
import { type ErrorContext, KeelsonError } from '../core/errors.js';
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

const digestSchema = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest');

const descriptorSchema = z.object({
  mediaType: z.string().optional(),
  digest: digestSchema,
  size: z.number().int().nonnegative().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  urls: z.array(z.string()).optional(),
  platform: z
    .object({
      architecture: z.string(),
      os: z.string(),
      variant: z.string().optional(),
      'os.version': z.string().optional(),
    })
    .optional(),
});
export type Descriptor = z.infer<typeof descriptorSchema>;

const indexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageIndex = z.infer<typeof indexSchema>;

const manifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageManifest = z.infer<typeof manifestSchema>;

const configSchema = z.object({
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
  created: z.string().optional(),
  config: z
    .object({
      Labels: z.record(z.string(), z.string()).nullish(),
      User: z.string().nullish(),
      Env: z.array(z.string()).nullish(),
      Entrypoint: z.array(z.string()).nullish(),
      Cmd: z.array(z.string()).nullish(),
    })
    .nullish(),
  rootfs: z.object({ type: z.string(), diff_ids: z.array(digestSchema) }),
  history: z
    .array(
      z.object({
        created: z.string().optional(),
        created_by: z.string().optional(),
        comment: z.string().optional(),
        empty_layer: z.boolean().optional(),
      }),
    )
    .nullish(),
});

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

function zodProblem(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'invalid';
  return `${first.path.length ? `${first.path.join('.')}: ` : ''}${first.message}`;
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
    const parsed = indexSchema.safeParse(json);
    if (!parsed.success)
      throw new KeelsonError('INVALID_MANIFEST', `invalid image index: ${zodProblem(parsed.error)}`, context);
    return { kind: 'index', index: parsed.data };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success)
    throw new KeelsonError(
      'INVALID_MANIFEST',
      `invalid image manifest: ${zodProblem(parsed.error)}`,
      context,
    );
  return { kind: 'manifest', manifest: parsed.data };
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

export interface ParsedConfig {
  summary: ImageConfigSummary;
  platform: Platform;
}

export function parseImageConfig(bytes: Buffer | string, context: ErrorContext = {}): ParsedConfig {
  const json = parseJson(bytes, 'image config', context);
  const parsed = configSchema.safeParse(json);
  if (!parsed.success)
    throw new KeelsonError('INVALID_IMAGE', `invalid image config: ${zodProblem(parsed.error)}`, context);
  const c = parsed.data;
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
