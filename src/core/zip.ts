import { constants as bufferConstants } from 'node:buffer';
import { inflateRawSync } from 'node:zlib';
import { KeelsonError } from './errors.js';

/**
 * A bounded zip reader for untrusted archives. fflate's `unzipSync` is not used for reading: it trusts
 * the zip64 entry count (billions of loop turns) and keeps inflating past an entry's declared size
 * (a CPU bomb); node:zlib stops at `maxOutputLength`.
 */

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated; other methods are reported, not read. */
  method: number;
  encrypted: boolean;
  compressedSize: number;
  /** Declared uncompressed size; extraction never returns more. */
  size: number;
  localHeaderOffset: number;
}

export interface CentralDirectory {
  entries: ZipEntry[];
  /** Set when the directory is damaged part-way: `entries` holds those before the damage. */
  problem?: string;
}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const CENTRAL_HEADER_SIZE = 46;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const ZIP64_EXTRA_ID = 0x0001;
const FLAG_ENCRYPTED = 0x1;
const FLAG_UTF8 = 0x800;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

function fail(message: string): never {
  throw new KeelsonError('PARSE_ERROR', message);
}

function readU64(zip: Buffer, offset: number): number {
  const value = zip.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`64-bit field at offset ${offset} is out of range`);
  return Number(value);
}

/** The end-of-central-directory record closest to the end whose comment fits in the file. */
function findEndOfCentralDirectory(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - EOCD_SIZE - MAX_COMMENT);
  for (let at = zip.length - EOCD_SIZE; at >= lowest; at--) {
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE && at + EOCD_SIZE + zip.readUInt16LE(at + 20) <= zip.length) {
      return at;
    }
  }
  return fail('no end of central directory record: not a zip archive, or truncated');
}

/** Lists the entries of the central directory after checking that it lies inside the file. */
export function readCentralDirectory(zip: Buffer): CentralDirectory {
  const eocd = findEndOfCentralDirectory(zip);
  let count = zip.readUInt16LE(eocd + 10);
  let size = zip.readUInt32LE(eocd + 12);
  let offset = zip.readUInt32LE(eocd + 16);
  const locator = eocd - 20;
  if ((count === U16_MAX || size === U32_MAX || offset === U32_MAX) && locator >= 0) {
    if (zip.readUInt32LE(locator) === ZIP64_LOCATOR_SIGNATURE) {
      const record = readU64(zip, locator + 8);
      if (record + 56 > locator || zip.readUInt32LE(record) !== ZIP64_EOCD_SIGNATURE) {
        fail(`zip64 end of central directory record at offset ${record} is missing`);
      }
      count = readU64(zip, record + 32);
      size = readU64(zip, record + 40);
      offset = readU64(zip, record + 48);
    }
  }
  if (offset + size > eocd) {
    fail(
      `central directory (offset ${offset}, ${size} bytes) lies outside the archive of ${zip.length} bytes`,
    );
  }
  if (count > size / CENTRAL_HEADER_SIZE) {
    fail(`central directory of ${size} bytes cannot hold the ${count} entries it declares`);
  }
  const entries: ZipEntry[] = [];
  const end = offset + size;
  let at = offset;
  for (let index = 0; index < count; index++) {
    const entry = at + CENTRAL_HEADER_SIZE <= end ? readCentralHeader(zip, at, end) : undefined;
    if (!entry) return { entries, problem: `central directory entry ${index} at offset ${at} is damaged` };
    entries.push(entry.entry);
    at = entry.next;
  }
  return { entries };
}

function readCentralHeader(
  zip: Buffer,
  at: number,
  end: number,
): { entry: ZipEntry; next: number } | undefined {
  if (zip.readUInt32LE(at) !== CENTRAL_HEADER_SIGNATURE) return undefined;
  const flags = zip.readUInt16LE(at + 8);
  const nameLength = zip.readUInt16LE(at + 28);
  const extraLength = zip.readUInt16LE(at + 30);
  const commentLength = zip.readUInt16LE(at + 32);
  const nameStart = at + CENTRAL_HEADER_SIZE;
  const extraStart = nameStart + nameLength;
  const next = extraStart + extraLength + commentLength;
  if (next > end) return undefined;
  const sizes = readZip64Sizes(zip, extraStart, extraStart + extraLength, {
    size: zip.readUInt32LE(at + 24),
    compressedSize: zip.readUInt32LE(at + 20),
    localHeaderOffset: zip.readUInt32LE(at + 42),
  });
  if (!sizes) return undefined;
  return {
    entry: {
      name: zip.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1', nameStart, extraStart),
      method: zip.readUInt16LE(at + 10),
      encrypted: (flags & FLAG_ENCRYPTED) !== 0,
      ...sizes,
    },
    next,
  };
}

type EntrySizes = Pick<ZipEntry, 'size' | 'compressedSize' | 'localHeaderOffset'>;

/** Fields saturated at 0xffffffff continue in the zip64 extra field, in this order. */
function readZip64Sizes(zip: Buffer, start: number, end: number, sizes: EntrySizes): EntrySizes | undefined {
  const saturated = (['size', 'compressedSize', 'localHeaderOffset'] as const).filter(
    (k) => sizes[k] === U32_MAX,
  );
  if (saturated.length === 0) return sizes;
  for (let at = start; at + 4 <= end; at += 4 + zip.readUInt16LE(at + 2)) {
    if (zip.readUInt16LE(at) !== ZIP64_EXTRA_ID) continue;
    const dataEnd = Math.min(end, at + 4 + zip.readUInt16LE(at + 2));
    const widened = { ...sizes };
    let field = at + 4;
    for (const key of saturated) {
      if (field + 8 > dataEnd) return undefined;
      widened[key] = readU64(zip, field);
      field += 8;
    }
    return widened;
  }
  return undefined;
}

/** The uncompressed bytes of one entry: never more than its declared size. Throws PARSE_ERROR. */
export function readZipEntry(zip: Buffer, entry: ZipEntry): Buffer {
  if (entry.encrypted) fail(`${entry.name} is encrypted`);
  const header = entry.localHeaderOffset;
  if (header + LOCAL_HEADER_SIZE > zip.length || zip.readUInt32LE(header) !== LOCAL_HEADER_SIGNATURE) {
    fail(`local header of ${entry.name} at offset ${header} is damaged`);
  }
  const dataStart =
    header + LOCAL_HEADER_SIZE + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > zip.length) fail(`data of ${entry.name} runs past the end of the archive`);
  const data = zip.subarray(dataStart, dataEnd);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) fail(`stored entry ${entry.name} has inconsistent sizes`);
    return data;
  }
  if (entry.method !== 8) fail(`${entry.name} uses unsupported compression method ${entry.method}`);
  if (entry.size > bufferConstants.MAX_LENGTH) fail(`${entry.name} declares ${entry.size} bytes`);
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      fail(`${entry.name} inflates to more than its declared ${entry.size} bytes`);
    }
    fail(`${entry.name} cannot be inflated: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (inflated.length !== entry.size) {
    fail(`${entry.name} inflates to ${inflated.length} bytes, not the declared ${entry.size}`);
  }
  return inflated;
}
