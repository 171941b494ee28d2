import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { KeelsonError, toKeelsonError } from '../../core/errors.js';
import type { VexStatement } from '../../vex/types.js';
import type { Advisory, FeedFile, FeedImporter, ImportSink } from '../types.js';
import { DB_FILE, DDL, SCHEMA_VERSION, SOURCE_TABLES } from './schema.js';
import { sqlite } from './sqlite.js';

/** One source to (re)build: the importer and the files it reads. */
export interface SourceJob {
  importer: FeedImporter;
  files: AsyncIterable<FeedFile> | Iterable<FeedFile>;
  /** Where the files came from (URL or path), shown by `db status`. */
  origin: string;
  /** Demo data: labelled as such in `db status` and on every scan that uses it. */
  demo?: boolean;
}

export interface SourceCounts {
  advisories: number;
  affected: number;
  cvss: number;
  kev: number;
  epss: number;
  vex: number;
}

export interface SourceOutcome {
  source: string;
  ok: boolean;
  counts: SourceCounts;
  skipped: number;
  /** The first few skipped records: where and why. */
  skipExamples: string[];
  /** Why the source failed (its previous data is kept). */
  error?: KeelsonError;
}

const MAX_SKIP_EXAMPLES = 5;
const STALE_LOCK_MS = 6 * 3600 * 1000;

/**
 * Builds a new database beside the current one and swaps it in with one rename, so readers only ever see
 * a complete database: an update that is interrupted or fails leaves the previous file untouched. Each
 * source is replaced in its own transaction; a source whose input is invalid keeps its old rows.
 */
export async function updateDatabase(
  dbDir: string,
  jobs: readonly SourceJob[],
  options: { now?: () => Date } = {},
): Promise<SourceOutcome[]> {
  const now = options.now ?? (() => new Date());
  await mkdir(dbDir, { recursive: true });
  const release = await acquireLock(dbDir);
  const current = join(dbDir, DB_FILE);
  const building = join(dbDir, `${DB_FILE}.building-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await removeLeftovers(dbDir);
    if (existsSync(current)) await copyFile(current, building);
    const db = openForBuild(building);
    const outcomes: SourceOutcome[] = [];
    try {
      for (const job of jobs) outcomes.push(await importSource(db, job, now()));
      if (!outcomes.some((o) => o.ok)) return outcomes;
      db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(
        'built_at',
        now().toISOString(),
      );
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new KeelsonError('DATABASE_ERROR', `new database failed its check: ${check}`);
      db.pragma('journal_mode = DELETE');
    } finally {
      db.close();
    }
    await rename(building, current);
    return outcomes;
  } finally {
    await rm(building, { force: true });
    await release();
  }
}

/** Replaces the whole database with a verified file (a bundle's database), atomically. */
export async function installDatabase(dbDir: string, file: string): Promise<void> {
  await mkdir(dbDir, { recursive: true });
  const release = await acquireLock(dbDir);
  const building = join(dbDir, `${DB_FILE}.building-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await copyFile(file, building);
    const db = sqlite()(building, { readonly: true, fileMustExist: true });
    try {
      const version = (
        db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
          | { value: string }
          | undefined
      )?.value;
      if (version !== String(SCHEMA_VERSION))
        throw new KeelsonError(
          'DATABASE_ERROR',
          `bundle database has schema version ${version ?? 'none'}, this keelson reads ${SCHEMA_VERSION}`,
          { file },
        );
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok')
        throw new KeelsonError('DATABASE_ERROR', `bundle database is damaged: ${check}`, { file });
    } catch (err) {
      throw toKeelsonError(err, 'DATABASE_ERROR', { file });
    } finally {
      db.close();
    }
    await rename(building, join(dbDir, DB_FILE));
  } finally {
    await rm(building, { force: true });
    await release();
  }
}

function openForBuild(file: string): BetterSqlite3.Database {
  const db = sqlite()(file);
  // The file is private until renamed into place, so durability during the build buys nothing.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  const version = tableExists(db, 'meta')
    ? (
        db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
          | { value: string }
          | undefined
      )?.value
    : undefined;
  if (version !== undefined && version !== String(SCHEMA_VERSION)) {
    // An older layout: start over rather than migrate; every source is re-imported by the caller's jobs.
    for (const table of [...SOURCE_TABLES, 'sources', 'meta']) db.exec(`DROP TABLE IF EXISTS ${table}`);
  }
  db.exec(DDL);
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(
    'schema_version',
    String(SCHEMA_VERSION),
  );
  return db;
}

