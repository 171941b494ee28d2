/**
 * Reader for the rpm header image every rpmdb backend stores per package (the layout of rpm's headerExport):
 * u32 index count, u32 data length, that many 16-byte index entries {tag, type, offset, count}, then the data
 * store. Integers are big-endian, strings NUL-terminated. Only the tags keelson reports are decoded, but every
 * entry is bounds-checked, because a header that lies about one entry cannot be trusted for the others.
 */
import { KeelsonError } from '../../core/errors.js';

export interface RpmHeader {
  name: string;
  version: string;
  release: string;
  /** Present whenever the EPOCH tag is, even when it is 0. */
  epoch?: number;
  arch?: string;
  sourceRpm?: string;
  license?: string;
  vendor?: string;
  modularityLabel?: string;
  /** Owned paths as rpm stores them (absolute). */
  files: string[];
}

/** The header tags keelson reads (rpmtag.h numbers). */
export const RPM_TAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  MODULARITYLABEL: 5096,
} as const;

/** The value types keelson reads (the rest are fixed-size numbers or NULL). */
export const RPM_TYPE = { INT32: 4, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18NSTRING: 9 } as const;

type TagName = keyof typeof RPM_TAG;

/** Bytes per element of the fixed-size types NULL, CHAR, INT8, INT16, INT32, INT64 (indexed by type). */
const FIXED_TYPE_SIZES = [0, 1, 1, 2, 4, 8];

const PREAMBLE_SIZE = 8;
const ENTRY_SIZE = 16;
/** rpm's own limits (hdrchkTags / HEADER_DATA_MAX): anything larger is not a header rpm would have written. */
const MAX_ENTRIES = 0xffff;
const MAX_DATA_BYTES = 0x0fffffff;

interface IndexEntry {
  type: number;
  /** Absolute position in the blob (data store start + entry offset). */
  start: number;
  count: number;
}

function damaged(message: string): KeelsonError {
  return new KeelsonError('PARSE_ERROR', `rpm header: ${message}`);
}

/** Parses one header image; throws PARSE_ERROR when it is malformed or lacks NAME, VERSION or RELEASE. */
export function parseRpmHeader(blob: Buffer): RpmHeader {
  const entries = readIndex(blob);
  const field = new HeaderFields(blob, entries);
  const epoch = field.int32s('EPOCH');
  if (epoch && epoch.length !== 1) throw damaged(`EPOCH has ${epoch.length} values, expected 1`);
  return {
    name: field.requiredString('NAME'),
    version: field.requiredString('VERSION'),
    release: field.requiredString('RELEASE'),
    epoch: epoch?.[0],
    arch: field.string('ARCH'),
    sourceRpm: field.string('SOURCERPM'),
    license: field.string('LICENSE'),
    vendor: field.string('VENDOR'),
    modularityLabel: field.string('MODULARITYLABEL'),
    files: field.files(),
  };
}

function readIndex(blob: Buffer): Map<number, IndexEntry> {
  if (blob.length < PREAMBLE_SIZE) {
    throw damaged(`blob of ${blob.length} bytes is shorter than the 8-byte preamble`);
  }
  const entryCount = blob.readUInt32BE(0);
  const dataLength = blob.readUInt32BE(4);
  if (entryCount === 0 || entryCount > MAX_ENTRIES) {
    throw damaged(`implausible index entry count ${entryCount}`);
  }
  if (dataLength > MAX_DATA_BYTES) throw damaged(`implausible data length ${dataLength}`);
  const dataStart = PREAMBLE_SIZE + entryCount * ENTRY_SIZE;
  if (dataStart + dataLength !== blob.length) {
    throw damaged(
      `${entryCount} entries and ${dataLength} data bytes need ${dataStart + dataLength} bytes, the blob has ${blob.length}`,
    );
  }
  const entries = new Map<number, IndexEntry>();
  for (let i = 0; i < entryCount; i++) {
    const at = PREAMBLE_SIZE + i * ENTRY_SIZE;
    const tag = blob.readUInt32BE(at);
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readUInt32BE(at + 8);
    const count = blob.readUInt32BE(at + 12);
    const where = `entry ${i} (tag ${tag}, byte ${at})`;
    if (type > RPM_TYPE.I18NSTRING) throw damaged(`${where} has unknown type ${type}`);
    const elementSize = type === RPM_TYPE.BIN ? 1 : FIXED_TYPE_SIZES[type];
    if (elementSize !== undefined && offset + count * elementSize > dataLength) {
      throw damaged(
        `${where} with ${count} values at offset ${offset} runs past the ${dataLength}-byte data store`,
      );
    }
    if (elementSize === undefined && (offset >= dataLength || count > dataLength - offset)) {
      throw damaged(
        `${where} claims ${count} strings at offset ${offset} of the ${dataLength}-byte data store`,
      );
    }
    // Later entries ("dribbles" appended after the signed region) replace earlier ones, as in rpm.
    entries.set(tag, { type, start: dataStart + offset, count });
  }
  return entries;
}

