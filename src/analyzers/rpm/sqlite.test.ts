import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { fixture } from '../../../test/helpers/paths.js';
import { KeelsonError } from '../../core/errors.js';
import { parseRpmHeader } from './header.js';
import { isSqlite, readSqliteBlobs } from './sqlite.js';
import { buildHeaderBlob, packageHeaderEntries } from './test-support.js';

const MARINER = fixture('pkgdb', 'rpm', 'go-rpmdb', 'cbl-mariner-2.0', 'rpmdb.sqlite');

function sqliteWith(...statements: string[]): Buffer {
  const db = new Database(':memory:');
  try {
    for (const sql of statements) db.exec(sql);
    return db.serialize();
  } finally {
    db.close();
  }
}

function assertFails(db: Buffer, message: RegExp): void {
  assert.throws(
    () => readSqliteBlobs(db),
    (err: unknown) => err instanceof KeelsonError && err.code === 'PARSE_ERROR' && message.test(err.message),
  );
}

const names = (result: ReturnType<typeof readSqliteBlobs>) =>
  result.blobs.map((b) => parseRpmHeader(b.data).name);

describe('readSqliteBlobs', () => {
  test('reads the WAL-mode CBL-Mariner database from memory without touching the caller’s bytes', () => {
    const db = readFileSync(MARINER);
    assert.equal(isSqlite(db), true);
    assert.deepEqual([db[18], db[19]], [2, 2], 'the fixture is in WAL mode');
    const result = readSqliteBlobs(db);
    assert.deepEqual(result.problems, []);
    assert.equal(result.blobs.length, 129);
    assert.deepEqual(
      result.blobs.map((b) => b.instance),
      [...result.blobs.map((b) => b.instance)].sort((a, b) => a - b),
    );
    assert.deepEqual(names(result).slice(0, 3), ['mariner-release', 'filesystem', 'glibc']);
    assert.deepEqual([db[18], db[19]], [2, 2]);
  });

  test('sees a row deletion that is only in the -wal file, and cleans up its temporary copy', () => {
    const work = mkdtempSync(join(tmpdir(), 'keelson-rpm-wal-test-'));
    const privateTmp = mkdtempSync(join(tmpdir(), 'keelson-rpm-tmpdir-'));
    const savedTmp = process.env.TMPDIR;
    try {
      const path = join(work, 'rpmdb.sqlite');
      copyFileSync(MARINER, path);
      const writer = new Database(path);
      writer.pragma('wal_autocheckpoint = 0');
      writer.pragma('foreign_keys = OFF');
      const { hnum } = writer.prepare("SELECT hnum FROM Name WHERE key = 'curl'").get() as { hnum: number };
      writer.prepare('DELETE FROM Packages WHERE hnum = ?').run(hnum);
      // Copy both files while the writer still holds them, as a layer snapshot would.
      const main = readFileSync(path);
      const wal = readFileSync(`${path}-wal`);
      writer.close();
      assert.ok(wal.length > 0);

      process.env.TMPDIR = privateTmp;
      const withWal = readSqliteBlobs(main, wal);
      assert.deepEqual(readdirSync(privateTmp), [], 'the temporary directory is removed');
      assert.equal(withWal.blobs.length, 128);
      assert.ok(!names(withWal).includes('curl'));
      assert.ok(!withWal.blobs.some((b) => b.instance === hnum));

      assert.ok(
        names(readSqliteBlobs(main)).includes('curl'),
        'without its WAL the main file still lists curl',
      );
      assert.equal(readSqliteBlobs(main, Buffer.alloc(0)).blobs.length, 129, 'an empty WAL changes nothing');
    } finally {
      process.env.TMPDIR = savedTmp;
      rmSync(work, { recursive: true, force: true });
      rmSync(privateTmp, { recursive: true, force: true });
    }
  });

  test('reports rows whose blob is not a BLOB and keeps the rest', () => {
    const header = buildHeaderBlob(packageHeaderEntries('ok')).toString('hex');
    const db = sqliteWith(
      'CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)',
      `INSERT INTO Packages VALUES (1, X'${header}'), (2, 'text, not a header')`,
    );
    const result = readSqliteBlobs(db);
    assert.deepEqual(names(result), ['ok']);
    assert.deepEqual(result.problems, ['row hnum 2: not an integer key with a BLOB header']);
  });

  test('an rpm database without packages is empty, not an error', () => {
    const db = sqliteWith(
      'CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)',
    );
    assert.deepEqual(readSqliteBlobs(db), { blobs: [], problems: [] });
  });

  test('refuses databases without a plain Packages table', () => {
    assertFails(sqliteWith('CREATE TABLE Other (x)'), /no Packages table/);
    assertFails(Buffer.alloc(0), /no Packages table/);
    assertFails(
      sqliteWith('CREATE VIEW Packages AS SELECT 1 AS hnum, zeroblob(10) AS blob'),
      /no Packages table/,
    );
    assertFails(
      sqliteWith('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob AS (zeroblob(hnum * 1000)))'),
      /no plain blob column/,
    );
    assertFails(sqliteWith('CREATE VIRTUAL TABLE Packages USING fts5(hnum, blob)'), /virtual table/);
  });

  test('refuses bytes that only start like SQLite', () => {
    const junk = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4000, 0x5a)]);
    assertFails(junk, /SQLite rpmdb: /);
  });
});