function tableExists(db: BetterSqlite3.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

async function importSource(db: BetterSqlite3.Database, job: SourceJob, when: Date): Promise<SourceOutcome> {
  const source = job.importer.name;
  const counts: SourceCounts = { advisories: 0, affected: 0, cvss: 0, kev: 0, epss: 0, vex: 0 };
  const outcome: SourceOutcome = { source, ok: false, counts, skipped: 0, skipExamples: [] };
  const meta: Record<string, string> = {};
  const insert = {
    advisory: db.prepare(
      `INSERT INTO advisories (source, id, aliases, summary, details, published, modified, withdrawn, refs, severities, url)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source, id) DO UPDATE SET aliases = excluded.aliases RETURNING rid`,
    ),
    affected: db.prepare(
      `INSERT INTO affected (advisory, source, namespace, package, name_kind, withdrawn, purl, notes, entry)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    alias: db.prepare('INSERT INTO aliases (source, alias, advisory) VALUES (?, ?, ?)'),
    cvss: db.prepare(
      'INSERT INTO cvss (source, cve, version, vector, score, severity, scored_by, is_primary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    kev: db.prepare(
      `INSERT OR REPLACE INTO kev (source, cve, vendor, product, name, date_added, due_date, required_action, ransomware)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    epss: db.prepare(
      'INSERT OR REPLACE INTO epss (source, cve, score, percentile, date) VALUES (?, ?, ?, ?, ?)',
    ),
    vex: db.prepare('INSERT INTO vex (source, vulnerability, statement) VALUES (?, ?, ?)'),
  };
  const sink: ImportSink = {
    advisory(a: Advisory) {
      const row = insert.advisory.get(
        source,
        a.id,
        JSON.stringify(a.aliases),
        a.summary ?? null,
        a.details ?? null,
        a.published ?? null,
        a.modified ?? null,
        a.withdrawn ?? null,
        JSON.stringify(a.references),
        JSON.stringify(a.severities),
        a.url ?? null,
      ) as { rid: number };
      counts.advisories++;
      for (const alias of new Set([a.id, ...a.aliases])) insert.alias.run(source, alias, row.rid);
      for (const e of a.affected) {
        insert.affected.run(
          row.rid,
          source,
          e.namespace,
          e.packageName,
          e.nameKind,
          a.withdrawn ? 1 : 0,
          e.purl ?? null,
          e.notes ?? null,
          JSON.stringify([a.id, a.aliases, e.status, e.scheme, e.ranges, e.versions, e.severity ?? null]),
        );
        counts.affected++;
      }
    },
    cvss(r) {
      insert.cvss.run(
        source,
        r.cve,
        r.version,
        r.vector,
        r.baseScore,
        r.baseSeverity,
        r.sourceName,
        r.primary ? 1 : 0,
      );
      counts.cvss++;
    },
    kev(r) {
      insert.kev.run(
        source,
        r.cve,
        r.vendorProject ?? null,
        r.product ?? null,
        r.name ?? null,
        r.dateAdded,
        r.dueDate ?? null,
        r.requiredAction ?? null,
        r.knownRansomwareCampaignUse ?? null,
      );
      counts.kev++;
    },
    epss(r) {
      insert.epss.run(source, r.cve, r.score, r.percentile, r.date ?? null);
      counts.epss++;
    },
    vex(s: VexStatement) {
      insert.vex.run(source, s.vulnerability, JSON.stringify(s));
      counts.vex++;
    },
    skip(where, why) {
      outcome.skipped++;
      if (outcome.skipExamples.length < MAX_SKIP_EXAMPLES) outcome.skipExamples.push(`${where}: ${why}`);
    },
    meta(key, value) {
      meta[key] = value;
    },
  };

  db.exec('BEGIN');
  try {
    deleteSource(db, source);
    await job.importer.import(job.files, sink);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    if (total === 0)
      throw new KeelsonError(
        'PARSE_ERROR',
        outcome.skipped
          ? `no valid records (${outcome.skipped} malformed, e.g. ${outcome.skipExamples[0]})`
          : 'no records found in the input',
        { url: job.origin },
      );
    db.prepare(
      `INSERT OR REPLACE INTO sources (name, title, importer_version, updated_at, origin, demo, counts, skipped, skip_examples, meta)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      source,
      job.importer.title,
      job.importer.version,
      when.toISOString(),
      job.origin,
      job.demo ? 1 : 0,
      JSON.stringify(counts),
      outcome.skipped,
      JSON.stringify(outcome.skipExamples),
      JSON.stringify(meta),
    );
    db.exec('COMMIT');
    outcome.ok = true;
  } catch (err) {
    db.exec('ROLLBACK');
    outcome.error = toKeelsonError(err, 'PARSE_ERROR', { url: job.origin });
  }
  return outcome;
}

function deleteSource(db: BetterSqlite3.Database, source: string): void {
  for (const table of SOURCE_TABLES) db.prepare(`DELETE FROM ${table} WHERE source = ?`).run(source);
  db.prepare('DELETE FROM sources WHERE name = ?').run(source);
}

/** Build files of interrupted updates (a killed process leaves one); removed once no update holds the lock. */
async function removeLeftovers(dbDir: string): Promise<void> {
  for (const name of await readdir(dbDir)) {
    if (name.startsWith(`${DB_FILE}.building-`)) await rm(join(dbDir, name), { force: true });
  }
}

/**
 * One writer at a time: a lock file holding the writer's pid. A lock whose process is gone (killed
 * mid-update) or that is very old is taken over.
 */
async function acquireLock(dbDir: string): Promise<() => Promise<void>> {
  const lock = join(dbDir, `${DB_FILE}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw toKeelsonError(err, 'DATABASE_ERROR', { file: lock });
      if (await lockIsStale(lock)) {
        await rm(lock, { force: true });
        continue;
      }
      break;
    }
  }
  throw new KeelsonError(
    'DATABASE_BUSY',
    `another keelson process is updating the advisory database (${lock})`,
    {
      file: lock,
    },
  );
}

async function lockIsStale(lock: string): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lock, 'utf8'), stat(lock)]);
    if (Date.now() - info.mtimeMs > STALE_LOCK_MS) return true;
    const pid = Number.parseInt(text, 10);
    if (!Number.isInteger(pid) || pid <= 0) return true;
    try {
      process.kill(pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return true;
  }
}