/** Typed access to the decoded index; string reads are bounds-checked against the blob end. */
class HeaderFields {
  constructor(
    private readonly blob: Buffer,
    private readonly entries: Map<number, IndexEntry>,
  ) {}

  requiredString(tagName: TagName): string {
    const value = this.string(tagName);
    if (value === undefined) throw damaged(`no ${tagName} tag`);
    return value;
  }

  /** A STRING, or the first (untranslated) value of an I18NSTRING. */
  string(tagName: TagName): string | undefined {
    const entry = this.entries.get(RPM_TAG[tagName]);
    if (!entry) return undefined;
    if (entry.type === RPM_TYPE.STRING && entry.count !== 1) {
      throw damaged(`${tagName} is a STRING with count ${entry.count}`);
    }
    if (entry.type !== RPM_TYPE.STRING && entry.type !== RPM_TYPE.I18NSTRING) {
      throw damaged(`${tagName} has type ${entry.type}, expected a string`);
    }
    return this.readStrings(entry, 1, tagName)[0];
  }

  stringArray(tagName: TagName): string[] | undefined {
    const entry = this.entries.get(RPM_TAG[tagName]);
    if (!entry) return undefined;
    if (entry.type !== RPM_TYPE.STRING_ARRAY) {
      throw damaged(`${tagName} has type ${entry.type}, expected STRING_ARRAY`);
    }
    return this.readStrings(entry, entry.count, tagName);
  }

  int32s(tagName: TagName): number[] | undefined {
    const entry = this.entries.get(RPM_TAG[tagName]);
    if (!entry) return undefined;
    if (entry.type !== RPM_TYPE.INT32) throw damaged(`${tagName} has type ${entry.type}, expected INT32`);
    const values: number[] = [];
    for (let i = 0; i < entry.count; i++) values.push(this.blob.readUInt32BE(entry.start + i * 4));
    return values;
  }

  /** BASENAMES joined to DIRNAMES through DIRINDEXES, or the legacy OLDFILENAMES. */
  files(): string[] {
    const basenames = this.stringArray('BASENAMES');
    if (!basenames) return this.stringArray('OLDFILENAMES') ?? [];
    const dirnames = this.stringArray('DIRNAMES') ?? [];
    const dirIndexes = this.int32s('DIRINDEXES') ?? [];
    if (dirIndexes.length !== basenames.length) {
      throw damaged(`${basenames.length} BASENAMES but ${dirIndexes.length} DIRINDEXES`);
    }
    return basenames.map((basename, i) => {
      const dir = dirnames[dirIndexes[i]!];
      if (dir === undefined) {
        throw damaged(`DIRINDEXES[${i}] = ${dirIndexes[i]} but there are ${dirnames.length} DIRNAMES`);
      }
      return dir + basename;
    });
  }

  private readStrings(entry: IndexEntry, count: number, tagName: string): string[] {
    const strings: string[] = [];
    let at = entry.start;
    for (let i = 0; i < count; i++) {
      const end = this.blob.indexOf(0, at);
      if (end < 0) throw damaged(`${tagName} string ${i} is not NUL-terminated before the end of the header`);
      strings.push(this.blob.toString('utf8', at, end));
      at = end + 1;
    }
    return strings;
  }
}
