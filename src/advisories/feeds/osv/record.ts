/**
 * One OSV record (ossf/osv-schema) → one normalized Advisory. Shared by every OSV-shaped feed (osv.dev,
 * Chainguard, MinimOS, DHI); each feed says through `target` which ecosystems it covers and how their
 * packages are named. Structural problems (id, affected, ranges, events, versions) skip the entry or
 * the record with a reason; descriptive fields of the wrong type (summary, references…) are dropped.
 */

import { isObject, type JsonObject } from '../../../core/json-shape.js';
import type { SchemeName } from '../../../versioning/types.js';
import type {
  Advisory,
  AffectedEntry,
  NameKind,
  Reference,
  ScoredSeverity,
  VendorSeverity,
  VersionInterval,
} from '../../types.js';

/** `affected[].package` as the record gives it. */
export interface OsvPackage {
  ecosystem: string;
  name: string;
  purl?: string;
}

/** Where one affected package applies in keelson's model. */
export interface OsvTarget {
  namespace: string;
  packageName: string;
  nameKind: NameKind;
  scheme: SchemeName;
}

export interface OsvParseOptions {
  /** The importer name, stored as `Advisory.source`. */
  source: string;
  /** Where a package applies, or why this feed does not cover it (the entry is then left out, not skipped). */
  target(pkg: OsvPackage): OsvTarget | string;
  /** The page where a person reads the advisory. */
  url?(id: string): string | undefined;
  /** Vendor context for one raw `affected[]` object (sub-components, source packages…), kept as notes. */
  notes?(entry: Record<string, unknown>): string | undefined;
}

export interface EntrySkip {
  where: string;
  why: string;
}

export type OsvParseResult =
  | {
      advisory: Advisory;
      /** Malformed or unusable entries that were left out of an otherwise good record. */
      entrySkips: EntrySkip[];
      /** Why entries for packages this feed does not cover were left out (for counting). */
      ignored: string[];
    }
  | { skip: string; ignored: string[] };

const MAX_ID = 256;
const MAX_VERSION = 512;
const MAX_NAME = 1024;
const MAX_SUMMARY = 1024;
const MAX_DETAILS = 100_000;
const RANGE_TYPES = new Set(['ECOSYSTEM', 'SEMVER']);
const SEVERITY_TYPES = new Set<ScoredSeverity['type']>(['CVSS_V2', 'CVSS_V3', 'CVSS_V4']);

type Obj = JsonObject;

class EntryProblem extends Error {}

function optionalText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** A bounded, non-empty string without control characters, else an entry problem naming `path`. */
function token(value: unknown, path: string, max: number): string {
  if (typeof value !== 'string' || value === '') throw new EntryProblem(`${path} is not a non-empty string`);
  if (value.length > max) throw new EntryProblem(`${path} is longer than ${max} characters`);
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new EntryProblem(`${path} contains control characters`);
  return value;
}

/** GHSA's `database_specific.severity` (LOW/MODERATE/HIGH/CRITICAL) and similar vendor words. */
export function vendorSeverity(raw: unknown): VendorSeverity | undefined {
  if (typeof raw !== 'string' || raw === '' || raw.length > 64) return undefined;
  const word = raw.trim().toLowerCase();
  const level: VendorSeverity['level'] =
    word === 'critical'
      ? 'critical'
      : word === 'high' || word === 'important'
        ? 'high'
        : word === 'moderate' || word === 'medium'
          ? 'medium'
          : word === 'low'
            ? 'low'
            : word === 'negligible' || word === 'none'
              ? 'negligible'
              : 'unknown';
  return { level, raw };
}

function scoredSeverities(value: unknown, into: ScoredSeverity[]): void {
  if (!Array.isArray(value)) return;
  for (const item of value) {
    if (!isObject(item) || typeof item.score !== 'string' || item.score.length > 512) continue;
    const type = item.type as ScoredSeverity['type'];
    if (!SEVERITY_TYPES.has(type)) continue;
    if (into.some((s) => s.type === type && s.vector === item.score)) continue;
    into.push({ type, vector: item.score });
  }
}

