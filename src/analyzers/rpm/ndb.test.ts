import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixture } from '../../../test/helpers/paths.js';
import { KeelsonError } from '../../core/errors.js';
import { parseRpmHeader } from './header.js';
import { isNdb, readNdbBlobs } from './ndb.js';

/** snyk-ndb/Packages.db: slots at bytes 32, 48, 64 for package indexes 1–3; blob 2 starts at block 0x204. */
const snyk = () => Buffer.from(readFileSync(fixture('pkgdb', 'rpm', 'snyk-ndb', 'Packages.db')));
const BLOB_2 = 0x204 * 16;
const SLOT_2 = 48;

function assertFails(db: Buffer, message: RegExp): void {
  assert.throws(
    () => readNdbBlobs(db),
    (err: unknown) => err instanceof KeelsonError && err.code === 'PARSE_ERROR' && message.test(err.message),
  );
}

const instances = (db: Buffer) => readNdbBlobs(db).blobs.map((b) => b.instance);

describe('readNdbBlobs', () => {
  test('reads every slot of the snyk database in package-index order', () => {
    const db = snyk();
    assert.equal(isNdb(db), true);
    const { blobs, problems } = readNdbBlobs(db);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      blobs.map((b) => [b.instance, b.data.length, parseRpmHeader(b.data).name]),
      [
        [1, 4128, 'system-user-root'],
        [2, 57036, 'filesystem'],
        [3, 74728, 'glibc'],
      ],
    );
  });

  test('skips a blob whose adler32 checksum fails and keeps the others', () => {
    const db = snyk();
    db[BLOB_2 + 100] = db[BLOB_2 + 100]! ^ 0xff;
    const { problems } = readNdbBlobs(db);
    assert.deepEqual(instances(db), [1, 3]);
    assert.deepEqual(problems, [`package index 2: blob at byte ${BLOB_2} fails its checksum`]);
  });

  test('reports damaged slots and blob heads and tails', () => {
    const cases: [(db: Buffer) => void, string][] = [
      [
        (db) => db.writeUInt32LE(0x7fffff, SLOT_2 + 8),
        'package index 2: blob blocks 8388607+3567 lie outside',
      ],
      [(db) => db.writeUInt32LE(0x41414141, SLOT_2), `slot at byte ${SLOT_2} has no Slot magic`],
      [(db) => db.writeUInt32LE(1, SLOT_2 + 4), `slot at byte ${SLOT_2} repeats package index 1`],
      [(db) => db.writeUInt32LE(0, BLOB_2), `package index 2: no BlbS magic at byte ${BLOB_2}`],
      [
        (db) => db.writeUInt32LE(7, BLOB_2 + 4),
        `package index 2: blob at byte ${BLOB_2} belongs to package index 7`,
      ],
      [
        (db) => db.writeUInt32LE(10, BLOB_2 + 12),
        'package index 2: blob length 10 does not match its 3567 blocks',
      ],
      [(db) => db.writeUInt32LE(0, BLOB_2 + 0xdef * 16 - 4), 'package index 2: blob tail at byte'],
    ];
    for (const [damage, message] of cases) {
      const db = snyk();
      damage(db);
      const { problems } = readNdbBlobs(db);
      assert.equal(problems.length, 1, message);
      assert.ok(problems[0]!.startsWith(message), `${problems[0]} should start with ${message}`);
      assert.ok(instances(db).includes(3), 'the undamaged package 3 is still read');
    }
  });

  test('a truncated file loses the blobs past its end', () => {
    const db = snyk().subarray(0, BLOB_2 + 100);
    assert.deepEqual(instances(db), [1]);
    assert.equal(readNdbBlobs(db).problems.length, 2);
  });

  test('refuses files whose database header is unusable', () => {
    assertFails(Buffer.from('RpmP'), /no RpmP header/);
    assertFails(Buffer.alloc(64), /no RpmP header/);
    const withHeader = (at: number, value: number) => {
      const db = snyk();
      db.writeUInt32LE(value, at);
      return db;
    };
    assertFails(withHeader(4, 1), /unsupported version 1/);
    assertFails(withHeader(12, 0), /0 slot pages do not fit/);
    assertFails(withHeader(12, 1000), /1000 slot pages do not fit in the 140096-byte file/);
  });
});
