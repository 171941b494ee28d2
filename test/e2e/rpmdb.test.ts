/**
 * End-to-end check of the rpm analyzer against rpm itself: packages built with rpmbuild 4.18, installed
 * into a fresh SQLite rpmdb with `rpm -i --justdb`, then read back both by rpm (`-qa`, `-ql`) and by
 * keelson. The real fixture databases rpm can open (SQLite, BerkeleyDB) are checked the same way.
 * Needs rpm and rpmbuild on PATH (and Debian's archive keyring for the gpg-pubkey case): missing tools fail.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { readRpmdb } from '../../src/analyzers/rpm/database.js';
import { rpmAnalyzer } from '../../src/analyzers/rpm/index.js';
import { headerTsvRow, RPMDB_FIXTURES, rpmFixture } from '../../src/analyzers/rpm/test-support.js';
import type { AnalyzerContext, FileFacts } from '../../src/analyzers/types.js';
import type { PackageRecord } from '../../src/core/types.js';

const QA_FORMAT = '%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\n';
const EXTRA_FORMAT = '%{NAME}\\t%{LICENSE}\\t%{VENDOR}\\t%{MODULARITYLABEL}\\n';
const IMAGE_DB_PATH = 'usr/lib/sysimage/rpm/rpmdb.sqlite';
const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-bookworm-stable.gpg';

const SPECS: Record<string, string> = {
  'keelson-epoch': `Name: keelson-epoch
Epoch: 2
Version: 3.1
Release: 4.kt1
Summary: has an epoch
License: MIT
Vendor: Keelson Test Vendor
%description
Epoch test.
%install
mkdir -p %{buildroot}/usr/bin
echo '#!/bin/sh' > %{buildroot}/usr/bin/keelson-epoch
%files
/usr/bin/keelson-epoch
`,
  'keelson-tilde': `Name: keelson-tilde
Version: 1.0~rc2^git20260101.abc
Release: 0.1
Summary: tilde and caret in the version
License: BSD-3-Clause
%description
Version ordering test.
%install
mkdir -p %{buildroot}/usr/share/keelson-tilde
echo readme > %{buildroot}/usr/share/keelson-tilde/README
%files
/usr/share/keelson-tilde/README
`,
  'keelson-files': `Name: keelson-files
Version: 2.4.6
Release: 1
Summary: several files in several directories
License: GPL-2.0-or-later AND (MIT OR Apache-2.0)
Vendor: Keelson Test Vendor
%global modularitylabel keelson:2:20260101:abcd1234
%description
Files test.
%install
mkdir -p %{buildroot}/usr/bin %{buildroot}/etc/keelson %{buildroot}/usr/lib/keelson/plugins %{buildroot}/var/lib/keelson
echo '#!/bin/sh' > %{buildroot}/usr/bin/kf
ln -s kf %{buildroot}/usr/bin/kf-link
echo 'x=1' > %{buildroot}/etc/keelson/kf.conf
echo plugin > %{buildroot}/usr/lib/keelson/plugins/a.plugin
%files
%attr(0755,root,root) /usr/bin/kf
/usr/bin/kf-link
%config(noreplace) /etc/keelson/kf.conf
/usr/lib/keelson
%dir /var/lib/keelson
`,
  'keelson-noarch': `Name: keelson-noarch
Epoch: 0
Version: 1.0
Release: 1
Summary: noarch, explicit epoch 0, no files
License: CC0-1.0
BuildArch: noarch
%description
Noarch test.
%files
`,
};

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

/** ASCII armour (RFC 4880 §6) for a binary OpenPGP key: rpm --import accepts only armoured keys. */
function armorPublicKey(binary: Buffer): string {
  let crc = 0xb704ce;
  for (const byte of binary) {
    crc ^= byte << 16;
    for (let bit = 0; bit < 8; bit++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  const checksum = Buffer.from([(crc >> 16) & 0xff, (crc >> 8) & 0xff, crc & 0xff]).toString('base64');
  const body = binary.toString('base64').match(/.{1,64}/g) ?? [];
  return [
    '-----BEGIN PGP PUBLIC KEY BLOCK-----',
    '',
    ...body,
    `=${checksum}`,
    '-----END PGP PUBLIC KEY BLOCK-----',
    '',
  ].join('\n');
}

/** A PackageRecord in the layout of QA_FORMAT, `(none)` for absent tags as rpm prints them. */
function qaRow(record: PackageRecord): string {
  const epochPrefix = record.epoch ? `${record.epoch}:` : '';
  assert.ok(record.version.startsWith(epochPrefix), record.version);
  const versionRelease = record.version.slice(epochPrefix.length);
  const dash = versionRelease.lastIndexOf('-');
  const sourceRpm = record.source ? `${record.source.name}-${record.source.version}.src.rpm` : '(none)';
  return [
    record.name,
    record.epoch ?? '(none)',
    versionRelease.slice(0, dash),
    versionRelease.slice(dash + 1),
    record.arch ?? '(none)',
    sourceRpm,
  ].join('\t');
}

function analyzeDbDir(dbDir: string, dbFile: string, imagePath: string): FileFacts {
  const ctx: AnalyzerContext = {
    sibling: (path) => {
      const name = basename(path);
      return path === `${imagePath}-wal` && readdirSync(dbDir).includes(name)
        ? readFileSync(join(dbDir, name))
        : undefined;
    },
  };
  const facts = rpmAnalyzer.analyze(
    { path: imagePath, content: readFileSync(join(dbDir, dbFile)), mode: 0o644 },
    ctx,
  );
  assert.ok(facts?.packages);
  return facts;
}

function rpmFiles(dbDir: string, name: string): string[] {
  const listed = lines(run('rpm', ['-ql', '--dbpath', dbDir, name]));
  return listed.length === 1 && listed[0] === '(contains no files)' ? [] : listed;
}

describe('rpmdb written by rpm 4.18', () => {
  let work: string;
  let dbDir: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'keelson-rpmdb-e2e-'));
    const topdir = join(work, 'rpmbuild');
    mkdirSync(join(topdir, 'SPECS'), { recursive: true });
    for (const [name, spec] of Object.entries(SPECS)) {
      const specPath = join(topdir, 'SPECS', `${name}.spec`);
      writeFileSync(specPath, spec);
      run('rpmbuild', ['-bb', '--define', `_topdir ${topdir}`, '--define', 'debug_package %{nil}', specPath]);
    }
    const rpms = readdirSync(join(topdir, 'RPMS'), { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.rpm'))
      .map((path) => join(topdir, 'RPMS', path));
    assert.equal(rpms.length, 4);

    dbDir = join(work, 'db');
    run('rpm', ['--initdb', '--dbpath', dbDir]);
    run('rpm', ['-i', '--justdb', '--nodeps', '--noscripts', '--ignorearch', '--dbpath', dbDir, ...rpms]);
    const keyPath = join(work, 'debian-bookworm.asc');
    writeFileSync(keyPath, armorPublicKey(readFileSync(DEBIAN_KEYRING)));
    run('rpm', ['--import', '--dbpath', dbDir, keyPath]);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the package list equals rpm -qa exactly', () => {
    const facts = analyzeDbDir(dbDir, 'rpmdb.sqlite', IMAGE_DB_PATH);
    const expected = lines(run('rpm', ['-qa', '--dbpath', dbDir, '--qf', QA_FORMAT]));
    assert.equal(expected.length, 5);
    assert.deepEqual(facts.packages?.map(qaRow), expected);
    assert.equal(facts.incomplete, undefined);
  });

  test('epoch, tilde/caret versions, noarch and gpg-pubkey come out as written in the specs', () => {
    const byName = new Map(
      analyzeDbDir(dbDir, 'rpmdb.sqlite', IMAGE_DB_PATH).packages?.map((p) => [p.name, p]),
    );
    const epoch = byName.get('keelson-epoch');
    assert.equal(epoch?.version, '2:3.1-4.kt1');
    assert.equal(epoch?.epoch, 2);
    assert.deepEqual(epoch?.source, { name: 'keelson-epoch', version: '3.1-4.kt1' });
    assert.equal(epoch?.location, IMAGE_DB_PATH);
    assert.equal(byName.get('keelson-tilde')?.version, '1.0~rc2^git20260101.abc-0.1');
    const noarch = byName.get('keelson-noarch');
    assert.equal(noarch?.version, '1.0-1');
    assert.equal(noarch?.epoch, 0);
    assert.equal(noarch?.arch, 'noarch');
    assert.deepEqual(noarch?.files, []);
    const files = byName.get('keelson-files');
    assert.deepEqual(files?.licenses, ['GPL-2.0-or-later AND (MIT OR Apache-2.0)']);
    assert.equal(files?.supplier, 'Keelson Test Vendor');
    assert.deepEqual(files?.metadata, { modularitylabel: 'keelson:2:20260101:abcd1234' });
    assert.deepEqual(files?.files, [
      'etc/keelson/kf.conf',
      'usr/bin/kf',
      'usr/bin/kf-link',
      'usr/lib/keelson',
      'usr/lib/keelson/plugins',
      'usr/lib/keelson/plugins/a.plugin',
      'var/lib/keelson',
    ]);
    const pubkey = byName.get('gpg-pubkey');
    assert.ok(pubkey, 'rpm -qa lists gpg-pubkey, so keelson does too');
    assert.equal(pubkey.arch, undefined);
    assert.equal(pubkey.source, undefined);
  });

  test('file lists equal rpm -ql and licence, vendor, modularity label equal rpm --qf', () => {
    const packages = analyzeDbDir(dbDir, 'rpmdb.sqlite', IMAGE_DB_PATH).packages ?? [];
    for (const pkg of packages) {
      assert.deepEqual(
        pkg.files?.map((file) => `/${file}`),
        rpmFiles(dbDir, pkg.name),
        pkg.name,
      );
    }
    const extras = lines(run('rpm', ['-qa', '--dbpath', dbDir, '--qf', EXTRA_FORMAT]));
    const ours = packages.map((p) =>
      [
        p.name,
        p.licenses?.[0] ?? '(none)',
        p.supplier ?? '(none)',
        p.metadata?.modularitylabel ?? '(none)',
      ].join('\t'),
    );
    assert.deepEqual(ours, extras);
  });

  test('a package erased only in the -wal file is not listed', () => {
    const walDir = join(work, 'wal');
    mkdirSync(walDir);
    const path = join(walDir, 'rpmdb.sqlite');
    copyFileSync(join(dbDir, 'rpmdb.sqlite'), path);
    const writer = new Database(path);
    let main: Buffer;
    let wal: Buffer;
    try {
      writer.pragma('wal_autocheckpoint = 0');
      writer.pragma('foreign_keys = OFF');
      const row = writer.prepare("SELECT hnum FROM Name WHERE key = 'keelson-files'").get() as {
        hnum: number;
      };
      writer.prepare('DELETE FROM Packages WHERE hnum = ?').run(row.hnum);
      // Snapshot both files while the writer is still open, before any checkpoint folds the WAL in.
      main = readFileSync(path);
      wal = readFileSync(`${path}-wal`);
    } finally {
      writer.close();
    }
    assert.ok(wal.length > 0, 'the deletion is in the WAL');
    const snapshot = join(work, 'snapshot');
    mkdirSync(snapshot);
    writeFileSync(join(snapshot, 'rpmdb.sqlite'), main);
    writeFileSync(join(snapshot, 'rpmdb.sqlite-wal'), wal);

    const names = analyzeDbDir(snapshot, 'rpmdb.sqlite', IMAGE_DB_PATH).packages?.map((p) => p.name);
    const original = lines(run('rpm', ['-qa', '--dbpath', dbDir, '--qf', '%{NAME}\\n']));
    assert.deepEqual(
      names,
      original.filter((name) => name !== 'keelson-files'),
    );
    assert.deepEqual(
      names,
      lines(run('rpm', ['-qa', '--dbpath', snapshot, '--qf', '%{NAME}\\n'])),
      'rpm itself agrees',
    );
    const withoutWal = rpmAnalyzer.analyze(
      { path: IMAGE_DB_PATH, content: main, mode: 0o644 },
      { sibling: () => undefined },
    );
    assert.ok(
      withoutWal?.packages?.some((p) => p.name === 'keelson-files'),
      'the main file alone still has it',
    );
  });
});

