/**
 * Ubuntu OSV records (`UBUNTU-CVE-…`, `USN-…`), formats.md §4.5 and §5. Ecosystems `Ubuntu:22.04:LTS`,
 * `Ubuntu:Pro:18.04:LTS`, `Ubuntu:25.10` become namespaces `ubuntu:22.04`, `ubuntu:pro:18.04`,
 * `ubuntu:25.10`. Names are source packages, versions dpkg.
 *
 * Input: single `.json` records or a `.zip` of them. download() fetches osv.dev's export of the
 * Ubuntu ecosystem, `https://osv-vulnerabilities.storage.googleapis.com/Ubuntu/all.zip` (built from
 * canonical/ubuntu-security-notices `osv/`; one zip instead of tens of thousands of files).
 *
 * Self-contained on purpose: the generic OSV importer lives in feeds/osv/ and is owned separately.
 */
import { unzipSync } from 'fflate';
import type {
  Advisory,
  AffectedEntry,
  FeedFile,
  FeedImporter,
  Fetcher,
  ImportSink,
  Reference,
  ScoredSeverity,
  VendorSeverity,
  VersionInterval,
} from '../../types.js';
import {
  addAlias,
  clipText,
  describeValue,
  invalidId,
  invalidToken,
  isObject,
  type JsonObject,
  joinUrl,
  newAdvisory,
  parseError,
  parseJsonFile,
  quote,
  sniff,
  wordSeverity,
} from '../distro-common.js';

const NAME = 'ubuntu-osv';
const DEFAULT_BASE = 'https://osv-vulnerabilities.storage.googleapis.com';
/** One record larger than this is not an OSV record (the largest real ones are well under 1 MiB). */
const MAX_RECORD = 16 * 1024 * 1024;
/** Uncompressed bytes inflated at once from a zip; keeps memory flat for the full export. */
const ZIP_BATCH = 64 * 1024 * 1024;
const RELEASE = /^\d{2}\.\d{2}$/;
const LEVEL_ORDER: VendorSeverity['level'][] = ['unknown', 'negligible', 'low', 'medium', 'high', 'critical'];

/** `Ubuntu:Pro:18.04:LTS` → `ubuntu:pro:18.04`; undefined when it is not an Ubuntu ecosystem. */
export function ubuntuNamespace(ecosystem: string): string | undefined {
  const parts = ecosystem.split(':');
  if (parts[0] !== 'Ubuntu' || parts.length < 2 || parts.length > 5) return undefined;
  const rest = parts.slice(1);
  if (rest.at(-1) === 'LTS') rest.pop();
  const release = rest.pop();
  if (!release || !RELEASE.test(release)) return undefined;
  // Qualifiers before the release: `Pro`, and Pro variants such as `FIPS-updates`.
  if (!rest.every((q) => /^[A-Za-z][A-Za-z0-9-]{0,31}$/.test(q))) return undefined;
  return ['ubuntu', ...rest.map((q) => q.toLowerCase()), release].join(':');
}

