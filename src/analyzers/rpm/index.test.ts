import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { KeelsonError } from '../../core/errors.js';
import type { AnalyzerContext, EntryInfo, FileFacts } from '../types.js';
import { rpmAnalyzer } from './index.js';
import { buildBdb, buildHeaderBlob, packageHeaderEntries, rpmFixture } from './test-support.js';

const info: EntryInfo = { path: '', size: 1, mode: 0o644, type: 'file' };
const noSiblings: AnalyzerContext = { sibling: () => undefined };

function analyze(path: string, content: Buffer, ctx: AnalyzerContext = noSiblings): FileFacts | undefined {
  return rpmAnalyzer.analyze({ path, content, mode: 0o644 }, ctx);
}

describe('rpmAnalyzer', () => {
  test('declares itself as the brief says', () => {
    assert.equal(rpmAnalyzer.name, 'rpm');
    assert.equal(rpmAnalyzer.version, 1);
    assert.equal(rpmAnalyzer.maxFileSize, 512 * 1024 * 1024);
    assert.equal(rpmAnalyzer.oversize, 'warn');
    assert.equal(rpmAnalyzer.needsSiblings, true);
  });

  test('wants exactly the rpmdb files in the three rpm database directories', () => {
    for (const dir of ['var/lib/rpm', 'usr/lib/sysimage/rpm', 'usr/share/rpm']) {
      for (const file of ['Packages', 'Packages.db', 'rpmdb.sqlite', 'rpmdb.sqlite-wal']) {
        assert.equal(rpmAnalyzer.wants(`${dir}/${file}`, info), true, `${dir}/${file}`);
      }
    }
    for (const path of [
      '/var/lib/rpm/Packages',
      'var/lib/rpm/Name',
      'var/lib/rpm/rpmdb.sqlite-shm',
      'var/lib/rpm/Packages.bak',
      'opt/var/lib/rpm/Packages',
      'var/lib/rpm',
      'usr/lib/rpm/Packages',
    ]) {
      assert.equal(rpmAnalyzer.wants(path, info), false, path);
    }
  });

  test('reports libuuid from the BerkeleyDB fixture as a full PackageRecord', () => {
    const facts = analyze(
      'var/lib/rpm/Packages',
      readFileSync(rpmFixture(['go-rpmdb', 'libuuid', 'Packages'])),
    );
    assert.deepEqual(facts, {
      packages: [
        {
          name: 'libuuid',
          version: '2.32.1-42.el8_8',
          type: 'rpm',
          arch: 'x86_64',
          source: { name: 'util-linux', version: '2.32.1-42.el8_8' },
          licenses: ['BSD'],
          supplier: 'Red Hat, Inc.',
          location: 'var/lib/rpm/Packages',
          foundBy: 'rpm',
          files: [
            'usr/lib/.build-id',
            'usr/lib/.build-id/df/ef6a880adac817216ab9866779a0725e017647',
            'usr/lib64/libuuid.so.1',
            'usr/lib64/libuuid.so.1.3.0',
            'usr/share/licenses/libuuid',
            'usr/share/licenses/libuuid/COPYING',
            'usr/share/licenses/libuuid/COPYING.BSD-3',
          ],
        },
      ],
    });
  });

  test('writes a non-zero epoch into the version', () => {
    const facts = analyze(
      'var/lib/rpm/Packages',
      readFileSync(rpmFixture(['osv-scalibr-epoch', 'Packages'])),
    );
    const [hello] = facts?.packages ?? [];
    assert.equal(hello?.version, '1:0.0.1-rls');
    assert.equal(hello?.epoch, 1);
    assert.deepEqual(hello?.source, { name: 'hello', version: '0.0.1-rls' });
  });

  test('picks the backend by content, not by file name', () => {
    const sqlite = readFileSync(rpmFixture(['go-rpmdb', 'cbl-mariner-2.0', 'rpmdb.sqlite']));
    const facts = analyze('var/lib/rpm/Packages', sqlite);
    assert.equal(facts?.packages?.length, 129);
    assert.equal(facts?.packages?.[0]?.location, 'var/lib/rpm/Packages');
    const ndb = readFileSync(rpmFixture(['snyk-ndb', 'Packages.db']));
    assert.deepEqual(
      analyze('usr/lib/sysimage/rpm/rpmdb.sqlite', ndb)?.packages?.map((p) => p.name),
      ['system-user-root', 'filesystem', 'glibc'],
    );
  });

  test('the WAL yields nothing itself but is applied to its database through ctx.sibling', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-rpm-index-test-'));
    try {
      const path = join(dir, 'rpmdb.sqlite');
      const writer = new Database(path);
      writer.pragma('journal_mode = WAL');
      writer.exec('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
      const insert = writer.prepare('INSERT INTO Packages (blob) VALUES (?)');
      for (const name of ['kept', 'erased']) insert.run(buildHeaderBlob(packageHeaderEntries(name)));
      writer.pragma('wal_checkpoint(TRUNCATE)');
      writer.pragma('wal_autocheckpoint = 0');
      writer.exec('DELETE FROM Packages WHERE hnum = 2');
      const main = readFileSync(path);
      const wal = readFileSync(`${path}-wal`);
      writer.close();

      const walPath = 'usr/lib/sysimage/rpm/rpmdb.sqlite-wal';
      assert.equal(analyze(walPath, wal), undefined);
      const asked: string[] = [];
      const ctx: AnalyzerContext = {
        sibling: (p) => {
          asked.push(p);
          return p === walPath ? wal : undefined;
        },
      };
      const facts = analyze('usr/lib/sysimage/rpm/rpmdb.sqlite', main, ctx);
      assert.deepEqual(asked, [walPath]);
      assert.deepEqual(
        facts?.packages?.map((p) => p.name),
        ['kept'],
      );
      assert.deepEqual(
        analyze('usr/lib/sysimage/rpm/rpmdb.sqlite', main)?.packages?.map((p) => p.name),
        ['kept', 'erased'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('skips damaged headers with a warning and marks the facts incomplete', () => {
    const db = buildBdb({
      records: [
        { key: 1, value: buildHeaderBlob(packageHeaderEntries('good')) },
        { key: 2, value: Buffer.from('garbage') },
      ],
    });
    const facts = analyze('var/lib/rpm/Packages', db);
    assert.deepEqual(
      facts?.packages?.map((p) => p.name),
      ['good'],
    );
    assert.equal(facts?.incomplete, true);
    assert.deepEqual(facts?.warnings, [
      {
        code: 'PARSE_ERROR',
        message:
          'skipped damaged rpmdb record: package instance 2: rpm header: blob of 7 bytes is shorter than the 8-byte preamble',
        file: 'var/lib/rpm/Packages',
      },
    ]);
  });

  test('caps the warnings of a badly damaged database at 20 plus a summary', () => {
    const records = [{ key: 1, value: buildHeaderBlob(packageHeaderEntries('good')) }];
    for (let key = 2; key <= 31; key++) records.push({ key, value: Buffer.from('bad') });
    const facts = analyze('var/lib/rpm/Packages', buildBdb({ records }));
    assert.equal(facts?.packages?.length, 1);
    assert.equal(facts?.warnings?.length, 21);
    assert.equal(facts?.warnings?.[20]?.message, '10 more damaged rpmdb records skipped');
  });

  test('an unreadable database throws PARSE_ERROR naming the file', () => {
    assert.throws(
      () => analyze('var/lib/rpm/Packages', Buffer.alloc(0)),
      (err: unknown) =>
        err instanceof KeelsonError &&
        err.code === 'PARSE_ERROR' &&
        err.context.file === 'var/lib/rpm/Packages',
    );
  });
});
