/**
 * Test helpers for the rpm analyzer (used only by its tests): builders for header images and small
 * BerkeleyDB files, the expected-TSV format of the fixtures, and a seeded PRNG for mutation tests.
 */
import { readFileSync } from 'node:fs';
import { fixture } from '../../../test/helpers/paths.js';
import type { RpmdbBackend } from './database.js';
import { RPM_TAG, RPM_TYPE, type RpmHeader } from './header.js';

export { RPM_TAG, RPM_TYPE };

export interface HeaderEntrySpec {
  tag: number;
  type: number;
  value: string | string[] | number[] | Buffer;
  /** Overrides the natural value count (to build lying headers). */
  count?: number;
  /** Overrides the data offset (to build lying headers). */
  offset?: number;
}

/** Builds an rpm header image (index entries + data store, big-endian) from entry specs. */
export function buildHeaderBlob(entries: HeaderEntrySpec[]): Buffer {
  const data: Buffer[] = [];
  let dataLength = 0;
  const index = Buffer.alloc(entries.length * 16);
  entries.forEach((entry, i) => {
    if (entry.type === RPM_TYPE.INT32 && dataLength % 4 !== 0) {
      data.push(Buffer.alloc(4 - (dataLength % 4)));
      dataLength += 4 - (dataLength % 4);
    }
    const { bytes, count } = encodeValue(entry);
    index.writeUInt32BE(entry.tag, i * 16);
    index.writeUInt32BE(entry.type, i * 16 + 4);
    index.writeUInt32BE(entry.offset ?? dataLength, i * 16 + 8);
    index.writeUInt32BE(entry.count ?? count, i * 16 + 12);
    data.push(bytes);
    dataLength += bytes.length;
  });
  const preamble = Buffer.alloc(8);
  preamble.writeUInt32BE(entries.length, 0);
  preamble.writeUInt32BE(dataLength, 4);
  return Buffer.concat([preamble, index, ...data]);
}

function encodeValue(entry: HeaderEntrySpec): { bytes: Buffer; count: number } {
  const { value } = entry;
  if (Buffer.isBuffer(value)) return { bytes: value, count: value.length };
  if (typeof value === 'string') return { bytes: Buffer.from(`${value}\0`), count: 1 };
  if (value.every((v) => typeof v === 'number')) {
    const bytes = Buffer.alloc(value.length * 4);
    for (const [i, v] of value.entries()) bytes.writeUInt32BE(v as number, i * 4);
    return { bytes, count: value.length };
  }
  return { bytes: Buffer.from(value.map((s) => `${s}\0`).join('')), count: value.length };
}

/** Entries for a plain package header: NAME, VERSION, RELEASE, ARCH plus `extra`. */
export function packageHeaderEntries(name: string, extra: HeaderEntrySpec[] = []): HeaderEntrySpec[] {
  return [
    { tag: RPM_TAG.NAME, type: RPM_TYPE.STRING, value: name },
    { tag: RPM_TAG.VERSION, type: RPM_TYPE.STRING, value: '1.0' },
    { tag: RPM_TAG.RELEASE, type: RPM_TYPE.STRING, value: '1' },
    { tag: RPM_TAG.ARCH, type: RPM_TYPE.STRING, value: 'x86_64' },
    ...extra,
  ];
}

export interface BdbRecordSpec {
  key: number;
  value: Buffer;
  /** Store the value on the hash page (H_KEYDATA) instead of an overflow chain. */
  inline?: boolean;
}

export interface BdbSpec {
  records: BdbRecordSpec[];
  littleEndian?: boolean;
  pageSize?: number;
  /** 13 = P_HASH (sorted, BDB ≥ 4.6), 2 = P_HASH_UNSORTED. */
  hashPageType?: number;
}

/**
 * Builds a BerkeleyDB hash file the way rpm's Packages looks: metadata page, one hash page holding
 * rpm's counter record (key 0) and one key/value pair per record, then overflow chains.
 */
