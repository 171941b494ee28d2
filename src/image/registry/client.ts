import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { type ErrorContext, KeelsonError } from '../../core/errors.js';
import { DigestVerifier, digestOf, parseDigest } from '../digest.js';
import { MANIFEST_ACCEPT, MediaTypes } from '../manifest.js';
import {
  type AuthChallenge,
  basicAuthorization,
  fetchBearerToken,
  parseWwwAuthenticate,
  TokenCache,
} from './auth.js';
import { type RegistryCredentials, resolveCredentials } from './credentials.js';
import {
  firstHeader,
  HttpTransport,
  insecureHostPolicy,
  RegistryConnectionError,
  readBody,
  redactUrl,
} from './http.js';
import { isValidRepository, isValidTag, registryApiHost } from './reference.js';
import type { RetryOptions } from './retry.js';

export interface RegistryClientOptions {
  /** Registry name as in the reference (`docker.io`, `ghcr.io`, `localhost:5000`). */
  registry: string;
  /** Registries (host[:port]) that may use plain HTTP or unverified HTTPS; loopback always may. */
  insecureRegistries?: string[];
  /** Docker config directory for credentials (default `$DOCKER_CONFIG` or `~/.docker`). */
  dockerConfigDir?: string;
  /** Credentials to use instead of the docker config's; null forces anonymous access. */
  credentials?: RegistryCredentials | null;
  /** Environment for the docker config lookup and credential helpers (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Dispatcher for every request (tests inject a MockAgent); by default the client owns its agents. */
  dispatcher?: Dispatcher;
  retry?: RetryOptions;
  /** Limit for connecting, for response headers and for each pause in a body (default 60 s). */
  timeoutMs?: number;
  /** Share bearer tokens between clients; by default each client has its own cache. */
  tokenCache?: TokenCache;
}

export interface FetchedManifest {
  bytes: Buffer;
  /** Media type from Content-Type when it names a manifest type, else undefined (decide by shape). */
  mediaType?: string;
  /** Digest of the bytes received. */
  digest: string;
}

export interface ManifestHead {
  digest: string;
  mediaType?: string;
  size?: number;
}

/** A descriptor from an OCI 1.1 referrers index. */
export interface Referrer {
  mediaType?: string;
  artifactType?: string;
  digest: string;
  size?: number;
  annotations?: Record<string, string>;
}

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
const MAX_ERROR_BODY = 64 * 1024;
const MAX_REFERRER_PAGES = 50;
const MANIFEST_MEDIA_TYPES = new Set<string>([
  MediaTypes.ociIndex,
  MediaTypes.ociManifest,
  MediaTypes.dockerList,
  MediaTypes.dockerManifest,
]);

const referrersSchema = z.object({
  manifests: z.array(
    z.object({
      mediaType: z.string().optional(),
      artifactType: z.string().optional(),
      digest: z.string(),
      size: z.number().int().nonnegative().optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    }),
  ),
});

const registryErrorsSchema = z.object({
  errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional() })).min(1),
});

interface Authorization {
  header?: string;
  /** The token came from the cache and may have been revoked since. */
  fromCache: boolean;
}

/**
 * A client for one registry's distribution API (v2): ping and auth challenge, manifests, blobs and
 * referrers, each request authorised for `repository:<name>:pull`.
 */
export class RegistryClient {
  readonly registry: string;
  /** host[:port] that serves the API (registry-1.docker.io for docker.io). */
  readonly host: string;
  private readonly options: RegistryClientOptions;
  private readonly transport: HttpTransport;
  private readonly tokens: TokenCache;
  private baseUrl: string | undefined;
  private challenges: AuthChallenge[] = [];
  private pinged: Promise<void> | undefined;
  private credentials: Promise<RegistryCredentials | undefined> | undefined;

