/** The Fetcher feed downloads use: retries on 429/5xx and dropped connections, a size cap, a timeout. */
import { KeelsonError } from '../../core/errors.js';
import {
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  type RetryOptions,
  retryDelay,
  retryPolicy,
} from '../../image/registry/retry.js';
import { KEELSON_INFORMATION_URI } from '../../reports/common.js';
import type { Fetcher } from '../types.js';

export interface FetchOptions extends RetryOptions {
  /** Largest body accepted (default 4 GiB: NVD and OSV archives are large, but not that large). */
  maxBytes?: number;
  /** Per-request timeout in milliseconds (default 10 minutes). */
  timeoutMs?: number;
}

const USER_AGENT = `keelson (${KEELSON_INFORMATION_URI})`;

export function httpFetcher(options: FetchOptions = {}): Fetcher {
  const policy = retryPolicy(options);
  const maxBytes = options.maxBytes ?? 4 * 1024 ** 3;
  const timeoutMs = options.timeoutMs ?? 600_000;
  return async (url: string) => {
    for (let attempt = 1; ; attempt++) {
      let retryAfter: number | undefined;
      try {
        const res = await fetch(url, {
          headers: { 'user-agent': USER_AGENT },
          redirect: 'follow',
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.ok) return await readCapped(res, url, maxBytes);
        await res.body?.cancel();
        if (!isRetryableStatus(res.status) || attempt >= policy.attempts)
          throw new KeelsonError('DOWNLOAD_ERROR', `HTTP ${res.status} ${res.statusText}`.trim(), { url });
        retryAfter = parseRetryAfter(res.headers.get('retry-after') ?? undefined);
      } catch (err) {
        if (err instanceof KeelsonError) throw err;
        if (!isRetryableNetworkError(err) || attempt >= policy.attempts)
          throw new KeelsonError(
            'DOWNLOAD_ERROR',
            `download failed: ${(err as Error).message}`,
            { url },
            { cause: err },
          );
      }
      await policy.sleep(retryDelay(policy, attempt, retryAfter));
    }
  };
}

async function readCapped(res: Response, url: string, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes)
    throw new KeelsonError(
      'DOWNLOAD_ERROR',
      `response of ${declared} bytes exceeds the ${maxBytes}-byte limit`,
      { url },
    );
  const chunks: Buffer[] = [];
  let total = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > maxBytes)
      throw new KeelsonError('DOWNLOAD_ERROR', `response exceeds the ${maxBytes}-byte limit`, { url });
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