describe('real fixture databases agree with rpm 4.18', () => {
  // rpm cannot open NDB on Debian; those fixtures are checked against their expected TSVs in database.test.ts.
  for (const { db, backend } of RPMDB_FIXTURES.filter((f) => f.backend !== 'ndb')) {
    test(`${db.join('/')} (${backend}): every field and file rpm prints`, () => {
      // rpm writes lock and -shm files next to a database, so it gets a private copy.
      const copy = mkdtempSync(join(tmpdir(), 'keelson-rpmdb-fixture-'));
      try {
        const file = db.at(-1)!;
        copyFileSync(rpmFixture(db), join(copy, file));
        const format = `${QA_FORMAT.slice(0, -2)}\\t%{LICENSE}\\t%{VENDOR}\\t[%{FILENAMES},]\\n`;
        const expected = lines(run('rpm', ['-qa', '--dbpath', copy, '--qf', format]));
        // Header level, where an absent VENDOR ("(none)") and an empty one ("") still differ.
        const ours = readRpmdb(readFileSync(join(copy, file))).headers.map((h) =>
          [
            headerTsvRow(h, '(none)'),
            h.license ?? '(none)',
            h.vendor ?? '(none)',
            h.files.map((f) => `${f},`).join(''),
          ].join('\t'),
        );
        assert.ok(expected.length > 0);
        assert.deepEqual(ours, expected);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    });
  }
});
