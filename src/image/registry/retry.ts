import { setTimeout as delay } from 'node:timers/promises';

/** How hard to retry transient registry failures (429, 5xx, dropped connections). */
export interface RetryOptions {
  /** Total attempts per request, the first included (default 4). */
  attempts?: number;
  /** First backoff delay in milliseconds; it doubles per attempt (default 500). */
  baseDelayMs?: number;
  /** Upper bound for any single wait, Retry-After included (default 30 000). */
  maxDelayMs?: number;
  /** How to wait; tests pass a recorder so they need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

const MAX_ATTEMPTS = 10;

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const attempts = Math.min(MAX_ATTEMPTS, Math.max(1, Math.floor(options.attempts ?? 4)));
  return {
    attempts,
    baseDelayMs: Math.max(0, options.baseDelayMs ?? 500),
    maxDelayMs: Math.max(0, options.maxDelayMs ?? 30_000),
    sleep: options.sleep ?? ((ms) => delay(ms).then(() => undefined)),
  };
}

/** 429 and 5xx other than 501 (Not Implemented, which will not change on retry). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

const RETRYABLE_ERROR_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The `code` of an error or of the first error in its `cause` chain that has one. */
export function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}

/** Dropped connections and timeouts: worth another try. */
export function isRetryableNetworkError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && RETRYABLE_ERROR_CODES.has(code);
}

/** Milliseconds to wait from a `Retry-After` value (delta-seconds or HTTP-date), or undefined. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^[0-9]{1,10}$/.test(text)) return Number(text) * 1000;
  // An HTTP-date names its weekday and month; bare numbers like "-5" are not dates.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): Retry-After when the server gave
 * one, else exponential backoff with jitter in [half, full]; always capped by maxDelayMs.
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(policy.maxDelayMs, retryAfterMs);
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(backoff / 2 + (random() * backoff) / 2);
}
