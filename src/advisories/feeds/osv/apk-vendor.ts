/**
 * OSV feeds of apk-based hardened distributions (Chainguard/Wolfi, MinimOS): the same record shape,
 * packages named by their origin (source) package, apk version order, `fixed: "0"` for "not affected".
 */
import type { FeedFile, FeedImporter, Fetcher } from '../../types.js';
import { head } from './files.js';
import type { OsvPackage, OsvParseOptions, OsvTarget } from './record.js';
import { importOsvFiles } from './run.js';

export interface ApkVendorFeed {
  name: string;
  title: string;
  /** OSV ecosystem → keelson namespace. */
  namespaces: Readonly<Record<string, string>>;
  /** Pattern of the feed's own advisory ids, for `recognizes`. */
  idPattern: RegExp;
  url?: (id: string) => string;
  download(fetch: Fetcher, options: { baseUrl?: string }): AsyncIterable<FeedFile>;
}

const MAX_COMPONENTS_NOTED = 20;

/** `ecosystem_specific.components[]` (the sub-components an advisory is really about), as one line. */
export function componentNotes(entry: Record<string, unknown>): string | undefined {
  const specific = entry.ecosystem_specific;
  if (specific === null || typeof specific !== 'object') return undefined;
  const components = (specific as { components?: unknown }).components;
  if (!Array.isArray(components) || components.length === 0) return undefined;
  const names: string[] = [];
  for (const c of components) {
    if (typeof c === 'string') names.push(c);
    else if (c !== null && typeof c === 'object') {
      const { purl, name, version } = c as Record<string, unknown>;
      if (typeof purl === 'string') names.push(purl);
      else if (typeof name === 'string')
        names.push(typeof version === 'string' ? `${name}@${version}` : name);
    }
  }
  if (names.length === 0) return undefined;
  const shown = names.slice(0, MAX_COMPONENTS_NOTED).map((n) => (n.length > 200 ? `${n.slice(0, 200)}…` : n));
  const more = names.length > shown.length ? ` (+${names.length - shown.length} more)` : '';
  return `components: ${shown.join(', ')}${more}`;
}

export function apkVendorImporter(feed: ApkVendorFeed): FeedImporter {
  const target = (pkg: OsvPackage): OsvTarget | string => {
    const namespace = Object.hasOwn(feed.namespaces, pkg.ecosystem)
      ? feed.namespaces[pkg.ecosystem]
      : undefined;
    if (!namespace) return `ecosystem ${pkg.ecosystem} is not read by ${feed.name}`;
    return { namespace, packageName: pkg.name, nameKind: 'origin', scheme: 'apk' };
  };
  const options: OsvParseOptions = { source: feed.name, target, notes: componentNotes };
  if (feed.url) options.url = feed.url;
  const ecosystems = Object.keys(feed.namespaces).join('|');
  const ecosystemSniff = new RegExp(`"ecosystem"\\s*:\\s*"(${ecosystems})"`);

  return {
    name: feed.name,
    title: feed.title,
    version: 1,
    recognizes(file) {
      if (!/\.json$/i.test(file.path) || /\.vex\.json$/i.test(file.path)) return false;
      const text = head(file);
      return ecosystemSniff.test(text) || feed.idPattern.test(text);
    },
    import(files, sink) {
      return importOsvFiles(files, sink, () => options);
    },
    download: feed.download,
  };
}