export function buildBdb(spec: BdbSpec): Buffer {
  const pageSize = spec.pageSize ?? 4096;
  const le = spec.littleEndian ?? true;
  const u16 = (buf: Buffer, at: number, v: number) =>
    le ? buf.writeUInt16LE(v, at) : buf.writeUInt16BE(v, at);
  const u32 = (buf: Buffer, at: number, v: number) =>
    le ? buf.writeUInt32LE(v, at) : buf.writeUInt32BE(v, at);
  const pages: Buffer[] = [Buffer.alloc(pageSize), Buffer.alloc(pageSize)];
  const newPage = (): [Buffer, number] => {
    const page = Buffer.alloc(pageSize);
    pages.push(page);
    return [page, pages.length - 1];
  };

  const keyItem = (key: number) => {
    const item = Buffer.alloc(5);
    item[0] = 1; // H_KEYDATA
    u32(item, 1, key);
    return item;
  };
  const items: Buffer[] = [keyItem(0), keyItem(Math.max(0, ...spec.records.map((r) => r.key)) + 1)];
  for (const record of spec.records) {
    items.push(keyItem(record.key));
    if (record.inline) {
      items.push(Buffer.concat([Buffer.from([1]), record.value]));
      continue;
    }
    const chunk = pageSize - 26;
    let first = 0;
    let previous: [Buffer, number] | undefined;
    for (let at = 0; at < record.value.length; at += chunk) {
      const [page, pgno] = newPage();
      const piece = record.value.subarray(at, at + chunk);
      u32(page, 8, pgno);
      u32(page, 12, previous?.[1] ?? 0);
      u16(page, 20, 1);
      u16(page, 22, piece.length);
      page[25] = 7; // P_OVERFLOW
      piece.copy(page, 26);
      if (previous) u32(previous[0], 16, pgno);
      else first = pgno;
      previous = [page, pgno];
    }
    const offpage = Buffer.alloc(12);
    offpage[0] = 3; // H_OFFPAGE
    u32(offpage, 4, first);
    u32(offpage, 8, record.value.length);
    items.push(offpage);
  }

  const hash = pages[1]!;
  u32(hash, 8, 1);
  u16(hash, 20, items.length);
  let end = pageSize;
  items.forEach((item, i) => {
    end -= item.length;
    item.copy(hash, end);
    u16(hash, 26 + i * 2, end);
  });
  u16(hash, 22, end);
  hash[25] = spec.hashPageType ?? 13;
  if (end < 26 + items.length * 2) throw new Error('test BDB: too many records for one hash page');

  const meta = pages[0]!;
  u32(meta, 12, 0x061561);
  u32(meta, 16, 9);
  u32(meta, 20, pageSize);
  meta[25] = 8; // P_HASHMETA
  u32(meta, 32, pages.length - 1);
  return Buffer.concat(pages);
}

/** Every real rpmdb fixture, with the `*.expected.tsv` that lists its packages in rpm's order. */
export const RPMDB_FIXTURES: { db: string[]; tsv: string[]; backend: RpmdbBackend }[] = [
  {
    db: ['go-rpmdb', 'cbl-mariner-2.0', 'rpmdb.sqlite'],
    tsv: ['go-rpmdb', 'cbl-mariner-2.0.expected.tsv'],
    backend: 'sqlite',
  },
  { db: ['go-rpmdb', 'libuuid', 'Packages'], tsv: ['go-rpmdb', 'libuuid.expected.tsv'], backend: 'bdb' },
  {
    db: ['go-rpmdb', 'sle15-bci', 'Packages.db'],
    tsv: ['go-rpmdb', 'sle15-bci.expected.tsv'],
    backend: 'ndb',
  },
  { db: ['syft-bdb-dive', 'Packages'], tsv: ['syft-bdb-dive.expected.tsv'], backend: 'bdb' },
  { db: ['osv-scalibr-epoch', 'Packages'], tsv: ['osv-scalibr-epoch.expected.tsv'], backend: 'bdb' },
  { db: ['snyk-ndb', 'Packages.db'], tsv: ['snyk-ndb.expected.tsv'], backend: 'ndb' },
];

/** Path of a file under test/fixtures/pkgdb/rpm/. */
export function rpmFixture(parts: string[]): string {
  return fixture('pkgdb', 'rpm', ...parts);
}

/** Data rows of a fixture's `*.expected.tsv` (name, epoch, version, release, arch, sourcerpm; empty = none). */
export function expectedTsvRows(path: string): string[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(1);
}

/** A header in the TSV layout of the fixtures and of `rpm -qa --qf` (with `none` for absent tags). */
export function headerTsvRow(header: RpmHeader, none = ''): string {
  const orNone = (value: string | number | undefined) => (value === undefined ? none : String(value));
  return [
    header.name,
    orNone(header.epoch),
    header.version,
    header.release,
    orNone(header.arch),
    orNone(header.sourceRpm),
  ].join('\t');
}

/** Marsaglia's xorshift32: a tiny deterministic PRNG, so every mutation case replays from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}
