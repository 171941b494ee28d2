/**
 * Small pieces the distro feed importers (secdb family, Photon, Debian, Ubuntu, Echo) share: strict JSON
 * loading that names the file, record-field checks that turn hostile values into skip reasons, and the
 * Advisory skeleton. Pure code: no I/O.
 */
import { KeelsonError } from '../../core/errors.js';
import { describeValue, isObject, type JsonObject, parseJsonText } from '../../core/json-shape.js';
import type { Advisory, FeedFile, ImportSink, VendorSeverity } from '../types.js';

/** Longest id, package name or version we accept; longer values are malformed records, not data. */
export const MAX_TOKEN = 512;
/** Free text (descriptions, notes) is cut here so one hostile record cannot bloat the database. */
export const MAX_TEXT = 64 * 1024;

// Re-exported so the importers take all their JSON helpers from here.
export { describeValue, isObject, type JsonObject } from '../../core/json-shape.js';

/** A value quoted for a message, shortened so a 10 MB string does not end up in a log line. */
export function quote(value: string, max = 80): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

export function parseError(file: FeedFile, message: string, cause?: unknown): KeelsonError {
  return new KeelsonError('PARSE_ERROR', `${file.path}: ${message}`, { file: file.path }, { cause });
}

/** Parses a whole feed file; anything that is not JSON is a PARSE_ERROR naming the file and feed. */
export function parseJsonFile(file: FeedFile, feed: string): unknown {
  let text: string;
  try {
    text = file.bytes.toString('utf8');
  } catch (err) {
    // Buffers past V8's string limit cannot be decoded at all.
    throw parseError(file, `not a ${feed} file: too large to read (${file.bytes.length} bytes)`, err);
  }
  const parsed = parseJsonText(text);
  if ('value' in parsed) return parsed.value;
  const { message, cause } = parsed.problem;
  throw parseError(file, `not a ${feed} file: invalid JSON (${message.slice(0, 200)})`, cause);
}

/** The first and last few KiB of a file as text, for cheap content sniffing in `recognizes`. */
export function sniff(bytes: Buffer, size = 4096): { head: string; tail: string } {
  const head = bytes.subarray(0, size).toString('latin1');
  const tail =
    bytes.length > size ? bytes.subarray(Math.max(size, bytes.length - size)).toString('latin1') : '';
  return { head, tail };
}

export function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

/** `base` + `/` + `path` without doubled slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

// Vendor ids: CVE-…, GHSA-…, TEMP-…, BDSA-…, UNK-1, XSA-123, USN-1234-1, UBUNTU-CVE-…
const ID = /^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9._]+)+$/;
const CVE = /^CVE-\d{4}-\d{4,}$/;

/** Why `id` is not a vulnerability id we accept, or undefined when it is. */
export function invalidId(id: unknown): string | undefined {
  if (typeof id !== 'string') return `id is ${describeValue(id)}, not a string`;
  if (id === '') return 'empty id';
  if (id.length > 128) return `id too long (${id.length} characters)`;
  if (!ID.test(id)) return `invalid id ${quote(id)}`;
  if (id.toUpperCase().startsWith('CVE-') && !CVE.test(id)) return `invalid CVE id ${quote(id)}`;
  return undefined;
}

/** Why `value` is not a usable package name or version, or undefined when it is. */
export function invalidToken(value: unknown, what: string): string | undefined {
  if (typeof value !== 'string') return `${what} is ${describeValue(value)}, not a string`;
  if (value.trim() === '') return `empty ${what}`;
  if (value.length > MAX_TOKEN) return `${what} too long (${value.length} characters)`;
  if (/[\s\u0000-\u001f]/.test(value))
    return `${what} contains whitespace or control characters: ${quote(value)}`;
  return undefined;
}

/** One usable record of a package → vulnerability id → record map; `at` locates it for skip messages. */
export interface PackageVulnRecord {
  pkg: string;
  id: string;
  record: JsonObject;
  at: string;
}

/**
 * The records of a `{<package>:{<vulnerability id>:{…}}}` document (Debian tracker, Echo), in document
 * order. Unusable package names (`nameWhat` names them in the reason), ids and records are skipped with
 * a reason on `sink` as they are reached.
 */
export function* packageVulnRecords(
  file: FeedFile,
  doc: JsonObject,
  sink: ImportSink,
  nameWhat: string,
): Generator<PackageVulnRecord> {
  for (const [pkg, cves] of Object.entries(doc)) {
    const where = `${file.path}: ${quote(pkg, 60)}`;
    const badPkg = invalidToken(pkg, nameWhat);
    if (badPkg) {
      sink.skip(where, badPkg);
      continue;
    }
    if (!isObject(cves)) {
      sink.skip(where, `expected an object of vulnerabilities, found ${describeValue(cves)}`);
      continue;
    }
    for (const [id, record] of Object.entries(cves)) {
      const at = `${where}.${quote(id, 60)}`;
      const badId = invalidId(id);
      if (badId) {
        sink.skip(at, badId);
        continue;
      }
      if (!isObject(record)) {
        sink.skip(at, `expected an object, found ${describeValue(record)}`);
        continue;
      }
      yield { pkg, id, record, at };
    }
  }
}

export function clipText(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

export function newAdvisory(id: string, source: string): Advisory {
  return { id, aliases: [], references: [], severities: [], source, affected: [] };
}

export function addAlias(advisory: Advisory, alias: string): void {
  if (alias !== advisory.id && !advisory.aliases.includes(alias)) advisory.aliases.push(alias);
}

/** Advisories grouped by id in first-seen order, so one vulnerability yields one record per import. */
export class AdvisoryGroups {
  private readonly byId = new Map<string, Advisory>();
  constructor(private readonly source: string) {}

  get(id: string): Advisory {
    let advisory = this.byId.get(id);
    if (!advisory) {
      advisory = newAdvisory(id, this.source);
      this.byId.set(id, advisory);
    }
    return advisory;
  }

  get size(): number {
    return this.byId.size;
  }

  values(): IterableIterator<Advisory> {
    return this.byId.values();
  }
}

const LEVELS = new Map<string, VendorSeverity['level']>(
  Object.entries({
    critical: 'critical',
    high: 'high',
    important: 'high',
    medium: 'medium',
    moderate: 'medium',
    low: 'low',
    negligible: 'negligible',
    unimportant: 'negligible',
  }) as [string, VendorSeverity['level']][],
);

/** A vendor's word rating (`high`, `medium**`, `Unimportant`…) normalised; unknown words map to `unknown`. */
export function wordSeverity(raw: string): VendorSeverity {
  const word = raw.replace(/\*+$/, '').trim().toLowerCase();
  return { level: LEVELS.get(word) ?? 'unknown', raw: raw.slice(0, 64) };
}

/** A CVSS-like 0–10 score as a vendor severity (≥9 critical, ≥7 high, ≥4 medium, >0 low). */
export function scoreSeverity(score: number, raw: string): VendorSeverity {
  const level: VendorSeverity['level'] =
    !Number.isFinite(score) || score <= 0 || score > 10
      ? 'unknown'
      : score >= 9
        ? 'critical'
        : score >= 7
          ? 'high'
          : score >= 4
            ? 'medium'
            : 'low';
  return { level, raw: raw.slice(0, 64) };
}
