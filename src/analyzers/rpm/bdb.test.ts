import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../../test/helpers/paths.js';
import { KeelsonError } from '../../core/errors.js';
import { isBdbHash, readBdbBlobs } from './bdb.js';
import { parseRpmHeader } from './header.js';
import { buildBdb, buildHeaderBlob, packageHeaderEntries } from './test-support.js';

const libuuid = () => Buffer.from(readFileSync(fixture('pkgdb', 'rpm', 'go-rpmdb', 'libuuid', 'Packages')));
const PAGE = 4096;

function assertFails(db: Buffer, message: RegExp): void {
  assert.throws(
    () => readBdbBlobs(db),
    (err: unknown) => err instanceof KeelsonError && err.code === 'PARSE_ERROR' && message.test(err.message),
  );
}

const names = (db: Buffer) => readBdbBlobs(db).blobs.map((b) => [b.instance, parseRpmHeader(b.data).name]);

describe('readBdbBlobs', () => {
  test('reads the libuuid header from its 20-page overflow chain', () => {
    const { blobs, problems } = readBdbBlobs(libuuid());
    assert.deepEqual(problems, []);
    assert.equal(blobs.length, 1);
    assert.equal(blobs[0]!.instance, 1);
    // The H_OFFPAGE item on hash page 2 gives the total length: 0x013bf0 bytes.
    assert.equal(blobs[0]!.data.length, 80880);
    assert.equal(parseRpmHeader(blobs[0]!.data).name, 'libuuid');
  });

  test('reads both byte orders, inline and off-page values, sorted by instance, without the counter record', () => {
    const big = buildHeaderBlob(
      packageHeaderEntries('big', [{ tag: 1005, type: 7, value: Buffer.alloc(3000, 7) }]),
    );
    const records = [
      { key: 9, value: big },
      { key: 2, value: buildHeaderBlob(packageHeaderEntries('small-inline')), inline: true },
      { key: 5, value: buildHeaderBlob(packageHeaderEntries('one-page')) },
    ];
    const expected = [
      [2, 'small-inline'],
      [5, 'one-page'],
      [9, 'big'],
    ];
    for (const littleEndian of [true, false]) {
      const db = buildBdb({ records, littleEndian, pageSize: 512 });
      assert.equal(isBdbHash(db), true);
      assert.deepEqual(readBdbBlobs(db).problems, []);
      assert.deepEqual(names(db), expected, `littleEndian=${littleEndian}`);
    }
  });

  test('reads P_HASH_UNSORTED pages (BDB before 4.6)', () => {
    const db = buildBdb({
      records: [{ key: 1, value: buildHeaderBlob(packageHeaderEntries('old')) }],
      hashPageType: 2,
    });
    assert.deepEqual(names(db), [[1, 'old']]);
  });

  test('stops at an overflow page that links to itself', () => {
    const db = libuuid();
    db.writeUInt32LE(5, 5 * PAGE + 16);
    const { blobs, problems } = readBdbBlobs(db);
    assert.deepEqual(blobs, []);
    assert.deepEqual(problems, [
      'hash page 2 item 0 (instance 1): overflow chain reaches page 5 a second time',
    ]);
  });

  test('keeps the other packages when one chain is broken', () => {
    const db = buildBdb({
      records: [
        { key: 1, value: buildHeaderBlob(packageHeaderEntries('first')) },
        { key: 2, value: buildHeaderBlob(packageHeaderEntries('second')) },
      ],
    });
    // Page 2 holds the first record's only overflow page: point it at page 3, the second record's.
    db.writeUInt32LE(3, 2 * PAGE + 16);
    const { blobs, problems } = readBdbBlobs(db);
    assert.deepEqual(
      blobs.map((b) => b.instance),
      [2],
    );
    assert.match(problems[0]!, /instance 1\): overflow chain page 3 holds \d+ bytes, more than/);
  });

  test('reports chains that leave the file, hit a non-overflow page or come up short', () => {
    const outside = libuuid();
    outside.writeUInt32LE(999, 7 * PAGE + 16);
    assert.match(readBdbBlobs(outside).problems[0]!, /links to page 999, past the last page/);

    const wrongType = libuuid();
    wrongType.writeUInt32LE(1, 7 * PAGE + 16);
    assert.match(readBdbBlobs(wrongType).problems[0]!, /links to page 1 of type 13, not overflow/);

    const short = libuuid();
    short.writeUInt32LE(0, 21 * PAGE + 16);
    assert.match(readBdbBlobs(short).problems[0]!, /holds 77330 bytes, the item says 80880/);
  });

  test('a truncated file yields what its remaining pages hold and says so', () => {
    const db = libuuid().subarray(0, 10 * PAGE + 100);
    const { blobs, problems } = readBdbBlobs(db);
    assert.deepEqual(blobs, []);
    assert.deepEqual(problems, [
      'the metadata names page 22 as last but the file holds 10 pages',
      'hash page 2 item 0 (instance 1): overflow chain links to page 10, past the last page',
    ]);
  });

  test('reports hash pages whose item table is impossible', () => {
    const db = libuuid();
    db.writeUInt16LE(3000, 2 * PAGE + 20);
    assert.deepEqual(readBdbBlobs(db).problems, ['hash page 2 claims 3000 items, more than fit in a page']);
    const badOffset = libuuid();
    badOffset.writeUInt16LE(10, 2 * PAGE + 28);
    assert.deepEqual(readBdbBlobs(badOffset).problems, [
      'hash page 2 item 0: item offsets out of order or outside the page',
    ]);
  });

  test('refuses metadata it cannot trust', () => {
    assertFails(Buffer.alloc(10), /too short for a metadata page/);
    assertFails(Buffer.alloc(4096), /no hash magic/);
    const withMeta = (patch: (db: Buffer) => void) => {
      const db = libuuid();
      patch(db);
      return db;
    };
    assertFails(
      withMeta((db) => db.writeUInt32LE(1000, 20)),
      /invalid page size 1000/,
    );
    assertFails(
      withMeta((db) => {
        db[24] = 1;
      }),
      /encrypted/,
    );
    assertFails(
      withMeta((db) => {
        db[25] = 9;
      }),
      /page 0 has type 9, not hash metadata/,
    );
    assertFails(
      withMeta((db) => {
        db[26] = 1;
      }),
      /checksums are not supported/,
    );
  });
});
