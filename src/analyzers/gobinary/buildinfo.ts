import { KeelsonError } from '../../core/errors.js';
import { ByteReader } from './byte-reader.js';
import { type Elf, fileOffsetOf, SHT_NOBITS } from './elf.js';

/** What the Go linker embeds: the toolchain version and the module information text. */
export interface RawBuildInfo {
  goVersion: string;
  /** The `path`/`mod`/`dep`/`=>`/`build` lines, sentinels removed; empty for binaries built without modules. */
  modinfo: string;
}

/** The 14 bytes that open the build info blob; the blob is 16-byte aligned. */
export const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGNMENT = 16;
/** Flag bits of header byte 15. */
const FLAG_BIG_ENDIAN = 0x1;
const FLAG_INLINE_STRINGS = 0x2;
/** `runtime/debug` wraps modinfo in 16 bytes on each side; the text ends in a newline before the tail. */
const SENTINEL_LENGTH = 16;
const GO_VERSION = /^(go\d|devel)/;
/** Aligned magic matches tried when scanning: a hostile file could hold millions. */
const MAX_SCAN_CANDIDATES = 64;

function fail(message: string): never {
  throw new KeelsonError('PARSE_ERROR', message);
}

/**
 * Finds and decodes Go build info: at the `.go.buildinfo` section when the section headers name it,
 * else at the first aligned magic in the file that decodes (stripped section tables, odd linkers).
 * Returns undefined for binaries without build info (not Go); throws PARSE_ERROR when build info is
 * present but cannot be decoded (truncated or damaged).
 */
export function findBuildInfo(file: Buffer, elf: Elf | undefined): RawBuildInfo | undefined {
  const section = elf?.sections.find((s) => s.name === '.go.buildinfo' && s.type !== SHT_NOBITS);
  if (section) {
    if (!file.subarray(section.offset, section.offset + BUILDINFO_MAGIC.length).equals(BUILDINFO_MAGIC)) {
      fail(`.go.buildinfo section at offset ${section.offset} does not start with the build info header`);
    }
    return decodeBuildInfo(file, section.offset, elf);
  }
  let firstError: unknown;
  let candidates = 0;
  for (let at = file.indexOf(BUILDINFO_MAGIC); at !== -1; at = file.indexOf(BUILDINFO_MAGIC, at + 1)) {
    if (at % ALIGNMENT !== 0) continue;
    if (++candidates > MAX_SCAN_CANDIDATES) break;
    try {
      return decodeBuildInfo(file, at, elf);
    } catch (err) {
      // The magic also occurs as data in binaries that read build info; keep looking for the real one.
      firstError ??= err;
    }
  }
  if (firstError) throw firstError;
  return undefined;
}

/** True when the header at the start of `blob` says the strings follow inline (Go ≥ 1.18). */
export function hasInlineStrings(blob: Buffer): boolean {
  return blob.length > 15 && (blob[15]! & FLAG_INLINE_STRINGS) !== 0;
}

/** Decodes the 32-byte header at `offset` and the two strings it leads to. */
export function decodeBuildInfo(file: Buffer, offset: number, elf: Elf | undefined): RawBuildInfo {
  if (offset + HEADER_SIZE > file.length) fail(`build info header at offset ${offset} is truncated`);
  const pointerSize = file[offset + 14];
  const flags = file[offset + 15]!;
  let goVersion: string;
  let modinfo: Buffer;
  if (flags & FLAG_INLINE_STRINGS) {
    // Go 1.18+: two varint-length-prefixed strings right after the header.
    const version = readVarintString(file, offset + HEADER_SIZE);
    goVersion = version.value.toString('utf8');
    modinfo = readVarintString(file, version.end).value;
  } else {
    // Go 1.13–1.17: pointers to Go string headers {data, len}, resolved through the program headers.
    if (pointerSize !== 4 && pointerSize !== 8) fail(`build info pointer size ${pointerSize} is invalid`);
    if (!elf) fail('pointer-format build info needs ELF program headers');
    const reader = new ByteReader(file, (flags & FLAG_BIG_ENDIAN) === 0);
    const readGoString = (address: number): Buffer => {
      const header = fileOffsetOf(elf, address, 2 * pointerSize);
      const data = reader.word(header, pointerSize);
      const length = reader.word(header + pointerSize, pointerSize);
      if (length === 0) return Buffer.alloc(0);
      const start = fileOffsetOf(elf, data, length);
      return file.subarray(start, start + length);
    };
    goVersion = readGoString(reader.word(offset + 16, pointerSize)).toString('utf8');
    modinfo = readGoString(reader.word(offset + 16 + pointerSize, pointerSize));
  }
  if (!GO_VERSION.test(goVersion)) fail(`build info at offset ${offset} holds no Go version`);
  return { goVersion, modinfo: stripSentinels(modinfo) };
}

/** An unsigned LEB128 length, then that many bytes. */
function readVarintString(file: Buffer, offset: number): { value: Buffer; end: number } {
  let length = 0;
  let at = offset;
  for (let shift = 0; ; shift += 7) {
    if (at >= file.length) fail(`build info string length at offset ${offset} is truncated`);
    if (shift > 49) fail(`build info string length at offset ${offset} is too large`);
    const byte = file[at++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
  }
  if (at + length > file.length)
    fail(`build info string of ${length} bytes at offset ${at} runs past the end of the file`);
  return { value: file.subarray(at, at + length), end: at + length };
}

function stripSentinels(modinfo: Buffer): string {
  const length = modinfo.length;
  if (length < 2 * SENTINEL_LENGTH + 1 || modinfo[length - SENTINEL_LENGTH - 1] !== 0x0a) return '';
  return modinfo.toString('utf8', SENTINEL_LENGTH, length - SENTINEL_LENGTH);
}
