/**
 * The import loop shared by OSV-shaped feeds: expands each input file, parses each JSON document as one
 * record (or a list of records), forwards advisories and skips to the sink, and counts what it left out.
 */
import { KeelsonError } from '../../../core/errors.js';
import { isObject, type JsonObject } from '../../../core/json-shape.js';
import type { Advisory, FeedFile, ImportSink } from '../../types.js';
import { type ExpandLimits, expandFeedFile, type FeedDocument, type JsonRead, readJson } from './files.js';
import { type OsvParseOptions, parseOsvRecord } from './record.js';

type Obj = JsonObject;

/** An OSV index (`all.json`): a list of `{id, modified}` pointing at the records, not a record itself. */
export function isOsvIndex(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every((item) => isObject(item) && Object.keys(item).every((k) => k === 'id' || k === 'modified'))
  );
}

/** True when a JSON object is shaped like an OSV record at all (its fields may still be wrong). */
export function looksLikeOsv(value: Obj): boolean {
  return 'id' in value && ('affected' in value || 'schema_version' in value || 'modified' in value);
}

/**
 * Folds a second record with the same id into the first: DHI files one record per component, so one CVE
 * id can come from several files. Entries of a withdrawn copy never revive into a live advisory.
 */
export function mergeAdvisory(into: Advisory, from: Advisory): void {
  if (from.withdrawn && !into.withdrawn) {
    // Only the identifiers of a withdrawn copy carry over.
  } else {
    if (into.withdrawn && !from.withdrawn) {
      into.affected = [];
      delete into.withdrawn;
    } else if (from.withdrawn && into.withdrawn && from.withdrawn > into.withdrawn) {
      into.withdrawn = from.withdrawn;
    }
    const have = new Set(into.affected.map((e) => JSON.stringify(e)));
    for (const entry of from.affected) if (!have.has(JSON.stringify(entry))) into.affected.push(entry);
  }
  for (const alias of from.aliases) if (!into.aliases.includes(alias)) into.aliases.push(alias);
  for (const ref of from.references)
    if (!into.references.some((r) => r.url === ref.url)) into.references.push(ref);
  for (const sev of from.severities) {
    if (!into.severities.some((s) => s.type === sev.type && s.vector === sev.vector))
      into.severities.push(sev);
  }
  if (from.published && (!into.published || from.published < into.published)) into.published = from.published;
  if (from.modified && (!into.modified || from.modified > into.modified)) into.modified = from.modified;
  into.summary ??= from.summary;
  into.details ??= from.details;
}

export class OsvImportRun {
  private readonly seen = new Set<string>();
  /** Advisories held back for merging (`sameId: 'merge'`), emitted by `finish`. */
  private readonly held = new Map<string, Advisory>();
  private readonly ignored = new Map<string, number>();
  private duplicates = 0;
  private advisories = 0;
  private skipped = 0;

  /**
   * `sameId`: what a second record with an id already seen means. `first`: a copy (osv.dev lists a
   * record in the archive of every ecosystem it touches), dropped. `merge`: more of the same advisory.
   */
  constructor(
    private readonly sink: ImportSink,
    private readonly sameId: 'first' | 'merge' = 'first',
  ) {}

  /**
   * One parsed JSON document: a record or a list of records. A loose file that is not OSV at all throws
   * PARSE_ERROR; such an archive member, or a record with bad fields, is skipped with a reason.
   */
  document(value: unknown, doc: FeedDocument, options: OsvParseOptions): void {
    if (isOsvIndex(value)) return;
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) this.record(item, `${doc.path}[${i}]`, options);
      return;
    }
    if (!isObject(value) || !looksLikeOsv(value)) {
      if (doc.member !== undefined) {
        this.skip(doc.path, 'not an OSV record');
        return;
      }
      throw new KeelsonError('PARSE_ERROR', `${doc.path} is not an OSV record`, { file: doc.path });
    }
    this.record(value, doc.path, options);
  }

  skip(where: string, why: string): void {
    this.skipped++;
    this.sink.skip(where, why);
  }

  private record(value: unknown, where: string, options: OsvParseOptions): void {
    const result = parseOsvRecord(value, where, options);
    for (const reason of result.ignored) this.ignored.set(reason, (this.ignored.get(reason) ?? 0) + 1);
    if ('skip' in result) {
      this.skip(where, result.skip);
      return;
    }
    for (const s of result.entrySkips) this.skip(s.where, s.why);
    const id = result.advisory.id;
    if (this.sameId === 'merge') {
      const held = this.held.get(id);
      if (held) {
        mergeAdvisory(held, result.advisory);
        this.duplicates++;
      } else this.held.set(id, result.advisory);
      return;
    }
    if (this.seen.has(id)) {
      this.duplicates++;
      return;
    }
    this.seen.add(id);
    this.advisories++;
    this.sink.advisory(result.advisory);
  }

  /** Writes the counts to the sink's metadata. */
  finish(): void {
    for (const advisory of this.held.values()) {
      this.advisories++;
      this.sink.advisory(advisory);
    }
    this.held.clear();
    this.sink.meta('advisories', String(this.advisories));
    this.sink.meta('skipped', String(this.skipped));
    if (this.duplicates > 0) {
      this.sink.meta(
        this.sameId === 'merge' ? 'merged records' : 'duplicate records',
        String(this.duplicates),
      );
    }
    if (this.ignored.size > 0) {
      const counts = [...this.ignored].sort((a, b) => b[1] - a[1]).map(([why, n]) => `${n}× ${why}`);
      this.sink.meta('entries left out', counts.join('; '));
    }
  }
}

/** True for an archive member (or loose file) that holds an OSV JSON document. */
function isJsonDocument(doc: FeedDocument): boolean {
  return doc.member === undefined || /\.json$/i.test(doc.member);
}

/** `readJson`, except that an archive member that is not JSON is malformed rather than fatal. */
export function readMember(doc: FeedDocument): JsonRead {
  if (doc.member === undefined) return readJson(doc);
  try {
    return readJson(doc);
  } catch {
    return { malformed: 'not JSON' };
  }
}

/**
 * The whole import for a plain OSV feed: every JSON document in every file is one record (or a list).
 * Feeds with more layout (DHI) drive `OsvImportRun` themselves.
 */
export async function importOsvFiles(
  files: AsyncIterable<FeedFile> | Iterable<FeedFile>,
  sink: ImportSink,
  optionsFor: (doc: FeedDocument) => OsvParseOptions,
  limits?: ExpandLimits,
): Promise<void> {
  const run = new OsvImportRun(sink);
  for await (const file of files) {
    for await (const doc of expandFeedFile(file, sink, limits ? { limits } : {})) {
      if (!isJsonDocument(doc)) continue;
      const read = readMember(doc);
      if ('malformed' in read) run.skip(doc.path, read.malformed);
      else run.document(read.value, doc, optionsFor(doc));
    }
  }
  run.finish();
}