/** The purl without its version: `pkg:deb/ubuntu/wayland@1.2?arch=source&distro=jammy` → `pkg:deb/ubuntu/wayland?arch=source&distro=jammy`. */
export function versionlessPurl(purl: string): string {
  return purl.replace(/@[^?#]*/, '');
}

/** OSV `events` in order → intervals: each `introduced` opens one, `fixed`/`last_affected` closes it. */
function intervalsOf(events: unknown[]): VersionInterval[] | string {
  const out: VersionInterval[] = [];
  let open: VersionInterval | undefined;
  for (const [i, event] of events.entries()) {
    if (!isObject(event)) return `events[${i}] is ${describeValue(event)}`;
    const [kind, value] = Object.entries(event)[0] ?? [];
    if (kind === 'limit') continue;
    const bad = invalidToken(value, `events[${i}].${kind}`);
    if (bad) return bad;
    const version = value as string;
    if (kind === 'introduced') {
      if (open) out.push(open);
      open = { introduced: version };
    } else if (kind === 'fixed' || kind === 'last_affected') {
      const interval: VersionInterval = open ?? { introduced: '0' };
      if (kind === 'fixed') interval.fixed = version;
      else interval.lastAffected = version;
      out.push(interval);
      open = undefined;
    } else {
      return `events[${i}] has unknown kind ${quote(String(kind), 40)}`;
    }
  }
  if (open) out.push(open);
  return out;
}

function vendorSeverityOf(list: unknown): VendorSeverity | undefined {
  if (!Array.isArray(list)) return undefined;
  let best: VendorSeverity | undefined;
  for (const s of list) {
    if (!isObject(s) || s.type !== 'Ubuntu' || typeof s.score !== 'string') continue;
    const level = wordSeverity(s.score);
    if (!best || LEVEL_ORDER.indexOf(level.level) > LEVEL_ORDER.indexOf(best.level)) best = level;
  }
  return best;
}

function scoredSeverities(list: unknown): ScoredSeverity[] {
  const out: ScoredSeverity[] = [];
  if (!Array.isArray(list)) return out;
  for (const s of list) {
    if (!isObject(s) || typeof s.score !== 'string' || s.score.length > 256) continue;
    if (s.type !== 'CVSS_V2' && s.type !== 'CVSS_V3' && s.type !== 'CVSS_V4') continue;
    if (!out.some((o) => o.type === s.type && o.vector === s.score))
      out.push({ type: s.type, vector: s.score });
  }
  return out;
}

function optionalDate(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 64 && !Number.isNaN(Date.parse(value))
    ? value
    : undefined;
}

/** Severity for one affected entry: its own priority, else the USN's per-CVE ratings, else the record's. */
function entrySeverity(
  affected: JsonObject,
  recordLevel: VendorSeverity | undefined,
): VendorSeverity | undefined {
  const eco = isObject(affected.ecosystem_specific) ? affected.ecosystem_specific : {};
  if (typeof eco.priority === 'string' && eco.priority.trim()) return wordSeverity(eco.priority.trim());
  const db = isObject(affected.database_specific) ? affected.database_specific : {};
  const cves = isObject(db.cves_map) && Array.isArray(db.cves_map.cves) ? db.cves_map.cves : [];
  const fromCves = vendorSeverityOf(
    cves.flatMap((c) => (isObject(c) && Array.isArray(c.severity) ? c.severity : [])),
  );
  return fromCves ?? recordLevel;
}

/** The record-level fields of an OSV record as an Advisory without entries, or why it is not a record. */
function readHeader(doc: unknown): Advisory | string {
  if (!isObject(doc)) return `expected an OSV object, found ${describeValue(doc)}`;
  const badId = invalidId(doc.id);
  if (badId) return badId;
  if (!Array.isArray(doc.affected)) return `affected is ${describeValue(doc.affected)}, not an array`;
  const id = doc.id as string;
  const advisory = newAdvisory(id, NAME);
  for (const key of ['aliases', 'upstream'] as const) {
    const list = doc[key];
    if (Array.isArray(list)) for (const a of list) if (!invalidId(a)) addAlias(advisory, a as string);
  }
  // `related` mixes USNs (not the same vulnerability) with CVEs the vendor equates; keep only the CVEs.
  if (Array.isArray(doc.related)) {
    for (const r of doc.related) {
      if (typeof r === 'string' && r.startsWith('CVE-') && !invalidId(r)) addAlias(advisory, r);
    }
  }
  if (typeof doc.summary === 'string' && doc.summary.trim()) advisory.summary = clipText(doc.summary.trim());
  if (typeof doc.details === 'string' && doc.details.trim()) advisory.details = clipText(doc.details.trim());
  const published = optionalDate(doc.published);
  const modified = optionalDate(doc.modified);
  const withdrawn = optionalDate(doc.withdrawn);
  if (published) advisory.published = published;
  if (modified) advisory.modified = modified;
  if (withdrawn) advisory.withdrawn = withdrawn;
  if (Array.isArray(doc.references)) {
    for (const r of doc.references) {
      if (!isObject(r) || typeof r.url !== 'string' || r.url.length > 2048) continue;
      const ref: Reference = { url: r.url };
      if (typeof r.type === 'string') ref.type = r.type;
      advisory.references.push(ref);
    }
  }
  advisory.severities = scoredSeverities(doc.severity);
  advisory.url = id.startsWith('USN-')
    ? `https://ubuntu.com/security/notices/${id}`
    : `https://ubuntu.com/security/${id.replace(/^UBUNTU-/, '')}`;
  return advisory;
}

/** A problem with one affected entry: `at` is a sub-path below the entry (`.ranges[1]`), when known. */
interface EntryProblem {
  at?: string;
  why: string;
}

/** ECOSYSTEM ranges as intervals, or the problem with the first bad one. */
function readRanges(raw: unknown): VersionInterval[] | EntryProblem {
  if (!Array.isArray(raw)) return { why: `ranges is ${describeValue(raw)}, not an array` };
  const ranges: VersionInterval[] = [];
  for (const [j, range] of raw.entries()) {
    const at = `.ranges[${j}]`;
    if (!isObject(range) || !Array.isArray(range.events)) return { at, why: 'expected {type, events:[…]}' };
    // Ubuntu ranges are ECOSYSTEM (dpkg order); anything else cannot be compared as dpkg.
    if (range.type !== 'ECOSYSTEM')
      return { at, why: `unsupported range type ${quote(String(range.type), 40)}` };
    const intervals = intervalsOf(range.events);
    if (typeof intervals === 'string') return { at, why: intervals };
    ranges.push(...intervals);
  }
  return ranges;
}

/** One `affected[]` element as an entry, or the problem with it. */
function readAffected(
  affected: unknown,
  recordLevel: VendorSeverity | undefined,
): AffectedEntry | EntryProblem {
  if (!isObject(affected) || !isObject(affected.package)) {
    return { why: `expected {package:{ecosystem, name}}, found ${describeValue(affected)}` };
  }
  const { ecosystem, name, purl } = affected.package;
  const namespace = typeof ecosystem === 'string' ? ubuntuNamespace(ecosystem) : undefined;
  if (!namespace) {
    return {
      why: `not an Ubuntu ecosystem: ${typeof ecosystem === 'string' ? quote(ecosystem) : describeValue(ecosystem)}`,
    };
  }
  const badName = invalidToken(name, 'package name');
  if (badName) return { why: badName };
  const ranges = readRanges(affected.ranges ?? []);
  if (!Array.isArray(ranges)) return ranges;
  const rawVersions = affected.versions ?? [];
  if (!Array.isArray(rawVersions)) return { why: `versions is ${describeValue(rawVersions)}, not an array` };
  const versions: string[] = [];
  for (const v of rawVersions) {
    const bad = invalidToken(v, 'version');
    if (bad) return { at: '.versions', why: bad };
    versions.push(v as string);
  }
  if (ranges.length === 0 && versions.length === 0) return { why: 'no ranges and no versions' };

  const closed =
    ranges.length > 0 && ranges.every((r) => r.fixed !== undefined || r.lastAffected !== undefined);
  const entry: AffectedEntry = {
    namespace,
    packageName: name as string,
    nameKind: 'source',
    scheme: 'dpkg',
    status: closed && ranges.some((r) => r.fixed !== undefined) ? 'fixed' : 'affected',
    ranges,
    versions,
  };
  if (typeof purl === 'string' && purl.startsWith('pkg:deb/') && purl.length <= 1024) {
    entry.purl = versionlessPurl(purl);
  }
  const severity = entrySeverity(affected, recordLevel);
  if (severity) entry.severity = severity;
  const eco = isObject(affected.ecosystem_specific) ? affected.ecosystem_specific : {};
  // "Available with Ubuntu Pro (Infra-only)…": tells the user why a fix may not be installable.
  if (typeof eco.availability === 'string' && eco.availability.trim()) {
    entry.notes = clipText(eco.availability.trim());
  }
  return entry;
}

/** Converts one Ubuntu OSV record; malformed affected entries are skipped, as is a record without id/affected. */
export function importRecord(doc: unknown, where: string, sink: ImportSink): void {
  const advisory = readHeader(doc);
  if (typeof advisory === 'string') {
    sink.skip(where, advisory);
    return;
  }
  const recordLevel = vendorSeverityOf((doc as JsonObject).severity);
  for (const [i, affected] of ((doc as JsonObject).affected as unknown[]).entries()) {
    const entry = readAffected(affected, recordLevel);
    if ('why' in entry) sink.skip(`${where}: affected[${i}]${entry.at ?? ''}`, entry.why);
    else advisory.affected.push(entry);
  }
  if (advisory.affected.length) sink.advisory(advisory);
}

function isZip(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
}

function importZip(file: FeedFile, sink: ImportSink): void {
  const data = new Uint8Array(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
  // First pass lists entries without inflating anything; later passes inflate one bounded batch each.
  const entries: { name: string; size: number }[] = [];
  try {
    unzipSync(data, {
      filter: (f) => {
        if (!f.name.endsWith('/')) entries.push({ name: f.name, size: f.originalSize });
        return false;
      },
    });
  } catch (err) {
    throw parseError(
      file,
      `not a zip of Ubuntu OSV records: ${err instanceof Error ? err.message : String(err)}`,
      err,
    );
  }
  const wanted: { name: string; size: number }[] = [];
  for (const entry of entries) {
    const where = `${file.path}: ${quote(entry.name, 120)}`;
    if (!entry.name.toLowerCase().endsWith('.json')) continue;
    if (entry.size > MAX_RECORD) sink.skip(where, `record too large (${entry.size} bytes uncompressed)`);
    else wanted.push(entry);
  }
  for (let start = 0; start < wanted.length; ) {
    const batch = new Set<string>();
    let bytes = 0;
    for (; start < wanted.length && (batch.size === 0 || bytes + wanted[start]!.size <= ZIP_BATCH); start++) {
      batch.add(wanted[start]!.name);
      bytes += wanted[start]!.size;
    }
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(data, { filter: (f) => batch.has(f.name) });
    } catch (err) {
      throw parseError(file, `corrupt zip: ${err instanceof Error ? err.message : String(err)}`, err);
    }
    for (const name of batch) {
      const where = `${file.path}: ${quote(name, 120)}`;
      const content = files[name];
      if (!content) continue;
      let doc: unknown;
      try {
        doc = JSON.parse(
          Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8'),
        );
      } catch (err) {
        // Inside the export one bad record is a malformed record, not a wrong feed.
        sink.skip(where, `invalid JSON: ${(err instanceof Error ? err.message : String(err)).slice(0, 200)}`);
        continue;
      }
      importRecord(doc, where, sink);
    }
  }
}

export const importer: FeedImporter = {
  name: NAME,
  title: 'Ubuntu OSV',
  version: 1,

  recognizes(file: FeedFile): boolean {
    if (isZip(file.bytes)) return /ubuntu/i.test(file.path) && /\.zip$/i.test(file.path);
    if (!/\.json$/i.test(file.path)) return false;
    const { head } = sniff(file.bytes);
    return (
      /"id"\s*:\s*"(UBUNTU-CVE-|USN-)/.test(head) ||
      /"ecosystem"\s*:\s*"Ubuntu:/.test(sniff(file.bytes, 65536).head)
    );
  },

  async import(files: AsyncIterable<FeedFile> | Iterable<FeedFile>, sink: ImportSink): Promise<void> {
    for await (const file of files) {
      if (isZip(file.bytes)) {
        importZip(file, sink);
        continue;
      }
      const doc = parseJsonFile(file, 'Ubuntu OSV');
      if (!isObject(doc) || typeof doc.id !== 'string' || !('affected' in doc)) {
        throw parseError(
          file,
          `not an OSV record: expected an object with id and affected, found ${describeValue(doc)}`,
        );
      }
      importRecord(doc, file.path, sink);
    }
  },

  async *download(fetch: Fetcher, { baseUrl }: { baseUrl?: string }): AsyncIterable<FeedFile> {
    yield { path: 'ubuntu-all.zip', bytes: await fetch(joinUrl(baseUrl ?? DEFAULT_BASE, 'Ubuntu/all.zip')) };
  },
};
