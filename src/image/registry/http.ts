import { Agent, type Dispatcher } from 'undici';
import { type ErrorContext, KeelsonError } from '../../core/errors.js';
import {
  errorCode,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  type RetryOptions,
  type RetryPolicy,
  retryDelay,
  retryPolicy,
} from './retry.js';

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: string;
  /** Header names in lower case. */
  headers?: Record<string, string>;
  body?: string;
  /** False for a single attempt (scheme probes); default true. */
  retry?: boolean;
}

export interface TransportOptions {
  /** Used for every request instead of the transport's own agents (tests inject a MockAgent). */
  dispatcher?: Dispatcher;
  /** Hosts (host[:port]) that may be reached over plain HTTP and over HTTPS without verification. */
  insecureHost: (host: string) => boolean;
  retry?: RetryOptions;
  /** Limit for connecting, for the response headers and for each pause in a body (default 60 s). */
  timeoutMs?: number;
}

const MAX_REDIRECTS = 5;
const USER_AGENT = 'keelson';

/** The URL without credentials, query or fragment: safe to show and to put in error context. */
export function redactUrl(url: URL | string): string {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  return `${parsed.origin}${parsed.pathname}`;
}

/** `localhost`, 127.0.0.0/8 and `[::1]`, with or without a port. */
export function isLoopbackHost(host: string): boolean {
  const hostname = hostnameOf(host);
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(hostname);
}

/** Builds the predicate for hosts that may use plain HTTP: loopback plus the listed registries. */
export function insecureHostPolicy(insecureRegistries: string[] = []): (host: string) => boolean {
  const listed = new Set(
    insecureRegistries.map((entry) =>
      entry
        .trim()
        .toLowerCase()
        .replace(/^[a-z]+:\/\//, '')
        .replace(/\/.*$/, ''),
    ),
  );
  return (host) => {
    const lower = host.toLowerCase();
    if (listed.has(lower) || isLoopbackHost(lower)) return true;
    // An entry without a port covers every port of that host.
    return listed.has(hostnameOf(lower));
  };
}

/** The host name without its port (`[::1]:5000` → `[::1]`); the input itself when it is not a host. */
function hostnameOf(host: string): string {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return host;
  }
}

