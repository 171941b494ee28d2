/** `keelson db update`: download sources from upstream and rebuild them atomically. */
import { feedImporters, requireFeedImporter } from '../feeds/registry.js';
import type { Fetcher } from '../types.js';
import { httpFetcher } from './fetch.js';
import { type SourceOutcome, updateDatabase } from './writer.js';

export interface UpdateOptions {
  sources?: readonly string[];
  /** Replaces each feed's upstream base URL (a mirror, or a test server); `perSource` wins for its source. */
  baseUrl?: string;
  perSource?: Record<string, string>;
  fetch?: Fetcher;
}

export async function updateFromUpstream(
  dbDir: string,
  options: UpdateOptions = {},
): Promise<SourceOutcome[]> {
  const importers = options.sources?.length ? options.sources.map(requireFeedImporter) : feedImporters;
  const fetch = options.fetch ?? httpFetcher();
  return updateDatabase(
    dbDir,
    importers.map((importer) => {
      const baseUrl = options.perSource?.[importer.name] ?? options.baseUrl;
      return {
        importer,
        files: importer.download(fetch, baseUrl ? { baseUrl } : {}),
        origin: baseUrl ?? 'upstream',
      };
    }),
  );
}