  constructor(options: RegistryClientOptions) {
    this.options = options;
    this.registry = options.registry;
    this.host = registryApiHost(options.registry);
    this.tokens = options.tokenCache ?? new TokenCache();
    this.transport = new HttpTransport({
      insecureHost: insecureHostPolicy(options.insecureRegistries),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  }

  /**
   * `GET /v2/`: settles the scheme (HTTPS; insecure hosts fall back to HTTP when HTTPS cannot be
   * reached) and records the auth challenge. Runs once per client.
   */
  ping(): Promise<void> {
    this.pinged ??= this.probe().catch((err: unknown) => {
      this.pinged = undefined;
      throw err;
    });
    return this.pinged;
  }

  private async probe(): Promise<void> {
    const https = `https://${this.host}`;
    let response: Dispatcher.ResponseData;
    if (this.transport.insecureHost(this.host)) {
      try {
        response = await this.transport.send({ method: 'GET', url: `${https}/v2/`, retry: false });
        this.baseUrl = https;
      } catch (err) {
        if (!(err instanceof RegistryConnectionError)) throw err;
        const http = `http://${this.host}`;
        response = await this.transport.send({ method: 'GET', url: `${http}/v2/` });
        this.baseUrl = http;
      }
    } else {
      try {
        response = await this.transport.send({ method: 'GET', url: `${https}/v2/` });
        this.baseUrl = https;
      } catch (err) {
        if (err instanceof RegistryConnectionError && err.tls) {
          throw new KeelsonError(
            'INSECURE_REGISTRY',
            `${this.host} does not complete a verified HTTPS connection (${err.message}); if it is a registry ` +
              `you trust that serves plain HTTP or a self-signed certificate, pass --insecure-registry ${this.host}`,
            { url: `${https}/v2/` },
            { cause: err },
          );
        }
        throw err;
      }
    }
    const status = response.statusCode;
    const url = `${this.baseUrl}/v2/`;
    await response.body.dump();
    if (status === 401) {
      this.challenges = parseWwwAuthenticate(response.headers['www-authenticate']);
      return;
    }
    if (status < 200 || status > 299) {
      throw new KeelsonError(
        'REGISTRY_ERROR',
        `${url} answered HTTP ${status}; is ${this.host} a container registry?`,
        { url },
      );
    }
  }

  /** Fetches a manifest or index by tag or digest; by digest the bytes must hash to it. */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const byDigest = checkManifestReference(repository, reference);
    const path = `/v2/${repository}/manifests/${reference}`;
    const response = await this.request(repository, 'GET', path, { accept: MANIFEST_ACCEPT });
    const context = { url: redactUrl(`${this.baseUrl}${path}`) };
    await this.expectSuccess(response, context, `manifest ${repository}:${reference}`);
    const bytes = await readBody(
      response,
      MAX_MANIFEST_BYTES,
      () =>
        new KeelsonError(
          'INVALID_MANIFEST',
          `manifest ${repository}:${reference} is larger than the ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB limit`,
          context,
        ),
      context,
    );
    const digest = digestOf(bytes, byDigest ? parseDigest(reference).algorithm : 'sha256');
    if (byDigest && digest !== reference) {
      throw new KeelsonError(
        'DIGEST_MISMATCH',
        `the manifest served for ${repository}@${reference} has digest ${digest}`,
        context,
      );
    }
    const mediaType = manifestMediaType(response.headers['content-type']);
    return { bytes, digest, ...(mediaType ? { mediaType } : {}) };
  }

  /** `HEAD` on a manifest: its digest without downloading it (a GET when the registry omits the header). */
  async headManifest(repository: string, reference: string): Promise<ManifestHead> {
    checkManifestReference(repository, reference);
    const path = `/v2/${repository}/manifests/${reference}`;
    const response = await this.request(repository, 'HEAD', path, { accept: MANIFEST_ACCEPT });
    const context = { url: redactUrl(`${this.baseUrl}${path}`) };
    await this.expectSuccess(response, context, `manifest ${repository}:${reference}`);
    await response.body.dump();
    const header = firstHeader(response.headers['docker-content-digest']);
    const mediaType = manifestMediaType(response.headers['content-type']);
    const size = Number(firstHeader(response.headers['content-length']));
    if (!header) {
      const fetched = await this.getManifest(repository, reference);
      return {
        digest: fetched.digest,
        size: fetched.bytes.length,
        ...(fetched.mediaType ? { mediaType: fetched.mediaType } : {}),
      };
    }
    parseDigest(header, context);
    return {
      digest: header,
      ...(mediaType ? { mediaType } : {}),
      ...(Number.isSafeInteger(size) ? { size } : {}),
    };
  }

  /** A whole small blob (an image config), verified against its digest. */
  async getBlob(repository: string, digest: string, maxBytes = MAX_CONFIG_BYTES): Promise<Buffer> {
    const { algorithm } = checkBlobReference(repository, digest);
    const path = `/v2/${repository}/blobs/${digest}`;
    const response = await this.request(repository, 'GET', path);
    const context = { url: redactUrl(`${this.baseUrl}${path}`) };
    await this.expectSuccess(response, context, `blob ${digest} in ${repository}`);
    const bytes = await readBody(
      response,
      maxBytes,
      () =>
        new KeelsonError(
          'INVALID_IMAGE',
          `blob ${digest} is larger than the ${maxBytes} byte limit`,
          context,
        ),
      context,
    );
    const actual = digestOf(bytes, algorithm);
    if (actual !== digest) {
      throw new KeelsonError('DIGEST_MISMATCH', `blob ${digest} arrived with digest ${actual}`, context);
    }
    return bytes;
  }

  /**
   * Streams a blob. The stream fails with DIGEST_MISMATCH at its end when the bytes do not hash to
   * `digest`, and as soon as they exceed `size` when that is known.
   */
  async openBlob(
    repository: string,
    digest: string,
    options: { size?: number; context?: ErrorContext } = {},
  ): Promise<Readable> {
    checkBlobReference(repository, digest);
    const path = `/v2/${repository}/blobs/${digest}`;
    const response = await this.request(repository, 'GET', path);
    const context = { ...options.context, url: redactUrl(`${this.baseUrl}${path}`) };
    await this.expectSuccess(response, context, `blob ${digest} in ${repository}`);
    const verifier = new DigestVerifier(digest, context);
    // pipeline destroys every stage on error or early close, so the socket is always released;
    // the error itself reaches the consumer through the verifier.
    const done = () => {};
    if (options.size === undefined) pipeline(response.body, verifier, done);
    else pipeline(response.body, new SizeLimit(options.size, digest, context), verifier, done);
    return verifier;
  }

  /**
   * Artifacts that refer to `digest` (signatures, SBOMs, VEX), via the OCI 1.1 referrers API or,
   * where the registry lacks it, the `<alg>-<hex>` fallback tag. Filtered by artifactType if given.
   */
  async listReferrers(repository: string, digest: string, artifactType?: string): Promise<Referrer[]> {
    const { algorithm, hex } = checkBlobReference(repository, digest);
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    let path = `/v2/${repository}/referrers/${digest}${query}`;
    const found: Referrer[] = [];
    for (let page = 0; page < MAX_REFERRER_PAGES; page++) {
      const response = await this.request(repository, 'GET', path, { accept: MediaTypes.ociIndex });
      const context = { url: redactUrl(`${this.baseUrl}${path}`) };
      if (response.statusCode === 404 && page === 0) {
        await response.body.dump();
        return this.referrersFromTag(repository, `${algorithm}-${hex}`, artifactType);
      }
      await this.expectSuccess(response, context, `referrers of ${digest} in ${repository}`);
      const bytes = await readBody(
        response,
        MAX_MANIFEST_BYTES,
        () => new KeelsonError('INVALID_MANIFEST', 'referrers index is larger than 4 MiB', context),
        context,
      );
      found.push(...parseReferrers(bytes, context));
      const next = this.nextPage(response.headers.link);
      if (!next) break;
      path = next;
    }
    return filterByArtifactType(found, artifactType);
  }

  private async referrersFromTag(
    repository: string,
    tag: string,
    artifactType?: string,
  ): Promise<Referrer[]> {
    let manifest: FetchedManifest;
    try {
      manifest = await this.getManifest(repository, tag);
    } catch (err) {
      if (err instanceof KeelsonError && err.code === 'REGISTRY_NOT_FOUND') return [];
      throw err;
    }
    const context = { url: redactUrl(`${this.baseUrl}/v2/${repository}/manifests/${tag}`) };
    return filterByArtifactType(parseReferrers(manifest.bytes, context), artifactType);
  }

  /** The same-origin path of a `Link: <…>; rel="next"` header, if any. */
  private nextPage(link: string | string[] | undefined): string | undefined {
    const match = /<([^>]{1,2048})>\s*;\s*rel="?next"?/.exec(firstHeader(link) ?? '');
    if (!match?.[1] || !this.baseUrl) return undefined;
    let next: URL;
    try {
      next = new URL(match[1], this.baseUrl);
    } catch {
      return undefined;
    }
    return next.origin === new URL(this.baseUrl).origin ? `${next.pathname}${next.search}` : undefined;
  }

  /** Releases the client's connections. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  /**
   * Sends an authorised request for a repository. A 401 is retried once with fresh authorisation
   * when that could help (a cached token, or no authorisation sent yet); after that 401 and 403
   * are REGISTRY_AUTH.
   */
  private async request(
    repository: string,
    method: 'GET' | 'HEAD',
    path: string,
    headers: Record<string, string> = {},
  ): Promise<Dispatcher.ResponseData> {
    await this.ping();
    const scope = `repository:${repository}:pull`;
    const url = `${this.baseUrl}${path}`;
    let authorization = await this.authorization(scope);
    const send = (auth: Authorization) =>
      this.transport.send({
        method,
        url,
        headers: auth.header ? { ...headers, authorization: auth.header } : headers,
      });
    let response = await send(authorization);
    if (response.statusCode === 401) {
      const challenges = parseWwwAuthenticate(response.headers['www-authenticate']);
      if (authorization.fromCache || (!authorization.header && challenges.length > 0)) {
        if (challenges.length > 0) this.challenges = challenges;
        this.tokens.delete(this.host, scope);
        authorization = await this.authorization(scope);
        // Without anything new to send, the 401 stands.
        if (authorization.header) {
          await response.body.dump();
          response = await send(authorization);
        }
      }
    }
    if (response.statusCode === 401 || response.statusCode === 403) {
      await response.body.dump();
      const credentials = await this.loadCredentials();
      const status = response.statusCode;
      throw new KeelsonError(
        'REGISTRY_AUTH',
        credentials
          ? `${this.host} rejected the credentials for ${this.registry} (${scope}, HTTP ${status})`
          : `${this.host} requires authentication for ${scope} (HTTP ${status}; some registries answer so ` +
              `for repositories that do not exist) and the docker config has no credentials for ` +
              `${this.registry}; run docker login ${this.registry}`,
        { url: redactUrl(url) },
      );
    }
    return response;
  }

  private async authorization(scope: string): Promise<Authorization> {
    const bearer = this.challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    if (bearer) {
      const cached = this.tokens.get(this.host, scope);
      if (cached) return { header: `Bearer ${cached}`, fromCache: true };
      const credentials = await this.loadCredentials();
      const token = await fetchBearerToken(this.transport, {
        realm: bearer.params.realm!,
        scope,
        ...(bearer.params.service ? { service: bearer.params.service } : {}),
        ...(credentials ? { credentials } : {}),
      });
      this.tokens.set(this.host, scope, token);
      return { header: `Bearer ${token.token}`, fromCache: false };
    }
    if (this.challenges.some((c) => c.scheme === 'basic')) {
      const credentials = await this.loadCredentials();
      if (credentials?.username !== undefined && credentials.password !== undefined) {
        return { header: basicAuthorization(credentials.username, credentials.password), fromCache: false };
      }
    }
    return { fromCache: false };
  }

  /** Credentials are looked up only once a registry asks for them, and then once per client. */
  private loadCredentials(): Promise<RegistryCredentials | undefined> {
    if (this.options.credentials !== undefined) return Promise.resolve(this.options.credentials ?? undefined);
    this.credentials ??= resolveCredentials(this.registry, {
      ...(this.options.dockerConfigDir ? { dockerConfigDir: this.options.dockerConfigDir } : {}),
      ...(this.options.env ? { env: this.options.env } : {}),
    });
    return this.credentials;
  }

  /** Maps a non-2xx status to REGISTRY_NOT_FOUND (404) or REGISTRY_ERROR, with the registry's own words. */
  private async expectSuccess(
    response: Dispatcher.ResponseData,
    context: ErrorContext,
    what: string,
  ): Promise<void> {
    const status = response.statusCode;
    if (status >= 200 && status <= 299) return;
    const detail = await registryErrorDetail(response, context);
    if (status === 404) {
      throw new KeelsonError('REGISTRY_NOT_FOUND', `${what} not found on ${this.host}${detail}`, context);
    }
    throw new KeelsonError(
      'REGISTRY_ERROR',
      `${what}: ${this.host} answered HTTP ${status}${detail}`,
      context,
    );
  }
}

function checkDigest(digest: string): { algorithm: string; hex: string } {
  try {
    return parseDigest(digest);
  } catch {
    throw new KeelsonError(
      'INVALID_REFERENCE',
      `"${digest.slice(0, 200)}" is not a valid sha256 or sha512 digest`,
    );
  }
}

function checkRepository(repository: string): void {
  if (!isValidRepository(repository)) {
    throw new KeelsonError(
      'INVALID_REFERENCE',
      `"${repository.slice(0, 300)}" is not a valid repository name`,
    );
  }
}

/** Validates a manifest reference and says whether it is a digest. */
function checkManifestReference(repository: string, reference: string): boolean {
  checkRepository(repository);
  if (reference.includes(':')) {
    checkDigest(reference);
    return true;
  }
  if (!isValidTag(reference)) {
    throw new KeelsonError('INVALID_REFERENCE', `"${reference.slice(0, 200)}" is neither a tag nor a digest`);
  }
  return false;
}

function checkBlobReference(repository: string, digest: string): { algorithm: string; hex: string } {
  checkRepository(repository);
  return checkDigest(digest);
}

function manifestMediaType(contentType: string | string[] | undefined): string | undefined {
  const type = firstHeader(contentType)?.split(';')[0]?.trim().toLowerCase();
  return type && MANIFEST_MEDIA_TYPES.has(type) ? type : undefined;
}

/** `: CODE: message` from a registry's JSON error body, or '' when there is none. */
async function registryErrorDetail(
  response: Dispatcher.ResponseData,
  context: ErrorContext,
): Promise<string> {
  try {
    const body = await readBody(
      response,
      MAX_ERROR_BODY,
      () => new KeelsonError('REGISTRY_ERROR', 'large'),
      context,
    );
    const parsed = registryErrorsSchema.safeParse(JSON.parse(body.toString('utf8')));
    if (!parsed.success) return '';
    const first = parsed.data.errors[0]!;
    const text = [first.code, first.message].filter(Boolean).join(': ');
    return text ? ` (${text.slice(0, 300)})` : '';
  } catch {
    return '';
  }
}

function parseReferrers(bytes: Buffer, context: ErrorContext): Referrer[] {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new KeelsonError('INVALID_MANIFEST', 'the referrers index is not valid JSON', context);
  }
  const parsed = referrersSchema.safeParse(json);
  if (!parsed.success) {
    throw new KeelsonError('INVALID_MANIFEST', 'the referrers index has no valid manifests list', context);
  }
  return parsed.data.manifests.map((m) => {
    parseDigest(m.digest, context);
    return m;
  });
}

function filterByArtifactType(referrers: Referrer[], artifactType: string | undefined): Referrer[] {
  // Registries may ignore the artifactType query, so filter here as well.
  return artifactType ? referrers.filter((r) => r.artifactType === artifactType) : referrers;
}

/** Fails a blob stream as soon as it carries more bytes than its descriptor declares. */
class SizeLimit extends Transform {
  private seen = 0;

  constructor(
    private readonly limit: number,
    private readonly digest: string,
    private readonly context: ErrorContext,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      callback(
        new KeelsonError(
          'DIGEST_MISMATCH',
          `blob ${this.digest} is longer than the ${this.limit} bytes its descriptor declares`,
          this.context,
        ),
      );
      return;
    }
    callback(null, chunk);
  }
}
