/**
 * Alpine secdb (`https://secdb.alpinelinux.org/<release>/{main,community}.json`), formats.md §4.1.
 * Namespace `alpine:<X.Y>` (or `alpine:edge`), origin package names, apk versions.
 */
import { KeelsonError } from '../../../core/errors.js';
import type { FeedFile, FeedImporter, Fetcher, ImportSink } from '../../types.js';
import { joinUrl, parseError, quote } from '../distro-common.js';
import { importSecdbFile, looksLikeSecdb, type SecdbDocument } from '../secdb-common.js';

const NAME = 'alpine-secdb';
const DEFAULT_BASE = 'https://secdb.alpinelinux.org';
const RELEASE = /^(?:v(\d+\.\d+)|(edge))$/;
// `v3.20/main.json`, `secdb/v3.20/community.json`…
const PATH_RELEASE = /(?:^|[\\/])(v\d+\.\d+|edge)[\\/][^\\/]+\.json$/i;

/** `v3.20` → `3.20`, `edge` → `edge`; undefined for anything else. */
export function alpineRelease(value: string): string | undefined {
  const m = RELEASE.exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * The release a file belongs to. The directory it was served from wins over `distroversion`: upstream
 * files have carried a stale `distroversion` (a `v3.11/community.json` saying `v3.3`, see the trivy
 * fixtures), while the directory is what the server actually publishes per release. `distroversion`
 * is used when the path names no release (a file imported by hand).
 */
export function alpineNamespace(file: FeedFile, doc: SecdbDocument): string | undefined {
  const fromPath = PATH_RELEASE.exec(file.path)?.[1];
  const release =
    (fromPath && alpineRelease(fromPath)) ?? (doc.distroversion && alpineRelease(doc.distroversion));
  return release ? `alpine:${release}` : undefined;
}

/** Release directories (`v3.20/`, `edge/`) linked from the secdb index page. */
export function parseReleaseIndex(html: string): string[] {
  const releases = new Set<string>();
  for (const m of html.matchAll(/href="(v\d+\.\d+|edge)\/"/g)) releases.add(m[1]!);
  return [...releases];
}

/** `main.json`/`community.json` linked from a release directory page. */
function parseRepoIndex(html: string): string[] {
  const repos = new Set<string>();
  for (const m of html.matchAll(/href="(main|community)\.json"/g)) repos.add(`${m[1]!}.json`);
  return [...repos];
}

export const importer: FeedImporter = {
  name: NAME,
  title: 'Alpine Linux secdb',
  version: 1,

  recognizes(file: FeedFile): boolean {
    if (!looksLikeSecdb(file)) return false;
    if (PATH_RELEASE.test(file.path) && !/wolfi|chainguard|mini/i.test(file.path)) return true;
    const text =
      file.bytes.subarray(0, 4096).toString('latin1') + file.bytes.subarray(-4096).toString('latin1');
    return /"distroversion"/.test(text) || /alpinelinux\.org/.test(text);
  },

  async import(files: AsyncIterable<FeedFile> | Iterable<FeedFile>, sink: ImportSink): Promise<void> {
    for await (const file of files) {
      importSecdbFile(
        file,
        NAME,
        (doc) => {
          const namespace = alpineNamespace(file, doc);
          if (!namespace) {
            throw parseError(
              file,
              `cannot tell the Alpine release: no release directory in the path and distroversion is ${
                doc.distroversion === undefined ? 'absent' : quote(doc.distroversion)
              }`,
            );
          }
          return namespace;
        },
        sink,
        (id) => `https://security.alpinelinux.org/vuln/${encodeURIComponent(id)}`,
      );
    }
  },

  async *download(fetch: Fetcher, { baseUrl }: { baseUrl?: string }): AsyncIterable<FeedFile> {
    const base = baseUrl ?? DEFAULT_BASE;
    // The host has no machine-readable release list; its directory index is the list.
    const releases = parseReleaseIndex((await fetch(joinUrl(base, '/'))).toString('utf8'));
    if (releases.length === 0) {
      throw new KeelsonError('PARSE_ERROR', `no release directories found in the secdb index at ${base}`, {
        url: base,
      });
    }
    for (const release of releases) {
      // Each release page lists the repositories it has (not every release has community.json).
      const repos = parseRepoIndex((await fetch(joinUrl(base, `${release}/`))).toString('utf8'));
      for (const repo of repos) {
        const path = `${release}/${repo}`;
        yield { path, bytes: await fetch(joinUrl(base, path)) };
      }
    }
  },
};
