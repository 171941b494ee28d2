/**
 * Reader for rpm ≥ 4.16's `rpmdb.sqlite`: table `Packages(hnum INTEGER PRIMARY KEY, blob BLOB)`, one
 * header image per row.
 *
 * rpm keeps the database in WAL mode (file header bytes 18 and 19 = 2), which SQLite refuses to
 * deserialise from memory (SQLITE_CANTOPEN), so the in-memory path opens a copy with both bytes set
 * to 1 (rollback journal). Changes still in a `-wal` file are only visible through SQLite's file
 * I/O, so when a non-empty WAL comes along both files go to a private temporary directory and are
 * opened read-only from there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { lazyRequire } from '../../core/lazy.js';

/** The native SQLite binding, loaded when the first rpmdb.sqlite turns up. */
const sqlite = lazyRequire<typeof Database>('better-sqlite3');

import { isKeelsonError, KeelsonError } from '../../core/errors.js';
import type { HeaderBlob, HeaderBlobs } from './blobs.js';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** File header bytes holding the write and read format versions: 1 = rollback journal, 2 = WAL. */
const FORMAT_VERSION_BYTES = [18, 19];
const WAL_FORMAT = 2;
const ROLLBACK_FORMAT = 1;

export function isSqlite(head: Buffer): boolean {
  return head.length >= SQLITE_MAGIC.length && head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC);
}

function fail(message: string, cause?: unknown): KeelsonError {
  return new KeelsonError('PARSE_ERROR', `SQLite rpmdb: ${message}`, {}, { cause });
}

export function readSqliteBlobs(db: Buffer, wal?: Buffer): HeaderBlobs {
  if (wal && wal.length > 0) return readFromTempFiles(db, wal);
  return readPackages(() => new (sqlite())(withoutWalMode(db), { readonly: true }));
}

function withoutWalMode(db: Buffer): Buffer {
  const copy = Buffer.from(db);
  for (const at of FORMAT_VERSION_BYTES) {
    if (copy[at] === WAL_FORMAT) copy[at] = ROLLBACK_FORMAT;
  }
  return copy;
}

function readFromTempFiles(db: Buffer, wal: Buffer): HeaderBlobs {
  const dir = staging(() => mkdtempSync(join(tmpdir(), 'keelson-rpmdb-')));
  try {
    const path = join(dir, 'rpmdb.sqlite');
    staging(() => {
      writeFileSync(path, db);
      writeFileSync(`${path}-wal`, wal);
    });
    return readPackages(() => new (sqlite())(path, { readonly: true, fileMustExist: true }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function staging<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    throw new KeelsonError(
      'INTERNAL',
      `cannot stage the rpmdb and its WAL on disk: ${messageOf(err)}`,
      {},
      { cause: err },
    );
  }
}

function readPackages(open: () => Database.Database): HeaderBlobs {
  let conn: Database.Database;
  try {
    conn = open();
  } catch (err) {
    throw fail(`cannot open: ${messageOf(err)}`, err);
  }
  try {
    requirePackagesTable(conn);
    return readRows(conn);
  } catch (err) {
    throw isKeelsonError(err) ? err : fail(messageOf(err), err);
  } finally {
    conn.close();
  }
}

/** Refuses a `Packages` that is missing, virtual or computed: a hostile schema must not run code on read. */
function requirePackagesTable(conn: Database.Database): void {
  const table = conn
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'Packages'")
    .get() as { sql: unknown } | undefined;
  if (!table) throw fail('no Packages table');
  if (typeof table.sql === 'string' && /^\s*create\s+virtual/i.test(table.sql)) {
    throw fail('Packages is a virtual table');
  }
  const columns = conn.pragma('table_xinfo(Packages)') as { name: string; hidden: number }[];
  for (const name of ['hnum', 'blob']) {
    const column = columns.find((c) => c.name === name);
    if (column?.hidden !== 0) throw fail(`Packages has no plain ${name} column`);
  }
}

function readRows(conn: Database.Database): HeaderBlobs {
  const blobs: HeaderBlob[] = [];
  const problems: string[] = [];
  const rows = conn.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').raw(true).iterate();
  try {
    for (const [hnum, blob] of rows as Iterable<unknown[]>) {
      if (typeof hnum !== 'number' || !Buffer.isBuffer(blob)) {
        problems.push(`row hnum ${String(hnum)}: not an integer key with a BLOB header`);
        continue;
      }
      blobs.push({ instance: hnum, data: blob });
    }
  } catch (err) {
    // A corrupt page part-way through: keep the rows already read, unless there are none.
    if (blobs.length === 0) throw fail(`cannot read Packages: ${messageOf(err)}`, err);
    problems.push(`reading stopped after hnum ${blobs.at(-1)?.instance}: ${messageOf(err)}`);
  }
  return { blobs, problems };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
