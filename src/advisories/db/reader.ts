import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { KeelsonError, toKeelsonError } from '../../core/errors.js';
import type { SchemeName } from '../../versioning/types.js';
import type { VexStatement } from '../../vex/types.js';
import type {
  Advisory,
  AffectedEntry,
  AffectedStatus,
  ScoredSeverity,
  VendorSeverity,
  VersionInterval,
} from '../types.js';
import { DB_FILE, SCHEMA_VERSION } from './schema.js';
import { sqlite } from './sqlite.js';
import type { SourceCounts } from './writer.js';

export function defaultDbDir(): string {
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'keelson', 'db');
}

/**
 * An affected entry of a current (not withdrawn) advisory, with what matching needs: the advisory's id and
 * aliases, the entry's status, ranges and versions. The rest (texts, references, CVSS vectors) is read
 * with `details()` only for entries that matched.
 */
export interface AffectedRow
  extends Omit<AffectedEntry, 'nameKind' | 'purl' | 'notes'>,
    Pick<Advisory, 'aliases'> {
  /** The advisory's row id, for `details()`. */
  rid: number;
  source: string;
  advisoryId: string;
}

/** `url`: the advisory's own, else its first reference. */
export type AdvisoryDetails = Pick<Advisory, 'summary' | 'url' | 'published' | 'modified' | 'severities'>;

export interface CvssRow {
  cve: string;
  version: string;
  vector: string;
  score: number;
  severity: string;
  scoredBy: string;
  primary: boolean;
}

export interface KevRow {
  cve: string;
  dateAdded: string;
  dueDate?: string;
  ransomware?: string;
  name?: string;
}

export interface EpssRow {
  cve: string;
  score: number;
  percentile: number;
  date?: string;
}

export interface SourceStatus {
  name: string;
  title: string;
  importerVersion: number;
  updatedAt: string;
  origin: string;
  demo: boolean;
  counts: SourceCounts;
  skipped: number;
  skipExamples: string[];
  meta: Record<string, string>;
}

/** A row of the affected query, in its column order; `entry` is the JSON the writer stores. */
type RawAffected = [rid: number, source: string, packageName: string, entry: string];

type Entry = [
  id: string,
  aliases: string[],
  status: AffectedStatus,
  scheme: SchemeName,
  ranges: VersionInterval[],
  versions: string[],
  severity: VendorSeverity | null,
];

/** Read-only access to the advisory database. */
/** Lookups are batched: one query per chunk of names or ids instead of one per package or CVE. */
const CHUNK = 256;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Enrichment for a set of CVEs: CVSS ratings, EPSS scores and KEV entries, keyed by CVE. */
export interface Enrichment {
  cvss: Map<string, CvssRow[]>;
  epss: Map<string, EpssRow>;
  kev: Map<string, KevRow>;
}

/** Read-only access to the advisory database. */
export class AdvisoryDb {
  private readonly prepared = new Map<string, BetterSqlite3.Statement>();

  private constructor(
    private readonly db: BetterSqlite3.Database,
    readonly path: string,
  ) {}

  /** A statement with `n` placeholders in its IN list, prepared once. */
  private statement(
    kind: string,
    n: number,
    sql: (placeholders: string) => string,
    raw = false,
  ): BetterSqlite3.Statement {
    const key = `${kind}:${n}`;
    let s = this.prepared.get(key);
    if (!s) {
      s = this.db.prepare(sql(new Array(n).fill('?').join(',')));
      if (raw) s.raw(true);
      this.prepared.set(key, s);
    }
    return s;
  }

  /** Opens `<dbDir>/advisories.db`; a missing database is an error that says how to get one. */
  static open(dbDir: string): AdvisoryDb {
    const path = join(dbDir, DB_FILE);
    if (!existsSync(path))
      throw new KeelsonError(
        'NO_DATABASE',
        `no advisory database in ${dbDir} — run \`keelson db update\`, or \`keelson db import FILE\` offline`,
      );
    let db: BetterSqlite3.Database;
    try {
      db = sqlite()(path, { readonly: true, fileMustExist: true });
      // Lookups jump around a large file: map it instead of copying pages through read() calls.
      db.pragma('mmap_size = 2147483648');
      const version = (
        db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
          | { value: string }
          | undefined
      )?.value;
      if (version !== String(SCHEMA_VERSION)) {
        db.close();
        throw new KeelsonError(
          'DATABASE_ERROR',
          `advisory database ${path} has schema version ${version ?? 'none'}, this keelson reads ${SCHEMA_VERSION} — run \`keelson db update\``,
        );
      }
    } catch (err) {
      throw toKeelsonError(err, 'DATABASE_ERROR', { file: path });
    }
    return new AdvisoryDb(db, path);
  }

  close(): void {
    this.db.close();
  }

  /** Every affected entry for a package name in a namespace. */
  affected(namespace: string, packageName: string): AffectedRow[] {
    return this.affectedMany(namespace, [packageName]).get(packageName) ?? [];
  }