function references(value: unknown): Reference[] {
  if (!Array.isArray(value)) return [];
  const out: Reference[] = [];
  for (const item of value) {
    if (!isObject(item) || typeof item.url !== 'string' || item.url === '' || item.url.length > 4096)
      continue;
    out.push(typeof item.type === 'string' ? { type: item.type, url: item.url } : { url: item.url });
  }
  return out;
}

function aliasesOf(record: Obj, id: string): string[] {
  const out: string[] = [];
  for (const key of ['aliases', 'upstream']) {
    const list = record[key];
    if (!Array.isArray(list)) continue;
    for (const alias of list) {
      if (typeof alias !== 'string' || alias === '' || alias.length > MAX_ID || alias === id) continue;
      if (!out.includes(alias)) out.push(alias);
    }
  }
  return out;
}

interface Intervals {
  intervals: VersionInterval[];
  /** Intervals written `fixed: "0"`: the vendor's way of saying "not affected". */
  notAffectedMarks: number;
  /** `limit` events read as exclusive upper bounds. */
  limits: string[];
}

/**
 * Pairs a range's events in the order written: `introduced` opens an interval, `fixed`, `last_affected`
 * or `limit` closes it; an `introduced` still open at the end is an open interval. A closing event with
 * nothing open starts from the beginning. A second `introduced` while one is open is redundant.
 */
function readEvents(events: unknown, path: string, into: Intervals): void {
  // An empty list (seen in DHI records) states no interval; the entry may still list versions.
  if (!Array.isArray(events)) throw new EntryProblem(`${path}.events is not an array`);
  let open: VersionInterval | undefined;
  events.forEach((event, e) => {
    const at = `${path}.events[${e}]`;
    if (!isObject(event)) throw new EntryProblem(`${at} is not an object`);
    const keys = Object.keys(event);
    if (keys.length !== 1) throw new EntryProblem(`${at} must have exactly one key, has ${keys.length}`);
    const kind = keys[0]!;
    const version = token(event[kind], `${at}.${kind}`, MAX_VERSION);
    switch (kind) {
      case 'introduced':
        if (!open) open = { introduced: version };
        return;
      case 'fixed':
      case 'last_affected':
      case 'limit': {
        const interval: VersionInterval = open ?? {};
        if (kind === 'last_affected') interval.lastAffected = version;
        else interval.fixed = version;
        if (kind === 'limit') into.limits.push(version);
        if (kind === 'fixed' && version === '0' && (interval.introduced ?? '0') === '0')
          into.notAffectedMarks++;
        else into.intervals.push(interval);
        open = undefined;
        return;
      }
      default:
        throw new EntryProblem(`${at} has unknown event type ${shown(kind)}`);
    }
  });
  if (open) into.intervals.push(open);
}

function readPackage(value: unknown, path: string): OsvPackage | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw new EntryProblem(`${path} is not an object`);
  const ecosystem = token(value.ecosystem, `${path}.ecosystem`, MAX_NAME);
  const name = token(value.name, `${path}.name`, MAX_NAME);
  const purl = value.purl === undefined ? undefined : token(value.purl, `${path}.purl`, MAX_NAME);
  return purl === undefined ? { ecosystem, name } : { ecosystem, name, purl };
}

