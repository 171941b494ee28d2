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
  NameKind,
  Reference,
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

/** An affected entry joined with its advisory: what the matcher works from. */
export interface AffectedRow
  extends AffectedEntry,
    Pick<
      Advisory,
      'aliases' | 'summary' | 'url' | 'published' | 'modified' | 'withdrawn' | 'references' | 'severities'
    > {
  source: string;
  advisoryId: string;
}

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

interface RawAffected {
  source: string;
  id: string;
  aliases: string;
  summary: string | null;
  url: string | null;
  published: string | null;
  modified: string | null;
  withdrawn: string | null;
  refs: string;
  severities: string;
  namespace: string;
  package: string;
  name_kind: string;
  scheme: string;
  status: string;
  ranges: string;
  versions: string;
  purl: string | null;
  severity: string | null;
  notes: string | null;
}

/** Read-only access to the advisory database. */
export class AdvisoryDb {
  private readonly statements: {
    affected: BetterSqlite3.Statement;
    cvss: BetterSqlite3.Statement;
    kev: BetterSqlite3.Statement;
    epss: BetterSqlite3.Statement;
    vexAll: BetterSqlite3.Statement;
  };

  private constructor(
    private readonly db: BetterSqlite3.Database,
    readonly path: string,
  ) {
    this.statements = {
      affected: db.prepare(
        `SELECT a.source, a.id, a.aliases, a.summary, a.url, a.published, a.modified, a.withdrawn, a.refs, a.severities,
                f.namespace, f.package, f.name_kind, f.scheme, f.status, f.ranges, f.versions, f.purl, f.severity, f.notes
         FROM affected f JOIN advisories a ON a.rid = f.advisory
         WHERE f.namespace = ? AND f.package = ?`,
      ),
      cvss: db.prepare('SELECT * FROM cvss WHERE cve = ?'),
      kev: db.prepare('SELECT * FROM kev WHERE cve = ?'),
      epss: db.prepare('SELECT * FROM epss WHERE cve = ?'),
      vexAll: db.prepare('SELECT source, statement FROM vex'),
    };
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
    return (this.statements.affected.all(namespace, packageName) as RawAffected[]).map(toAffectedRow);
  }

  cvss(cve: string): CvssRow[] {
    return (this.statements.cvss.all(cve) as Record<string, unknown>[]).map((r) => ({
      cve: String(r.cve),
      version: String(r.version),
      vector: String(r.vector),
      score: Number(r.score),
      severity: String(r.severity),
      scoredBy: String(r.scored_by),
      primary: r.is_primary === 1,
    }));
  }

  kev(cve: string): KevRow | undefined {
    const r = this.statements.kev.get(cve) as Record<string, string | null> | undefined;
    if (!r) return undefined;
    return {
      cve,
      dateAdded: String(r.date_added),
      ...(r.due_date ? { dueDate: r.due_date } : {}),
      ...(r.ransomware ? { ransomware: r.ransomware } : {}),
      ...(r.name ? { name: r.name } : {}),
    };
  }

  epss(cve: string): EpssRow | undefined {
    const r = this.statements.epss.get(cve) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    return {
      cve,
      score: Number(r.score),
      percentile: Number(r.percentile),
      ...(r.date ? { date: String(r.date) } : {}),
    };
  }

  /** VEX statements stored by feed importers (e.g. DHI's), with the source that stored them. */
  vexStatements(): { source: string; statement: VexStatement }[] {
    return (this.statements.vexAll.all() as { source: string; statement: string }[]).map((r) => ({
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

function toAffectedRow(r: RawAffected): AffectedRow {
  return {
    source: r.source,
    advisoryId: r.id,
    aliases: JSON.parse(r.aliases) as string[],
    ...(r.summary ? { summary: r.summary } : {}),
    ...(r.url ? { url: r.url } : {}),
    ...(r.published ? { published: r.published } : {}),
    ...(r.modified ? { modified: r.modified } : {}),
    ...(r.withdrawn ? { withdrawn: r.withdrawn } : {}),
    references: JSON.parse(r.refs) as Reference[],
    severities: JSON.parse(r.severities) as ScoredSeverity[],
    namespace: r.namespace,
    packageName: r.package,
    nameKind: r.name_kind as NameKind,
    scheme: r.scheme as SchemeName,
    status: r.status as AffectedStatus,
    ranges: JSON.parse(r.ranges) as VersionInterval[],
    versions: JSON.parse(r.versions) as string[],
    ...(r.purl ? { purl: r.purl } : {}),
    ...(r.severity ? { severity: JSON.parse(r.severity) as VendorSeverity } : {}),
    ...(r.notes ? { notes: r.notes } : {}),
  };
}
