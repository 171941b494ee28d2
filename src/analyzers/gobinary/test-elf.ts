/** Test-only: hand-built ELF files and Go build info blobs in both layouts. */
import { BUILDINFO_MAGIC } from './buildinfo.js';

/** The 16-byte markers `runtime/debug` puts around modinfo. */
const SENTINEL_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const SENTINEL_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

/** Module text of a Go 1.16 build, as the old pointer format carried it. */
export const OLD_MODINFO = [
  'path\tgithub.com/example/tool',
  'mod\tgithub.com/example/tool\tv1.4.0\th1:Qm9v=',
  'dep\tgithub.com/spf13/cobra\tv1.1.3\th1:xghbfqPkxzxP3C/f3n5y+wd5Jn3d5A+iz8i1YhhsHoE=',
  'dep\tgolang.org/x/sys\tv0.0.0-20210124154548-22da62e12c0c',
  '=>\t../sys\t\t',
  '',
].join('\n');

export function wrapped(modinfo: string): Buffer {
  return Buffer.concat([SENTINEL_START, Buffer.from(modinfo), SENTINEL_END]);
}

export interface ElfOptions {
  pointerSize: 4 | 8;
  littleEndian: boolean;
  /** Builds the blob placed at file offset PAYLOAD_OFFSET (virtual address BASE + PAYLOAD_OFFSET). */
  payload: (address: number) => Buffer;
  /** Name the payload `.go.buildinfo` in section headers; otherwise the file has none. */
  withSection: boolean;
}

export const BASE = 0x400000;
export const PAYLOAD_OFFSET = 0x200;

/**
 * A minimal executable ELF: file header, one PT_LOAD program header mapping the whole file at BASE,
 * the payload, and optionally a section table with `.go.buildinfo` and `.shstrtab`.
 */
export function buildElf(options: ElfOptions): Buffer {
  const { pointerSize, littleEndian } = options;
  const wide = pointerSize === 8;
  const payload = options.payload(BASE + PAYLOAD_OFFSET);
  const names = Buffer.from('\0.go.buildinfo\0.shstrtab\0', 'latin1');
  const namesOffset = PAYLOAD_OFFSET + payload.length;
  const sectionTable = Math.ceil((namesOffset + names.length) / 8) * 8;
  const sectionEntry = wide ? 64 : 40;
  const size = options.withSection ? sectionTable + 3 * sectionEntry : namesOffset;
  const file = Buffer.alloc(size);
  const u16 = (at: number, v: number) =>
    littleEndian ? file.writeUInt16LE(v, at) : file.writeUInt16BE(v, at);
  const u32 = (at: number, v: number) =>
    littleEndian ? file.writeUInt32LE(v, at) : file.writeUInt32BE(v, at);
  const word = (at: number, v: number) =>
    wide
      ? littleEndian
        ? file.writeBigUInt64LE(BigInt(v), at)
        : file.writeBigUInt64BE(BigInt(v), at)
      : u32(at, v);
  file.write('\x7fELF', 0, 'latin1');
  file[4] = wide ? 2 : 1;
  file[5] = littleEndian ? 1 : 2;
  file[6] = 1;
  u16(16, 2);
  const headerSize = wide ? 64 : 52;
  const programEntry = wide ? 56 : 32;
  word(wide ? 32 : 28, headerSize);
  u16(wide ? 52 : 40, headerSize);
  u16(wide ? 54 : 42, programEntry);
  u16(wide ? 56 : 44, 1);
  u16(wide ? 58 : 46, sectionEntry);
  const ph = headerSize;
  u32(ph, 1);
  word(ph + (wide ? 8 : 4), 0);
  word(ph + (wide ? 16 : 8), BASE);
  word(ph + (wide ? 32 : 16), size);
  payload.copy(file, PAYLOAD_OFFSET);
  if (options.withSection) {
    names.copy(file, namesOffset);
    word(wide ? 40 : 32, sectionTable);
    u16(wide ? 60 : 48, 3);
    u16(wide ? 62 : 50, 2);
    const section = (index: number, name: number, type: number, offset: number, length: number) => {
      const at = sectionTable + index * sectionEntry;
      u32(at, name);
      u32(at + 4, type);
      word(at + (wide ? 24 : 16), offset);
      word(at + (wide ? 32 : 20), length);
    };
    section(1, 1, 1, PAYLOAD_OFFSET, payload.length);
    section(2, 15, 3, namesOffset, names.length);
  }
  return file;
}

/** Go 1.13–1.17 layout: header with two pointers to Go string headers {data, len}. */
export function pointerFormatBlob(
  pointerSize: 4 | 8,
  littleEndian: boolean,
  goVersion: string,
  modinfo: Buffer,
) {
  return (address: number): Buffer => {
    const version = Buffer.from(goVersion);
    const headersAt = 32;
    const versionAt = headersAt + 4 * pointerSize;
    const modAt = versionAt + version.length;
    const blob = Buffer.alloc(modAt + modinfo.length);
    BUILDINFO_MAGIC.copy(blob, 0);
    blob[14] = pointerSize;
    blob[15] = littleEndian ? 0 : 1;
    const word = (at: number, v: number) => {
      if (pointerSize === 8)
        littleEndian ? blob.writeBigUInt64LE(BigInt(v), at) : blob.writeBigUInt64BE(BigInt(v), at);
      else littleEndian ? blob.writeUInt32LE(v, at) : blob.writeUInt32BE(v, at);
    };
    word(16, address + headersAt);
    word(16 + pointerSize, address + headersAt + 2 * pointerSize);
    word(headersAt, address + versionAt);
    word(headersAt + pointerSize, version.length);
    word(headersAt + 2 * pointerSize, address + modAt);
    word(headersAt + 3 * pointerSize, modinfo.length);
    version.copy(blob, versionAt);
    modinfo.copy(blob, modAt);
    return blob;
  };
}

export function uvarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** Go 1.18+ layout: flags bit 0x2, then varint-prefixed version and modinfo after the 32-byte header. */
export function inlineBlob(goVersion: string, modinfo: Buffer): Buffer {
  const header = Buffer.alloc(32);
  BUILDINFO_MAGIC.copy(header, 0);
  header[14] = 8;
  header[15] = 2;
  const version = Buffer.from(goVersion);
  return Buffer.concat([header, uvarint(version.length), version, uvarint(modinfo.length), modinfo]);
}
