import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { KeelsonError } from '../../core/errors.js';
import { detectBackend, readRpmdb } from './database.js';
import {
  buildBdb,
  buildHeaderBlob,
  expectedTsvRows,
  headerTsvRow,
  packageHeaderEntries,
  RPM_TAG,
  RPM_TYPE,
  RPMDB_FIXTURES,
  rpmFixture,
} from './test-support.js';

function assertFails(content: Buffer, message: RegExp): void {
  assert.throws(
    () => readRpmdb(content),
    (err: unknown) => err instanceof KeelsonError && err.code === 'PARSE_ERROR' && message.test(err.message),
  );
}

describe('readRpmdb on the real fixtures', () => {
  for (const { db, tsv, backend } of RPMDB_FIXTURES) {
    test(`${db.join('/')} lists exactly the packages of ${tsv.at(-1)}`, () => {
      const content = readFileSync(rpmFixture(db));
      assert.equal(detectBackend(content), backend);
      const result = readRpmdb(content);
      assert.equal(result.backend, backend);
      assert.deepEqual(result.problems, []);
      assert.deepEqual(
        result.headers.map((h) => headerTsvRow(h)),
        expectedTsvRows(rpmFixture(tsv)),
      );
    });
  }

  test('libuuid: licence, vendor and the files rpm -ql lists', () => {
    const [header] = readRpmdb(readFileSync(rpmFixture(['go-rpmdb', 'libuuid', 'Packages']))).headers;
    assert.equal(header?.license, 'BSD');
    assert.equal(header?.vendor, 'Red Hat, Inc.');
    assert.deepEqual(header?.files, [
      '/usr/lib/.build-id',
      '/usr/lib/.build-id/df/ef6a880adac817216ab9866779a0725e017647',
      '/usr/lib64/libuuid.so.1',
      '/usr/lib64/libuuid.so.1.3.0',
      '/usr/share/licenses/libuuid',
      '/usr/share/licenses/libuuid/COPYING',
      '/usr/share/licenses/libuuid/COPYING.BSD-3',
    ]);
  });

  test('cbl-mariner: curl and glibc fields', () => {
    const headers = readRpmdb(
      readFileSync(rpmFixture(['go-rpmdb', 'cbl-mariner-2.0', 'rpmdb.sqlite'])),
    ).headers;
    const curl = headers.find((h) => h.name === 'curl');
    assert.equal(curl?.license, 'MIT');
    assert.equal(curl?.vendor, 'Microsoft Corporation');
    assert.deepEqual(curl?.files, [
      '/usr/bin/curl',
      '/usr/bin/curl-config',
      '/usr/share/licenses/curl',
      '/usr/share/licenses/curl/COPYING',
      '/usr/share/man/man1/curl-config.1.gz',
      '/usr/share/man/man1/curl.1.gz',
    ]);
    const glibc = headers.find((h) => h.name === 'glibc');
    assert.equal(glibc?.license, 'BSD AND GPLv2+ AND Inner-Net AND ISC AND LGPLv2+ AND MIT');
  });

  test('sle15-bci (NDB): SUSE vendor and licence strings', () => {
    const headers = readRpmdb(readFileSync(rpmFixture(['go-rpmdb', 'sle15-bci', 'Packages.db']))).headers;
    const root = headers.find((h) => h.name === 'system-user-root');
    assert.equal(root?.vendor, 'SUSE LLC <https://www.suse.com/>');
    assert.equal(root?.license, 'MIT');
    assert.deepEqual(root?.files, ['/usr/lib/sysusers.d/system-user-root.conf']);
    assert.equal(headers.find((h) => h.name === 'filesystem')?.files.length, 788);
  });

  test('dive has an empty VENDOR and hello an epoch of 1', () => {
    const [dive] = readRpmdb(readFileSync(rpmFixture(['syft-bdb-dive', 'Packages']))).headers;
    assert.equal(dive?.vendor, '');
    assert.deepEqual(dive?.files, ['/usr/local/bin/dive']);
    const [hello] = readRpmdb(readFileSync(rpmFixture(['osv-scalibr-epoch', 'Packages']))).headers;
    assert.equal(hello?.epoch, 1);
    assert.equal(hello?.license, 'GPL');
  });
});

describe('readRpmdb on damaged input', () => {
  test('skips a header whose offsets point past its end and keeps the others', () => {
    const lying = buildHeaderBlob(
      packageHeaderEntries('liar', [
        { tag: RPM_TAG.VENDOR, type: RPM_TYPE.STRING, value: 'v', offset: 5000 },
      ]),
    );
    const db = buildBdb({
      records: [
        { key: 1, value: buildHeaderBlob(packageHeaderEntries('honest')) },
        { key: 2, value: lying },
      ],
    });
    const result = readRpmdb(db);
    assert.deepEqual(
      result.headers.map((h) => h.name),
      ['honest'],
    );
    assert.equal(result.problems.length, 1);
    assert.match(
      result.problems[0]!,
      /^package instance 2: rpm header: entry 4 \(tag 1011, byte 72\) claims 1 strings/,
    );
  });

  test('a database whose every header is damaged cannot be read', () => {
    const db = buildBdb({ records: [{ key: 1, value: Buffer.from('not a header at all') }] });
    assertFails(db, /no readable package in the bdb rpmdb: package instance 1: rpm header: /);
  });

  test('an empty database is a valid, empty listing', () => {
    assert.deepEqual(readRpmdb(buildBdb({ records: [] })), { backend: 'bdb', headers: [], problems: [] });
  });

  test('bytes of no known backend are refused', () => {
    assertFails(Buffer.alloc(0), /not an rpm database: no SQLite, NDB or BerkeleyDB hash magic in 0 bytes/);
    assertFails(Buffer.from('hello world, this is not a database at all'), /not an rpm database/);
  });
});
