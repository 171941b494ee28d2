import { z } from 'zod';
import { KeelsonError } from '../../core/errors.js';
import type { RegistryCredentials } from './credentials.js';
import { type HttpTransport, readBody, redactUrl } from './http.js';

/** One challenge of a `WWW-Authenticate` header; scheme and parameter names in lower case. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

const MAX_HEADER_LENGTH = 16 * 1024;
const TOKEN_CHARS = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;

/**
 * Parses `WWW-Authenticate` (RFC 9110 §11.6.1): one or more `scheme param=value, …` challenges,
 * values as tokens or quoted strings (which may hold commas and backslash escapes).
 */
export function parseWwwAuthenticate(header: string | string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const text = (Array.isArray(header) ? header.join(', ') : header).slice(0, MAX_HEADER_LENGTH);
  const challenges: AuthChallenge[] = [];
  let current: AuthChallenge | undefined;
  let i = 0;

  const skipSpaces = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  const readToken = (): string | undefined => {
    TOKEN_CHARS.lastIndex = i;
    const match = TOKEN_CHARS.exec(text);
    if (!match) return undefined;
    i += match[0].length;
    return match[0];
  };
  const readQuoted = (): string => {
    let value = '';
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      value += text[i];
      i++;
    }
    i++; // closing quote
    return value;
  };

  while (i < text.length) {
    while (text[i] === ',' || text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length) break;
    const token = readToken();
    if (token === undefined) {
      i++; // not a token character: skip it
      continue;
    }
    skipSpaces();
    if (text[i] === '=' && current) {
      i++;
      skipSpaces();
      current.params[token.toLowerCase()] = text[i] === '"' ? readQuoted() : (readToken() ?? '');
    } else {
      current = { scheme: token.toLowerCase(), params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}

export interface BearerToken {
  token: string;
  /** Epoch milliseconds after which the token must not be used. */
  expiresAt: number;
}

const MAX_CACHED_TOKENS = 1000;

/** Bearer tokens keyed by registry host and scope, dropped when they expire. */
export class TokenCache {
  private readonly entries = new Map<string, BearerToken>();

  get(host: string, scope: string, now = Date.now()): string | undefined {
    const key = `${host} ${scope}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.token;
  }

  set(host: string, scope: string, token: BearerToken): void {
    if (this.entries.size >= MAX_CACHED_TOKENS) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(`${host} ${scope}`, token);
  }

  delete(host: string, scope: string): void {
    this.entries.delete(`${host} ${scope}`);
  }
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

const tokenResponseSchema = z.object({
  token: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
});

const MAX_TOKEN_RESPONSE = 1024 * 1024;
// The distribution token spec: tokens without expires_in last 60 s, and no less is assumed.
const MIN_TOKEN_LIFETIME_S = 60;
// Renew a little early so a token does not expire between the check and the request.
const EXPIRY_MARGIN_MS = 5_000;
const OAUTH_CLIENT_ID = 'keelson';

export interface TokenRequest {
  /** `realm` of the Bearer challenge. */
  realm: string;
  service?: string;
  /** e.g. `repository:library/alpine:pull`. */
  scope: string;
  credentials?: RegistryCredentials;
}

/**
 * Gets a bearer token from the challenge's realm: an OAuth2 refresh-token POST with an identity
 * token, else a GET with Basic credentials when known, else an anonymous GET.
 */
export async function fetchBearerToken(
  transport: HttpTransport,
  request: TokenRequest,
  now: () => number = Date.now,
): Promise<BearerToken> {
  const realm = parseRealm(request.realm, transport);
  const context = { url: redactUrl(realm) };
  const { credentials } = request;
  let response: Awaited<ReturnType<HttpTransport['send']>>;
  if (credentials?.identityToken) {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: OAUTH_CLIENT_ID,
      refresh_token: credentials.identityToken,
      scope: request.scope,
      ...(request.service ? { service: request.service } : {}),
    });
    response = await transport.send({
      method: 'POST',
      url: realm.href,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  } else {
    if (request.service) realm.searchParams.set('service', request.service);
    realm.searchParams.set('scope', request.scope);
    const basic = credentials?.username !== undefined && credentials.password !== undefined;
    if (basic) realm.searchParams.set('account', credentials.username!);
    response = await transport.send({
      method: 'GET',
      url: realm.href,
      headers: basic
        ? { authorization: basicAuthorization(credentials.username!, credentials.password!) }
        : {},
    });
  }

  if (response.statusCode === 401 || response.statusCode === 403) {
    await response.body.dump();
    throw new KeelsonError(
      'REGISTRY_AUTH',
      credentials
        ? `the token service ${context.url} rejected the credentials for ${request.scope} (HTTP ${response.statusCode})`
        : `the token service ${context.url} refused anonymous access to ${request.scope} (HTTP ${response.statusCode}); log in with docker login`,
      context,
    );
  }
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new KeelsonError(
      'REGISTRY_ERROR',
      `the token service ${context.url} answered HTTP ${response.statusCode}`,
      context,
    );
  }
  const body = await readBody(
    response,
    MAX_TOKEN_RESPONSE,
    () =>
      new KeelsonError(
        'REGISTRY_ERROR',
        `the token response from ${context.url} is larger than 1 MiB`,
        context,
      ),
    context,
  );
  let parsed: z.infer<typeof tokenResponseSchema>;
  try {
    parsed = tokenResponseSchema.parse(JSON.parse(body.toString('utf8')));
  } catch {
    throw new KeelsonError(
      'REGISTRY_ERROR',
      `the token response from ${context.url} is not valid JSON`,
      context,
    );
  }
  const token = parsed.token || parsed.access_token;
  if (!token || !/^[\x21-\x7e]+$/.test(token)) {
    throw new KeelsonError(
      'REGISTRY_AUTH',
      `the token service ${context.url} returned no usable token`,
      context,
    );
  }
  const lifetimeS = Math.max(MIN_TOKEN_LIFETIME_S, parsed.expires_in ?? 0);
  return { token, expiresAt: now() + lifetimeS * 1000 - EXPIRY_MARGIN_MS };
}

/** The realm must be HTTPS, or plain HTTP on a host the user allowed: credentials may go there. */
function parseRealm(realm: string, transport: HttpTransport): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new KeelsonError(
      'REGISTRY_AUTH',
      `the Bearer challenge's realm "${realm.slice(0, 200)}" is not a URL`,
    );
  }
  const allowed = url.protocol === 'https:' || (url.protocol === 'http:' && transport.insecureHost(url.host));
  if (!allowed || url.username || url.password) {
    throw new KeelsonError(
      'REGISTRY_AUTH',
      `refusing the token realm ${redactUrl(url)}: it must be an https URL without credentials`,
      { url: redactUrl(url) },
    );
  }
  return url;
}
