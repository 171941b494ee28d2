/**
 * The normalized advisory model every feed importer produces and the database stores. It is OSV-shaped:
 * an advisory has affected entries, each naming one package in one namespace with version ranges in one
 * scheme and a status. Importers turn vendor formats into this; nothing downstream knows vendor formats.
 */
import type { SchemeName } from '../versioning/types.js';

/** What the vendor says about a package for one vulnerability. */
export type AffectedStatus =
  | 'affected'
  | 'fixed'
  | 'not_affected'
  | 'will_not_fix'
  | 'fix_deferred'
  | 'under_investigation'
  | 'end_of_life';

/** Which of a package's names the entry uses: feeds speak in source/origin names, images in binary names. */
export type NameKind = 'source' | 'origin' | 'binary';

/**
 * One interval of affected versions in the entry's scheme. `introduced` absent or "0" means "from the
 * beginning"; `fixed` is the first unaffected version (exclusive upper bound); `lastAffected` an
 * inclusive upper bound; neither means "no fix yet".
 */
export interface VersionInterval {
  introduced?: string;
  fixed?: string;
  lastAffected?: string;
}

/** A vendor's severity rating (Debian urgency, Ubuntu priority, Photon score…), kept as the vendor wrote it. */
export interface VendorSeverity {
  /** Normalised: critical | high | medium | low | negligible | unknown. */
  level: 'critical' | 'high' | 'medium' | 'low' | 'negligible' | 'unknown';
  /** As the vendor wrote it, e.g. `medium**`, `7.5`. */
  raw?: string;
}

export interface AffectedEntry {
  /**
   * Where the entry applies: `alpine:3.20`, `wolfi`, `chainguard`, `minimos`, `echo`, `debian:12`,
   * `ubuntu:22.04`, `photon:5.0`, `dhi` (pkg:dhi runtimes), `dhi:debian:13`, `dhi:alpine:3.24`,
   * `npm`, `pypi`, `go`, `maven`, `crates.io`, `rubygems`, `nuget`, `packagist`, `hex`, `pub`…
   */
  namespace: string;
  /** Package name, normalized per ecosystem (pypi: PEP 503; maven: `group:artifact`; others as written). */
  packageName: string;
  nameKind: NameKind;
  scheme: SchemeName;
  status: AffectedStatus;
  /** Affected intervals; for status `affected` with no ranges and no versions, every version is affected. */
  ranges: VersionInterval[];
  /** Explicitly listed affected versions (OSV `versions`). */
  versions: string[];
  /** The package URL the feed gave (versionless), when it gave one. */
  purl?: string;
  severity?: VendorSeverity;
  /** Free text from the vendor about this package (Debian notes, Photon `aff_ver`, status notes…). */
  notes?: string;
}

export interface Reference {
  type?: string;
  url: string;
}

/** CVSS or other scored ratings carried by the advisory itself (OSV `severity[]`). */
export interface ScoredSeverity {
  type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4';
  vector: string;
  score?: number;
}

export interface Advisory {
  /** The feed's id: CVE-…, GHSA-…, CGA-…, DHI-…, USN-…, PHSA… */
  id: string;
  /** Other ids for the same vulnerability (OSV `aliases` + `upstream` + `related` CVEs the vendor equates). */
  aliases: string[];
  summary?: string;
  details?: string;
  /** ISO 8601 timestamps when known. */
  published?: string;
  modified?: string;
  withdrawn?: string;
  references: Reference[];
  severities: ScoredSeverity[];
  /** The importer (source) name, e.g. `alpine-secdb`, `debian-tracker`, `osv`. Filled in by the importer. */
  source: string;
  /** Where a person reads this advisory (vendor page), when known. */
  url?: string;
  affected: AffectedEntry[];
}

/** CVSS from NVD: enrichment only, never used to decide whether an OS package is affected. */
export interface CvssRecord {
  cve: string;
  version: '2.0' | '3.0' | '3.1' | '4.0';
  vector: string;
  baseScore: number;
  /** NONE | LOW | MEDIUM | HIGH | CRITICAL */
  baseSeverity: string;
  /** Primary or secondary, and who scored it (e.g. `nvd@nist.gov`). */
  sourceName: string;
  primary: boolean;
}

export interface KevRecord {
  cve: string;
  vendorProject?: string;
  product?: string;
  name?: string;
  dateAdded: string;
  dueDate?: string;
  requiredAction?: string;
  knownRansomwareCampaignUse?: string;
}

export interface EpssRecord {
  cve: string;
  /** 0..1 */
  score: number;
  /** 0..1 */
  percentile: number;
  /** Model date from the CSV header, YYYY-MM-DD, when present. */
  date?: string;
}

/** One input file as an importer sees it: a path (relative, for messages and recognition) and its bytes. */
export interface FeedFile {
  path: string;
  bytes: Buffer;
}

/**
 * Where importers put what they read. `skip` records a malformed record (it never aborts the import);
 * `fail` is for input that is not this feed at all (the whole source then keeps its old data).
 */
export interface ImportSink {
  advisory(advisory: Advisory): void;
  cvss(record: CvssRecord): void;
  kev(record: KevRecord): void;
  epss(record: EpssRecord): void;
  vex(statement: import('../vex/types.js').VexStatement): void;
  /** A malformed record: `where` names file and record (e.g. `main.json: packages[12]`), `why` the problem. */
  skip(where: string, why: string): void;
  /** Free-form metadata about the source (e.g. `debian codenames` map, feed date) for `db status`. */
  meta(key: string, value: string): void;
}

/** Fetches a URL to bytes (the DB updater passes one with retries, limits and a User-Agent). */
export type Fetcher = (url: string) => Promise<Buffer>;

export interface FeedImporter {
  /** Source name used by `db update --source`, `db status` and bundles, e.g. `alpine-secdb`. */
  readonly name: string;
  readonly title: string;
  /** Version of the importer's output; bump when the normalized records it produces change. */
  readonly version: number;
  /** True when this importer can read the file (by path and/or content sniffing); used by `db import`. */
  recognizes(file: FeedFile): boolean;
  /**
   * Reads files into the sink. Throws `KeelsonError('PARSE_ERROR', …)` naming the file when the input is
   * not this feed at all; malformed individual records go to `sink.skip`.
   */
  import(files: AsyncIterable<FeedFile> | Iterable<FeedFile>, sink: ImportSink): Promise<void>;
  /** Downloads the upstream feed (URLs from formats.md), yielding files for `import`. `baseUrl` overrides the host for mirrors/tests. */
  download(fetch: Fetcher, options: { baseUrl?: string }): AsyncIterable<FeedFile>;
}