/** TLS handshake and certificate failures, as opposed to unreachable hosts. */
export function isTlsError(err: unknown): boolean {
  const code = errorCode(err);
  return (
    code !== undefined &&
    (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO' || code.includes('CERT'))
  );
}

/** No HTTP response arrived (refused, reset, TLS failure, timeout). */
export class RegistryConnectionError extends KeelsonError {
  readonly tls: boolean;

  constructor(url: URL, cause: unknown, attempts: number) {
    const tls = isTlsError(cause);
    const code = errorCode(cause);
    // OpenSSL messages are long multi-line dumps; the code says the same in one word.
    const message = cause instanceof Error ? (cause.message.split('\n')[0] ?? '') : String(cause);
    const reason = tls
      ? `TLS failed (${code})`
      : `${message}${code && !message.includes(code) ? ` (${code})` : ''}`;
    super(
      'REGISTRY_ERROR',
      `cannot reach ${redactUrl(url)}${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${reason}`,
      { url: redactUrl(url) },
      { cause },
    );
    this.tls = tls;
  }
}

/**
 * Sends registry requests: picks the agent (verified TLS, or unverified for insecure hosts),
 * retries transient failures with backoff, and follows redirects by hand so that credentials
 * never travel to another origin.
 */
export class HttpTransport {
  private readonly injected: Dispatcher | undefined;
  /** Whether a host may be reached over plain HTTP or unverified HTTPS. */
  readonly insecureHost: (host: string) => boolean;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private verifiedAgent: Agent | undefined;
  private unverifiedAgent: Agent | undefined;

  constructor(options: TransportOptions) {
    this.injected = options.dispatcher;
    this.insecureHost = options.insecureHost;
    this.policy = retryPolicy(options.retry);
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** The final response after redirects. Statuses other than redirects and retryable ones are the caller's. */
  async send(request: HttpRequest): Promise<Dispatcher.ResponseData> {
    let method = request.method;
    let body = request.body;
    const headers = { ...request.headers };
    let url = parseUrl(request.url);
    for (let hop = 0; ; hop++) {
      const response = await this.exchange(method, url, headers, body, request.retry !== false);
      if (!isRedirect(response.statusCode)) return response;
      const location = firstHeader(response.headers.location);
      await response.body.dump();
      if (!location) {
        throw new KeelsonError('REGISTRY_ERROR', `redirect without a Location from ${redactUrl(url)}`, {
          url: redactUrl(url),
        });
      }
      if (hop >= MAX_REDIRECTS) {
        throw new KeelsonError('REGISTRY_ERROR', `more than ${MAX_REDIRECTS} redirects from ${request.url}`, {
          url: redactUrl(request.url),
        });
      }
      const next = parseUrl(location, url);
      if (next.protocol === 'http:' && !this.insecureHost(next.host)) {
        throw new KeelsonError(
          'INSECURE_REGISTRY',
          `refusing to follow a redirect from ${redactUrl(url)} to plain-HTTP ${redactUrl(next)}`,
          { url: redactUrl(url) },
        );
      }
      // Credentials are for the registry only; a blob store on another origin must not see them.
      if (next.origin !== url.origin) delete headers.authorization;
      if (response.statusCode === 303 && method === 'POST') {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      url = next;
    }
  }

  private async exchange(
    method: HttpRequest['method'],
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
    retry: boolean,
  ): Promise<Dispatcher.ResponseData> {
    const attempts = retry ? this.policy.attempts : 1;
    for (let attempt = 1; ; attempt++) {
      let response: Dispatcher.ResponseData;
      try {
        response = await this.dispatcherFor(url).request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method,
          headers: { 'user-agent': USER_AGENT, ...headers },
          body: body ?? null,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
      } catch (err) {
        if (attempt < attempts && isRetryableNetworkError(err)) {
          await this.policy.sleep(retryDelay(this.policy, attempt, undefined));
          continue;
        }
        throw new RegistryConnectionError(url, err, attempt);
      }
      if (!retry || !isRetryableStatus(response.statusCode)) return response;
      await response.body.dump();
      if (attempt >= attempts) {
        const what = response.statusCode === 429 ? 'rate limited' : 'server error';
        throw new KeelsonError(
          'REGISTRY_ERROR',
          `${method} ${redactUrl(url)} failed after ${attempts} attempts: HTTP ${response.statusCode} (${what})`,
          { url: redactUrl(url) },
        );
      }
      const retryAfter = parseRetryAfter(response.headers['retry-after']);
      await this.policy.sleep(retryDelay(this.policy, attempt, retryAfter));
    }
  }

  private dispatcherFor(url: URL): Dispatcher {
    if (this.injected) return this.injected;
    const connect = { timeout: this.timeoutMs };
    if (url.protocol === 'https:' && this.insecureHost(url.host)) {
      this.unverifiedAgent ??= new Agent({ connect: { ...connect, rejectUnauthorized: false } });
      return this.unverifiedAgent;
    }
    this.verifiedAgent ??= new Agent({ connect });
    return this.verifiedAgent;
  }

  /** Drops every connection the transport opened (an injected dispatcher belongs to its owner). */
  async close(): Promise<void> {
    const agents = [this.verifiedAgent, this.unverifiedAgent].filter((a): a is Agent => a !== undefined);
    this.verifiedAgent = undefined;
    this.unverifiedAgent = undefined;
    await Promise.all(agents.map((agent) => agent.destroy()));
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function parseUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new KeelsonError('REGISTRY_ERROR', `not a valid URL: ${text.slice(0, 200)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new KeelsonError('REGISTRY_ERROR', `unsupported URL scheme ${url.protocol} in ${redactUrl(url)}`);
  }
  return url;
}

export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Reads a whole response body, refusing more than `maxBytes` (checked against Content-Length first
 * and again while reading, since the header may lie).
 */
export async function readBody(
  response: Dispatcher.ResponseData,
  maxBytes: number,
  tooLarge: () => KeelsonError,
  context: ErrorContext,
): Promise<Buffer> {
  const declared = Number(firstHeader(response.headers['content-length']));
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) {
        response.body.destroy();
        throw tooLarge();
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof KeelsonError) throw err;
    throw new KeelsonError(
      'REGISTRY_ERROR',
      `reading the response from ${context.url ?? 'the registry'} failed: ${(err as Error).message}`,
      context,
      { cause: err },
    );
  }
  return Buffer.concat(chunks);
}