function readEntry(
  entry: unknown,
  path: string,
  record: Obj,
  options: OsvParseOptions,
): AffectedEntry | { ignored: string } {
  if (!isObject(entry)) throw new EntryProblem(`${path} is not an object`);
  const pkg = readPackage(entry.package, `${path}.package`);
  if (!pkg) return { ignored: 'entry without a package (GIT ranges only)' };
  const target = options.target(pkg);
  if (typeof target === 'string') return { ignored: target };

  const found: Intervals = { intervals: [], notAffectedMarks: 0, limits: [] };
  if (entry.ranges !== undefined) {
    if (!Array.isArray(entry.ranges)) throw new EntryProblem(`${path}.ranges is not an array`);
    entry.ranges.forEach((range, r) => {
      const at = `${path}.ranges[${r}]`;
      if (!isObject(range)) throw new EntryProblem(`${at} is not an object`);
      if (typeof range.type !== 'string') throw new EntryProblem(`${at}.type is not a string`);
      // GIT ranges name commits, which no installed package carries.
      if (RANGE_TYPES.has(range.type)) readEvents(range.events, at, found);
    });
  }
  let versions: string[] = [];
  if (entry.versions !== undefined) {
    if (!Array.isArray(entry.versions)) throw new EntryProblem(`${path}.versions is not an array`);
    versions = entry.versions.map((v, i) => token(v, `${path}.versions[${i}]`, MAX_VERSION));
    versions = [...new Set(versions)];
  }

  let status: AffectedEntry['status'] = 'affected';
  if (found.intervals.length === 0 && versions.length === 0) {
    // An entry that names no versions must not silently mean "every version".
    if (found.notAffectedMarks === 0) {
      throw new EntryProblem(
        `${path} has no ECOSYSTEM/SEMVER ranges and no versions (not read as all versions)`,
      );
    }
    status = 'not_affected';
  }

  const result: AffectedEntry = {
    namespace: target.namespace,
    packageName: target.packageName,
    nameKind: target.nameKind,
    scheme: target.scheme,
    status,
    ranges: found.intervals,
    versions,
  };
  if (pkg.purl) result.purl = pkg.purl;
  const dbSpecific = isObject(entry.database_specific) ? entry.database_specific : undefined;
  const recordSpecific = isObject(record.database_specific) ? record.database_specific : undefined;
  const severity = vendorSeverity(dbSpecific?.severity ?? recordSpecific?.severity);
  if (severity) result.severity = severity;
  const notes: string[] = [];
  if (found.limits.length > 0) notes.push(`limit ${found.limits.join(', ')} read as exclusive upper bound`);
  const vendorNotes = options.notes?.(entry);
  if (vendorNotes) notes.push(vendorNotes);
  if (notes.length > 0) result.notes = notes.join('; ');
  return result;
}

/**
 * Reads one OSV record. `where` names the file (and archive member) for skip messages. Returns the
 * advisory with the entries this feed covers, or why the whole record was skipped.
 */
export function parseOsvRecord(json: unknown, where: string, options: OsvParseOptions): OsvParseResult {
  const ignored: string[] = [];
  if (!isObject(json)) return { skip: 'record is not a JSON object', ignored };
  const id = json.id;
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID || /[\s\u0000-\u001f\u007f]/.test(id)) {
    return { skip: `id ${shown(id)} is not a valid advisory id`, ignored };
  }
  if (!Array.isArray(json.affected)) {
    return {
      skip: `${id}: affected is ${json.affected === undefined ? 'missing' : 'not an array'}`,
      ignored,
    };
  }

  const affected: AffectedEntry[] = [];
  const entrySkips: EntrySkip[] = [];
  json.affected.forEach((entry, i) => {
    const path = `affected[${i}]`;
    try {
      const read = readEntry(entry, path, json, options);
      if ('ignored' in read) ignored.push(read.ignored);
      else affected.push(read);
    } catch (err) {
      if (!(err instanceof EntryProblem)) throw err;
      entrySkips.push({ where: `${where}: ${id} ${path}`, why: err.message });
    }
  });
  if (affected.length === 0) {
    if (entrySkips.length > 0) {
      const more = entrySkips.length > 1 ? ` (and ${entrySkips.length - 1} more)` : '';
      return { skip: `${id}: no usable affected entry: ${entrySkips[0]!.why}${more}`, ignored };
    }
    const why = ignored.length > 0 ? [...new Set(ignored)].join('; ') : 'affected is empty';
    return { skip: `${id}: nothing this feed covers: ${why}`, ignored };
  }

  const severities: ScoredSeverity[] = [];
  scoredSeverities(json.severity, severities);
  for (const entry of json.affected) if (isObject(entry)) scoredSeverities(entry.severity, severities);

  const advisory: Advisory = {
    id,
    aliases: aliasesOf(json, id),
    references: references(json.references),
    severities,
    source: options.source,
    affected,
  };
  const summary = optionalText(json.summary, MAX_SUMMARY);
  if (summary) advisory.summary = summary;
  const details = optionalText(json.details, MAX_DETAILS);
  if (details) advisory.details = details;
  for (const key of ['published', 'modified', 'withdrawn'] as const) {
    const value = optionalText(json[key], 64);
    if (value) advisory[key] = value;
  }
  const url = options.url?.(id);
  if (url) advisory.url = url;
  return { advisory, entrySkips, ignored };
}
