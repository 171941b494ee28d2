/**
 * Generic OSV importer for language ecosystems (osv.dev `<Ecosystem>/all.zip`, loose OSV JSON files or
 * folders of them). OS ecosystems (Alpine, Debian, Ubuntu…) and vendor feeds have their own importers.
 */
import { readCentralDirectory, readZipEntry } from '../../../core/zip.js';
import type { SchemeName } from '../../../versioning/types.js';
import type { FeedFile, FeedImporter, Fetcher } from '../../types.js';
import { rebase } from './download.js';
import { head, isZip } from './files.js';
import type { OsvPackage, OsvParseOptions, OsvTarget } from './record.js';
import { importOsvFiles } from './run.js';

export { indexedRecords, rebase } from './download.js';
export {
  DEFAULT_LIMITS,
  type ExpandLimits,
  expandFeedFile,
  type FeedDocument,
  gunzipBounded,
  head,
  isGzip,
  isZip,
  type JsonRead,
  readJson,
} from './files.js';
export {
  type EntrySkip,
  type OsvPackage,
  type OsvParseOptions,
  type OsvParseResult,
  type OsvTarget,
  parseOsvRecord,
  vendorSeverity,
} from './record.js';
export { importOsvFiles, isOsvIndex, looksLikeOsv, mergeAdvisory, OsvImportRun, readMember } from './run.js';

/** PEP 503 normalized name: lowercase, runs of `-`, `_` and `.` become one `-`. */
export function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

interface Ecosystem {
  namespace: string;
  scheme: SchemeName;
  normalize?: (name: string) => string;
}

/** OSV ecosystem → keelson namespace and version scheme. NuGet, Packagist, Hex and Pub use SemVer order for now. */
export const OSV_ECOSYSTEMS: Readonly<Record<string, Ecosystem>> = {
  npm: { namespace: 'npm', scheme: 'npm' },
  PyPI: { namespace: 'pypi', scheme: 'pep440', normalize: pep503 },
  Go: { namespace: 'go', scheme: 'go' },
  Maven: { namespace: 'maven', scheme: 'maven' },
  'crates.io': { namespace: 'crates.io', scheme: 'semver' },
  RubyGems: { namespace: 'rubygems', scheme: 'rubygems' },
  NuGet: { namespace: 'nuget', scheme: 'semver' },
  Packagist: { namespace: 'packagist', scheme: 'semver' },
  Hex: { namespace: 'hex', scheme: 'semver' },
  Pub: { namespace: 'pub', scheme: 'semver' },
};

/** The osv.dev archives `download` fetches. */
export const DEFAULT_OSV_ECOSYSTEMS = [
  'npm',
  'PyPI',
  'Go',
  'Maven',
  'crates.io',
  'RubyGems',
  'NuGet',
  'Packagist',
];

const OSV_DEV = 'https://osv-vulnerabilities.storage.googleapis.com';

/** Where a language package applies; other ecosystems are left out with the reason counted. */
export function languageTarget(pkg: OsvPackage): OsvTarget | string {
  const ecosystem = Object.hasOwn(OSV_ECOSYSTEMS, pkg.ecosystem) ? OSV_ECOSYSTEMS[pkg.ecosystem] : undefined;
  if (!ecosystem) return `ecosystem ${pkg.ecosystem.split(':')[0]} is not read by the osv importer`;
  return {
    namespace: ecosystem.namespace,
    packageName: ecosystem.normalize ? ecosystem.normalize(pkg.name) : pkg.name,
    nameKind: 'binary',
    scheme: ecosystem.scheme,
  };
}

const OSV_OPTIONS: OsvParseOptions = {
  source: 'osv',
  target: languageTarget,
  url: (id) => `https://osv.dev/vulnerability/${encodeURIComponent(id)}`,
};

/** An ecosystem this importer reads, as it appears in a record's text. */
const LANGUAGE_ECOSYSTEM = new RegExp(
  `"ecosystem"\\s*:\\s*"(${Object.keys(OSV_ECOSYSTEMS)
    .map((e) => e.replace('.', '\\.'))
    .join('|')})"`,
);

function looksLikeLanguageOsv(text: string): boolean {
  return /"id"\s*:/.test(text) && LANGUAGE_ECOSYSTEM.test(text);
}

/** The start of the first JSON member of a zip (osv.dev archives are one ecosystem each), if cheap to read. */
function firstZipMember(bytes: Buffer): string | undefined {
  try {
    const entry = readCentralDirectory(bytes).entries.find((e) => /\.json$/i.test(e.name));
    if (!entry || entry.size > 1024 * 1024) return undefined;
    return readZipEntry(bytes, entry).subarray(0, 65536).toString('utf8');
  } catch {
    return undefined;
  }
}

export const importer: FeedImporter = {
  name: 'osv',
  title: 'OSV (osv.dev language ecosystems)',
  version: 1,

  recognizes(file: FeedFile): boolean {
    if (isZip(file.bytes)) {
      const member = /\.zip$/i.test(file.path) ? firstZipMember(file.bytes) : undefined;
      return member !== undefined && looksLikeLanguageOsv(member);
    }
    if (!/\.json$/i.test(file.path) || /\.vex\.json$/i.test(file.path)) return false;
    return looksLikeLanguageOsv(head(file));
  },

  import(files, sink) {
    return importOsvFiles(files, sink, () => OSV_OPTIONS);
  },

  async *download(fetch: Fetcher, options: { baseUrl?: string }) {
    for (const ecosystem of DEFAULT_OSV_ECOSYSTEMS) {
      const url = rebase(`${OSV_DEV}/${encodeURIComponent(ecosystem)}/all.zip`, options.baseUrl);
      yield { path: `${ecosystem}/all.zip`, bytes: await fetch(url) };
    }
  },
};
