/**
 * Download helpers shared by the feed importers. `baseUrl` (mirrors, tests) replaces the scheme and host
 * of each upstream URL and keeps its path, so one mirror can serve every file of a feed.
 */
import { KeelsonError } from '../../../core/errors.js';
import type { FeedFile, Fetcher } from '../../types.js';

/** `url` with its origin replaced by `baseUrl` (which may carry a path prefix of its own). */
export function rebase(url: string, baseUrl: string | undefined): string {
  if (!baseUrl) return url;
  const parsed = new URL(url);
  return `${baseUrl.replace(/\/+$/, '')}${parsed.pathname}${parsed.search}`;
}

const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * An OSV index (`all.json`: `[{id, modified}]`) then each record it lists, a few at a time. Ids that
 * could not be a file name are refused rather than put into a URL.
 */
export async function* indexedRecords(
  fetch: Fetcher,
  indexUrl: string,
  recordUrl: (id: string) => string,
  concurrency = 8,
): AsyncGenerator<FeedFile> {
  const indexBytes = await fetch(indexUrl);
  let index: unknown;
  try {
    index = JSON.parse(indexBytes.toString('utf8'));
  } catch {
    throw new KeelsonError('PARSE_ERROR', `OSV index ${indexUrl} is not JSON`, { url: indexUrl });
  }
  if (!Array.isArray(index)) {
    throw new KeelsonError('PARSE_ERROR', `OSV index ${indexUrl} is not a list of records`, {
      url: indexUrl,
    });
  }
  const ids: string[] = [];
  for (const item of index) {
    const id = (item as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && RECORD_ID.test(id)) ids.push(id);
  }
  for (let start = 0; start < ids.length; start += concurrency) {
    const batch = ids.slice(start, start + concurrency);
    const bodies = await Promise.all(batch.map((id) => fetch(recordUrl(id))));
    for (let i = 0; i < batch.length; i++) yield { path: `osv/${batch[i]}.json`, bytes: bodies[i]! };
  }
}
