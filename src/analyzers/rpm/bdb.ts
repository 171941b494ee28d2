/**
 * Reader for rpm's BerkeleyDB `Packages` (rpm < 4.16: RHEL ≤ 8, Photon 3), a BDB hash database.
 *
 * Page 0 is the hash metadata page; pages 1…last_pgno (inclusive) follow. Hash pages (P_HASH,
 * P_HASH_UNSORTED) hold key/value item pairs: the key is rpm's 4-byte instance number, the value is
 * the header image, nearly always too big for the page and so stored off-page (H_OFFPAGE) as a chain
 * of P_OVERFLOW pages linked by next_pgno. BDB writes its own integers in the byte order of the
 * machine that created the file; the metadata magic tells which. Layout facts: BDB's db_page.h.
 */
import { KeelsonError } from '../../core/errors.js';
import { byInstance, type HeaderBlob, type HeaderBlobs } from './blobs.js';

const HASH_MAGIC = 0x061561;
const META = {
  MAGIC: 12,
  PAGE_SIZE: 20,
  ENCRYPT_ALG: 24,
  TYPE: 25,
  FLAGS: 26,
  LAST_PGNO: 32,
  SIZE: 72,
} as const;
/** Generic page header (26 bytes), then the item offset array of hash pages. */
const PAGE = { NEXT_PGNO: 16, ENTRIES: 20, HF_OFFSET: 22, TYPE: 25, HEADER_SIZE: 26 } as const;
const PAGE_TYPE = { HASH_UNSORTED: 2, OVERFLOW: 7, HASH_META: 8, HASH: 13 } as const;
const ITEM_TYPE = { KEYDATA: 1, OFFPAGE: 3 } as const;
/** H_OFFPAGE item: type byte, 3 unused bytes, first overflow pgno, total length. */
const OFFPAGE_SIZE = 12;
const META_FLAG_CHECKSUM = 0x01;
/** Key 0 holds rpm's next-instance counter, not a package. */
const COUNTER_KEY = 0;

/** True when the bytes start like a BerkeleyDB hash database in either byte order. */
export function isBdbHash(head: Buffer): boolean {
  return head.length >= META.MAGIC + 4 && byteOrderOf(head) !== undefined;
}

function byteOrderOf(db: Buffer): 'le' | 'be' | undefined {
  if (db.readUInt32LE(META.MAGIC) === HASH_MAGIC) return 'le';
  if (db.readUInt32BE(META.MAGIC) === HASH_MAGIC) return 'be';
  return undefined;
}

function fail(message: string): KeelsonError {
  return new KeelsonError('PARSE_ERROR', `BerkeleyDB Packages: ${message}`);
}

export function readBdbBlobs(db: Buffer): HeaderBlobs {
  return new BdbHashReader(db).read();
}

class BdbHashReader {
  private readonly littleEndian: boolean;
  private readonly pageSize: number;
  private readonly lastPage: number;
  private readonly blobs: HeaderBlob[] = [];
  private readonly problems: string[] = [];
  /**
   * Overflow pages already read into a value. Each page belongs to one value, so meeting one again is a
   * cycle or a shared page; this also keeps the total work linear in the file size.
   */
  private readonly overflowPagesUsed = new Set<number>();

  constructor(private readonly db: Buffer) {
    if (db.length < META.SIZE) throw fail(`${db.length} bytes is too short for a metadata page`);
    const order = byteOrderOf(db);
    if (!order) throw fail('no hash magic at byte 12');
    this.littleEndian = order === 'le';
    this.pageSize = this.u32(META.PAGE_SIZE);
    if (this.pageSize < 512 || this.pageSize > 65536 || (this.pageSize & (this.pageSize - 1)) !== 0) {
      throw fail(`invalid page size ${this.pageSize}`);
    }
    if (db[META.ENCRYPT_ALG] !== 0) throw fail('the database is encrypted');
    if (db[META.TYPE] !== PAGE_TYPE.HASH_META) {
      throw fail(`page 0 has type ${db[META.TYPE]}, not hash metadata`);
    }
    // Checksummed databases have a longer page header; rpm never creates them.
    if ((db[META.FLAGS]! & META_FLAG_CHECKSUM) !== 0) throw fail('page checksums are not supported');
    const lastPgno = this.u32(META.LAST_PGNO);
    const pagesInFile = Math.floor(db.length / this.pageSize);
    if (lastPgno >= pagesInFile) {
      this.problems.push(
        `the metadata names page ${lastPgno} as last but the file holds ${pagesInFile} pages`,
      );
    }
    this.lastPage = Math.min(lastPgno, pagesInFile - 1);
  }