  /** Every affected entry for each of `names` in a namespace, by name (names without entries are absent). */
  affectedMany(namespace: string, names: readonly string[]): Map<string, AffectedRow[]> {
    const out = new Map<string, AffectedRow[]>();
    for (const chunk of chunks([...new Set(names)])) {
      // Rows as arrays, not objects: with thousands of rows per scan, per-row object building dominated.
      const rows = this.statement(
        'affected',
        chunk.length,
        (p) =>
          `SELECT advisory, source, package, entry FROM affected
           WHERE namespace = ? AND package IN (${p}) AND withdrawn = 0`,
        true,
      ).all(namespace, ...chunk) as RawAffected[];
      for (const raw of rows) {
        const row = toAffectedRow(namespace, raw);
        const list = out.get(row.packageName);
        if (list) list.push(row);
        else out.set(row.packageName, [row]);
      }
    }
    return out;
  }

  /** True when the database holds at least one entry for the namespace (`alpine:3.11`, `wolfi`…). */
  hasNamespace(namespace: string): boolean {
    return (
      this.statement('namespace', 1, () => 'SELECT 1 FROM affected WHERE namespace = ? LIMIT 1').get(
        namespace,
      ) !== undefined
    );
  }

  /** What a finding shows of its advisory (by row id), read only for the entries that matched. */
  details(rids: readonly number[]): Map<number, AdvisoryDetails> {
    const out = new Map<number, AdvisoryDetails>();
    for (const chunk of chunks([...new Set(rids)])) {
      const rows = this.statement(
        'details',
        chunk.length,
        (p) =>
          `SELECT rid, summary, coalesce(url, json_extract(refs, '$[0].url')), published, modified, severities
           FROM advisories WHERE rid IN (${p})`,
        true,
      ).all(...chunk) as [number, string | null, string | null, string | null, string | null, string][];
      for (const [rid, summary, url, published, modified, severities] of rows)
        out.set(rid, {
          ...(summary ? { summary } : {}),
          ...(url ? { url } : {}),
          ...(published ? { published } : {}),
          ...(modified ? { modified } : {}),
          severities: severities === '[]' ? [] : (JSON.parse(severities) as ScoredSeverity[]),
        });
    }
    return out;
  }

  /** CVSS, EPSS and KEV for a set of CVE ids, in a few queries. */
  enrichment(cves: readonly string[]): Enrichment {
    const result: Enrichment = { cvss: new Map(), epss: new Map(), kev: new Map() };
    for (const chunk of chunks([...new Set(cves)])) {
      const cvss = this.statement('cvss', chunk.length, (p) => `SELECT * FROM cvss WHERE cve IN (${p})`);
      for (const r of cvss.all(...chunk) as Record<string, unknown>[]) {
        const row: CvssRow = {
          cve: String(r.cve),
          version: String(r.version),
          vector: String(r.vector),
          score: Number(r.score),
          severity: String(r.severity),
          scoredBy: String(r.scored_by),
          primary: r.is_primary === 1,
        };
        result.cvss.set(row.cve, [...(result.cvss.get(row.cve) ?? []), row]);
      }
      const epss = this.statement('epss', chunk.length, (p) => `SELECT * FROM epss WHERE cve IN (${p})`);
      for (const r of epss.all(...chunk) as Record<string, unknown>[])
        result.epss.set(String(r.cve), {
          cve: String(r.cve),
          score: Number(r.score),
          percentile: Number(r.percentile),
          ...(r.date ? { date: String(r.date) } : {}),
        });
      const kev = this.statement('kev', chunk.length, (p) => `SELECT * FROM kev WHERE cve IN (${p})`);
      for (const r of kev.all(...chunk) as Record<string, string | null>[])
        result.kev.set(String(r.cve), {
          cve: String(r.cve),
          dateAdded: String(r.date_added),
          ...(r.due_date ? { dueDate: r.due_date } : {}),
          ...(r.ransomware ? { ransomware: r.ransomware } : {}),
          ...(r.name ? { name: r.name } : {}),
        });
    }
    return result;
  }

  /** VEX statements stored by feed importers (e.g. DHI's), with the source that stored them. */
  vexStatements(): { source: string; statement: VexStatement }[] {
    return (
      this.db.prepare('SELECT source, statement FROM vex').all() as { source: string; statement: string }[]
    ).map((r) => ({
      source: r.source,
      statement: JSON.parse(r.statement) as VexStatement,
    }));
  }

  builtAt(): string | undefined {
    return (
      this.db.prepare("SELECT value FROM meta WHERE key = 'built_at'").get() as { value: string } | undefined
    )?.value;
  }

  sources(): SourceStatus[] {
    return (this.db.prepare('SELECT * FROM sources ORDER BY name').all() as Record<string, unknown>[]).map(
      (r) => ({
        name: String(r.name),
        title: String(r.title),
        importerVersion: Number(r.importer_version),
        updatedAt: String(r.updated_at),
        origin: String(r.origin),
        demo: r.demo === 1,
        counts: JSON.parse(String(r.counts)) as SourceCounts,
        skipped: Number(r.skipped),
        skipExamples: JSON.parse(String(r.skip_examples)) as string[],
        meta: JSON.parse(String(r.meta)) as Record<string, string>,
      }),
    );
  }
}

function toAffectedRow(namespace: string, r: RawAffected): AffectedRow {
  const [rid, source, packageName, entry] = r;
  const [id, aliases, status, scheme, ranges, versions, severity] = JSON.parse(entry) as Entry;
  const row: AffectedRow = {
    rid,
    source,
    advisoryId: id,
    aliases,
    namespace,
    packageName,
    scheme,
    status,
    ranges,
    versions,
  };
  if (severity) row.severity = severity;
  return row;
}
