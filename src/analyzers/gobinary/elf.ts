import { KeelsonError } from '../../core/errors.js';
import { ByteReader } from './byte-reader.js';

/** The parts of an ELF file needed to find Go build info: section names and loadable segments. */
export interface Elf {
  fileSize: number;
  sections: ElfSection[];
  segments: ElfSegment[];
}

export interface ElfSection {
  name: string;
  type: number;
  offset: number;
  size: number;
}

export interface ElfSegment {
  type: number;
  offset: number;
  virtualAddress: number;
  fileSize: number;
}

export const SHT_NOBITS = 8;
export const PT_LOAD = 1;

const CLASS_32 = 1;
const CLASS_64 = 2;
const DATA_LITTLE_ENDIAN = 1;
const DATA_BIG_ENDIAN = 2;
/** Longest section name read; Go's are under 20 bytes. */
const MAX_SECTION_NAME = 256;

export function hasElfMagic(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** Field offsets of the ELF file header, program headers and section headers for each class. */
const LAYOUT = {
  4: {
    headerSize: 52,
    phoff: 28,
    shoff: 32,
    phentsize: 42,
    phnum: 44,
    shentsize: 46,
    shnum: 48,
    shstrndx: 50,
    programHeader: { entrySize: 32, type: 0, offset: 4, vaddr: 8, filesz: 16 },
    sectionHeader: { entrySize: 40, name: 0, type: 4, offset: 16, size: 20 },
  },
  8: {
    headerSize: 64,
    phoff: 32,
    shoff: 40,
    phentsize: 54,
    phnum: 56,
    shentsize: 58,
    shnum: 60,
    shstrndx: 62,
    programHeader: { entrySize: 56, type: 0, offset: 8, vaddr: 16, filesz: 32 },
    sectionHeader: { entrySize: 64, name: 0, type: 4, offset: 24, size: 32 },
  },
} as const;

/**
 * Reads the ELF header and its tables. Throws PARSE_ERROR when the file header itself is unusable;
 * a table that lies outside the file is read as empty, leaving the caller to scan the raw bytes.
 */
export function readElf(file: Buffer): Elf {
  if (!hasElfMagic(file) || file.length < 16) throw new KeelsonError('PARSE_ERROR', 'not an ELF file');
  const elfClass = file[4];
  const data = file[5];
  if (
    (elfClass !== CLASS_32 && elfClass !== CLASS_64) ||
    (data !== DATA_LITTLE_ENDIAN && data !== DATA_BIG_ENDIAN)
  ) {
    throw new KeelsonError('PARSE_ERROR', `unknown ELF class ${elfClass} or data encoding ${data}`);
  }
  const pointerSize = elfClass === CLASS_64 ? 8 : 4;
  const layout = LAYOUT[pointerSize];
  const reader = new ByteReader(file, data === DATA_LITTLE_ENDIAN);
  if (file.length < layout.headerSize) throw new KeelsonError('PARSE_ERROR', 'truncated ELF header');
  return {
    fileSize: file.length,
    segments: readSegments(reader, pointerSize),
    sections: readSections(reader, pointerSize),
  };
}

interface TableLocation {
  offset: number;
  entrySize: number;
  count: number;
}

/** Entries of a header table, or none when the table is absent or does not fit in the file. */
function readTable<T>(
  table: TableLocation,
  minEntrySize: number,
  fileSize: number,
  read: (at: number) => T,
): T[] {
  const { offset, entrySize, count } = table;
  if (offset === 0 || count === 0 || entrySize < minEntrySize || offset + entrySize * count > fileSize)
    return [];
  const entries: T[] = [];
  for (let index = 0; index < count; index++) entries.push(read(offset + index * entrySize));
  return entries;
}

function readSegments(reader: ByteReader, pointerSize: 4 | 8): ElfSegment[] {
  const layout = LAYOUT[pointerSize];
  const ph = layout.programHeader;
  const table = {
    offset: reader.word(layout.phoff, pointerSize),
    entrySize: reader.u16(layout.phentsize),
    count: reader.u16(layout.phnum),
  };
  return readTable(table, ph.entrySize, reader.bytes.length, (at) => ({
    type: reader.u32(at + ph.type),
    offset: reader.word(at + ph.offset, pointerSize),
    virtualAddress: reader.word(at + ph.vaddr, pointerSize),
    fileSize: reader.word(at + ph.filesz, pointerSize),
  }));
}

function readSections(reader: ByteReader, pointerSize: 4 | 8): ElfSection[] {
  const layout = LAYOUT[pointerSize];
  const sh = layout.sectionHeader;
  const table = {
    offset: reader.word(layout.shoff, pointerSize),
    entrySize: reader.u16(layout.shentsize),
    count: reader.u16(layout.shnum),
  };
  const raw = readTable(table, sh.entrySize, reader.bytes.length, (at) => ({
    nameOffset: reader.u32(at + sh.name),
    type: reader.u32(at + sh.type),
    offset: reader.word(at + sh.offset, pointerSize),
    size: reader.word(at + sh.size, pointerSize),
  }));
  const names = raw[reader.u16(layout.shstrndx)];
  return raw.map((section) => ({
    name: names ? sectionName(reader.bytes, names, section.nameOffset) : '',
    type: section.type,
    offset: section.offset,
    size: section.size,
  }));
}

/** A NUL-terminated name inside the section-name string table; empty when it does not fit. */
function sectionName(file: Buffer, table: { offset: number; size: number }, nameOffset: number): string {
  const tableEnd = Math.min(file.length, table.offset + table.size);
  const start = table.offset + nameOffset;
  if (start >= tableEnd) return '';
  const end = file.subarray(start, Math.min(tableEnd, start + MAX_SECTION_NAME)).indexOf(0);
  return end === -1 ? '' : file.toString('latin1', start, start + end);
}

/** The file offset holding `length` bytes at virtual address `address`, through the PT_LOAD segments. */
export function fileOffsetOf(elf: Elf, address: number, length: number): number {
  for (const segment of elf.segments) {
    if (segment.type !== PT_LOAD) continue;
    if (address >= segment.virtualAddress && address + length <= segment.virtualAddress + segment.fileSize) {
      const offset = segment.offset + (address - segment.virtualAddress);
      if (offset + length <= elf.fileSize) return offset;
    }
  }
  throw new KeelsonError(
    'PARSE_ERROR',
    `address 0x${address.toString(16)} (+${length} bytes) is not in a loaded segment of the file`,
  );
}