  read(): HeaderBlobs {
    for (let pgno = 1; pgno <= this.lastPage; pgno++) {
      const type = this.db[pgno * this.pageSize + PAGE.TYPE];
      if (type === PAGE_TYPE.HASH || type === PAGE_TYPE.HASH_UNSORTED) this.readHashPage(pgno);
    }
    return { blobs: this.blobs.sort(byInstance), problems: this.problems };
  }

  private readHashPage(pgno: number): void {
    const page = this.page(pgno);
    const entries = this.u16(page + PAGE.ENTRIES);
    const indexEnd = PAGE.HEADER_SIZE + entries * 2;
    if (indexEnd > this.pageSize) {
      this.problems.push(`hash page ${pgno} claims ${entries} items, more than fit in a page`);
      return;
    }
    if (entries % 2 !== 0) this.problems.push(`hash page ${pgno} has an odd number of items (${entries})`);
    for (let i = 0; i + 1 < entries; i += 2) {
      const where = `hash page ${pgno} item ${i}`;
      const key = this.item(pgno, i, indexEnd);
      const value = this.item(pgno, i + 1, indexEnd);
      if (!key || !value) {
        this.problems.push(`${where}: item offsets out of order or outside the page`);
        continue;
      }
      if (this.db[key.start] !== ITEM_TYPE.KEYDATA || key.end - key.start !== 5) {
        this.problems.push(`${where}: key is not a 4-byte instance number`);
        continue;
      }
      const instance = this.u32(key.start + 1);
      const data = this.valueData(value.start, value.end, instance, where);
      if (data) this.blobs.push({ instance, data });
    }
  }

  /** Item `index` of a hash page spans from its offset to the previous item's offset (items grow down from the page end). */
  private item(pgno: number, index: number, indexEnd: number): { start: number; end: number } | undefined {
    const page = this.page(pgno);
    const offsetAt = page + PAGE.HEADER_SIZE + index * 2;
    const start = this.u16(offsetAt);
    const end = index === 0 ? this.pageSize : this.u16(offsetAt - 2);
    if (start < indexEnd || start >= end || end > this.pageSize) return undefined;
    return { start: page + start, end: page + end };
  }

  private valueData(start: number, end: number, instance: number, where: string): Buffer | undefined {
    const type = this.db[start];
    if (type === ITEM_TYPE.KEYDATA) {
      // Small values live on the page itself: the counter record, or a header small enough to fit.
      return instance === COUNTER_KEY ? undefined : this.db.subarray(start + 1, end);
    }
    if (type !== ITEM_TYPE.OFFPAGE || end - start < OFFPAGE_SIZE) {
      this.problems.push(
        `${where}: value item type ${type} is not a header (expected on-page or off-page data)`,
      );
      return undefined;
    }
    return this.readOverflowChain(
      this.u32(start + 4),
      this.u32(start + 8),
      `${where} (instance ${instance})`,
    );
  }

  private readOverflowChain(firstPgno: number, totalLength: number, where: string): Buffer | undefined {
    const chunks: Buffer[] = [];
    let collected = 0;
    for (let pgno = firstPgno; pgno !== 0; ) {
      if (pgno > this.lastPage) return this.chainProblem(where, `links to page ${pgno}, past the last page`);
      if (this.overflowPagesUsed.has(pgno)) {
        return this.chainProblem(where, `reaches page ${pgno} a second time`);
      }
      const page = this.page(pgno);
      if (this.db[page + PAGE.TYPE] !== PAGE_TYPE.OVERFLOW) {
        return this.chainProblem(
          where,
          `links to page ${pgno} of type ${this.db[page + PAGE.TYPE]}, not overflow`,
        );
      }
      const length = this.u16(page + PAGE.HF_OFFSET);
      if (PAGE.HEADER_SIZE + length > this.pageSize || collected + length > totalLength) {
        return this.chainProblem(
          where,
          `page ${pgno} holds ${length} bytes, more than its page or the value allows`,
        );
      }
      // Claimed only once it checks out, so a broken chain cannot take a good chain's page with it.
      this.overflowPagesUsed.add(pgno);
      chunks.push(this.db.subarray(page + PAGE.HEADER_SIZE, page + PAGE.HEADER_SIZE + length));
      collected += length;
      pgno = this.u32(page + PAGE.NEXT_PGNO);
    }
    if (collected !== totalLength) {
      return this.chainProblem(where, `holds ${collected} bytes, the item says ${totalLength}`);
    }
    return Buffer.concat(chunks, collected);
  }

  private chainProblem(where: string, message: string): undefined {
    this.problems.push(`${where}: overflow chain ${message}`);
    return undefined;
  }

  private page(pgno: number): number {
    return pgno * this.pageSize;
  }

  private u16(at: number): number {
    return this.littleEndian ? this.db.readUInt16LE(at) : this.db.readUInt16BE(at);
  }

  private u32(at: number): number {
    return this.littleEndian ? this.db.readUInt32LE(at) : this.db.readUInt32BE(at);
  }
}
