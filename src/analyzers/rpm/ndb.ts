/**
 * Reader for rpm's NDB `Packages.db` (SUSE since 15 SP3), rpm's own little-endian format:
 * a 32-byte `RpmP` header, then slot pages of 16-byte slots {`Slot`, pkgidx, block offset, block count}
 * pointing at blobs. Each blob is a 16-byte head {`BlbS`, pkgidx, generation, length}, the header image,
 * padding to a 16-byte block, and a 12-byte tail {adler32 of everything before it, length, `BlbE`}.
 */
import { KeelsonError } from '../../core/errors.js';
import { byInstance, type HeaderBlob, type HeaderBlobs } from './blobs.js';

const MAGIC = { DB: 0x506d7052, SLOT: 0x746f6c53, BLOB_HEAD: 0x53626c42, BLOB_TAIL: 0x45626c42 } as const; // RpmP Slot BlbS BlbE
const DB_HEADER = { VERSION: 4, SLOT_PAGES: 12, SIZE: 32 } as const;
const SLOT_PAGE_SIZE = 4096;
const SLOT_SIZE = 16;
const BLOCK_SIZE = 16;
const BLOB_HEAD_SIZE = 16;
const BLOB_TAIL_SIZE = 12;

export function isNdb(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32LE(0) === MAGIC.DB;
}

function fail(message: string): KeelsonError {
  return new KeelsonError('PARSE_ERROR', `NDB Packages.db: ${message}`);
}

export function readNdbBlobs(db: Buffer): HeaderBlobs {
  if (db.length < DB_HEADER.SIZE || !isNdb(db)) throw fail('no RpmP header');
  const version = db.readUInt32LE(DB_HEADER.VERSION);
  if (version !== 0) throw fail(`unsupported version ${version}`);
  const slotPages = db.readUInt32LE(DB_HEADER.SLOT_PAGES);
  const slotAreaEnd = slotPages * SLOT_PAGE_SIZE;
  if (slotPages === 0 || slotAreaEnd > db.length) {
    throw fail(`${slotPages} slot pages do not fit in the ${db.length}-byte file`);
  }
  const blobs: HeaderBlob[] = [];
  const problems: string[] = [];
  const seen = new Set<number>();
  for (let slot = DB_HEADER.SIZE; slot < slotAreaEnd; slot += SLOT_SIZE) {
    if (db.readUInt32LE(slot) !== MAGIC.SLOT) {
      problems.push(`slot at byte ${slot} has no Slot magic`);
      continue;
    }
    const pkgidx = db.readUInt32LE(slot + 4);
    if (pkgidx === 0) continue; // free slot
    if (seen.has(pkgidx)) {
      problems.push(`slot at byte ${slot} repeats package index ${pkgidx}`);
      continue;
    }
    seen.add(pkgidx);
    const blob = readBlob(db, pkgidx, db.readUInt32LE(slot + 8), db.readUInt32LE(slot + 12), slotAreaEnd);
    if (typeof blob === 'string') problems.push(`package index ${pkgidx}: ${blob}`);
    else blobs.push({ instance: pkgidx, data: blob });
  }
  return { blobs: blobs.sort(byInstance), problems };
}

/** The header image of one blob, or what is wrong with it. */
function readBlob(
  db: Buffer,
  pkgidx: number,
  blockOffset: number,
  blockCount: number,
  slotAreaEnd: number,
): Buffer | string {
  const start = blockOffset * BLOCK_SIZE;
  const end = start + blockCount * BLOCK_SIZE;
  if (start < slotAreaEnd || blockCount * BLOCK_SIZE < BLOB_HEAD_SIZE + BLOB_TAIL_SIZE || end > db.length) {
    return `blob blocks ${blockOffset}+${blockCount} lie outside the data area of the ${db.length}-byte file`;
  }
  if (db.readUInt32LE(start) !== MAGIC.BLOB_HEAD) return `no BlbS magic at byte ${start}`;
  if (db.readUInt32LE(start + 4) !== pkgidx)
    return `blob at byte ${start} belongs to package index ${db.readUInt32LE(start + 4)}`;
  const length = db.readUInt32LE(start + 12);
  if (Math.ceil((BLOB_HEAD_SIZE + length + BLOB_TAIL_SIZE) / BLOCK_SIZE) !== blockCount) {
    return `blob length ${length} does not match its ${blockCount} blocks`;
  }
  const tail = end - BLOB_TAIL_SIZE;
  if (db.readUInt32LE(tail + 8) !== MAGIC.BLOB_TAIL || db.readUInt32LE(tail + 4) !== length) {
    return `blob tail at byte ${tail} is damaged`;
  }
  if (db.readUInt32LE(tail) !== adler32(db.subarray(start, tail)))
    return `blob at byte ${start} fails its checksum`;
  return db.subarray(start + BLOB_HEAD_SIZE, start + BLOB_HEAD_SIZE + length);
}

function adler32(bytes: Buffer): number {
  const MOD = 65521;
  const CHUNK = 5552; // the longest run whose sums cannot overflow before the modulo
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; ) {
    const chunkEnd = Math.min(i + CHUNK, bytes.length);
    for (; i < chunkEnd; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}
