import { type ErrorContext, KeelsonError } from '../core/errors.js';

/**
 * A push-based tar reader: feed it chunks, it calls back per entry and streams entry data to a sink.
 * It never buffers entry data itself, so skipping a 1 GB file costs nothing but the bytes flowing by.
 * Supports ustar, GNU (long names, base-256 sizes) and POSIX pax headers.
 */

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'dir' | 'other';

export interface TarHeader {
  /** Name as stored (pax/GNU long names applied), not yet normalised. */
  name: string;
  type: TarEntryType;
  size: number;
  mode: number;
  linkname: string;
}

export interface TarSink {
  data(chunk: Buffer): void;
  end(): void;
}

export interface TarCallbacks {
  /** Return a sink to receive the entry's bytes, or undefined to skip them. */
  entry(header: TarHeader): TarSink | undefined;
}

const BLOCK = 512;
const MAX_META_BYTES = 1 << 20; // pax headers and GNU long names: generous, but bounded

type State = 'header' | 'data' | 'padding' | 'meta' | 'done';

export class TarParser {
  private state: State = 'header';
  private readonly headerBuf = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private remaining = 0;
  private sink: TarSink | undefined;
  private metaType = 'x';
  private metaChunks: Buffer[] = [];
  private pendingPax: Record<string, string> = {};
  private pendingLongName: string | undefined;
  private pendingLongLink: string | undefined;
  private entryCount = 0;
  /** Bytes of tar stream consumed so far. */
  position = 0;

  constructor(
    private readonly callbacks: TarCallbacks,
    private readonly context: ErrorContext = {},
  ) {}

  get entries(): number {
    return this.entryCount;
  }

  /** True once the end-of-archive marker was seen (the rest of the stream is ignored). */
  get finished(): boolean {
    return this.state === 'done';
  }

  write(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      switch (this.state) {
        case 'done':
          this.position += chunk.length - offset;
          return;
        case 'header': {
          const take = Math.min(BLOCK - this.headerFill, chunk.length - offset);
          chunk.copy(this.headerBuf, this.headerFill, offset, offset + take);
          this.headerFill += take;
          offset += take;
          this.position += take;
          if (this.headerFill === BLOCK) {
            this.headerFill = 0;
            this.onHeaderBlock();
          }
          break;
        }
        case 'data':
        case 'meta': {
          const take = Math.min(this.remaining, chunk.length - offset);
          const piece = chunk.subarray(offset, offset + take);
          if (this.state === 'data') this.sink?.data(piece);
          else this.metaChunks.push(Buffer.from(piece));
          this.remaining -= take;
          offset += take;
          this.position += take;
          if (this.remaining === 0) this.onBodyEnd();
          break;
        }
        case 'padding': {
          const take = Math.min(this.remaining, chunk.length - offset);
          this.remaining -= take;
          offset += take;
          this.position += take;
          if (this.remaining === 0) this.state = 'header';
          break;
        }
      }
    }
  }

  /** Call at the end of the stream; throws when the archive stops in the middle of an entry. */
  end(): void {
    if (this.state === 'done') return;
    if (this.state === 'header' && this.headerFill === 0) {
      // No end-of-archive blocks: tolerated (many writers omit them), but an empty stream is not a tar.
      if (this.position === 0)
        throw new KeelsonError('CORRUPT_LAYER', 'layer is empty, not a tar archive', this.context);
      return;
    }
    if (this.state === 'padding' && this.sink === undefined) return; // last padding cut short: harmless
    throw new KeelsonError(
      'TRUNCATED_LAYER',
      `tar archive is truncated at byte ${this.position} (inside ${this.state === 'header' ? 'a header' : 'an entry'})`,
      this.context,
    );
  }

  private onHeaderBlock(): void {
    const h = this.headerBuf;
    if (isZeroBlock(h)) {
      this.state = 'done';
      return;
    }
    const at = this.position - BLOCK;
    const raw = decodeHeaderBlock(h, at, this.context);
    const padding = (BLOCK - (raw.size % BLOCK)) % BLOCK;
    if (isMetaType(raw.typeflag)) {
      if (raw.size > MAX_META_BYTES) {
        throw corrupt(
          `tar metadata header of ${raw.size} bytes at byte ${at} exceeds ${MAX_META_BYTES}`,
          this.context,
        );
      }
      this.metaType = raw.typeflag;
      this.metaChunks = [];
      this.beginBody('meta', raw.size, padding);
      return;
    }
    const header = applyExtensions(
      raw,
      this.pendingPax,
      this.pendingLongName,
      this.pendingLongLink,
      this.context,
    );
    this.pendingPax = {};
    this.pendingLongName = undefined;
    this.pendingLongLink = undefined;
    this.entryCount++;
    this.sink = this.callbacks.entry(header);
    // Hard links, symlinks and directories carry no data even when a size is written.
    const bodySize = header.type === 'file' || header.type === 'other' ? header.size : 0;
    this.beginBody('data', bodySize, (BLOCK - (bodySize % BLOCK)) % BLOCK);
  }

  private pendingPadding = 0;

  private beginBody(state: 'data' | 'meta', size: number, padding: number): void {
    this.pendingPadding = padding;
    if (size === 0) {
      this.state = state;
      this.remaining = 0;
      this.onBodyEnd();
      return;
    }
    this.state = state;
    this.remaining = size;
  }

  private onBodyEnd(): void {
    if (this.state === 'data') {
      const sink = this.sink;
      this.sink = undefined;
      sink?.end();
    } else {
      this.applyMeta(Buffer.concat(this.metaChunks));
      this.metaChunks = [];
    }
    if (this.pendingPadding > 0) {
      this.state = 'padding';
      this.remaining = this.pendingPadding;
    } else {
      this.state = 'header';
    }
  }

  private applyMeta(body: Buffer): void {
    const meta = decodeMeta(this.metaType, body, this.context);
    if (meta.pax) this.pendingPax = meta.pax;
    if (this.metaType === 'L') this.pendingLongName = meta.text;
    if (this.metaType === 'K') this.pendingLongLink = meta.text;
  }
}

/** The fields of one 512-byte header block, before pax / GNU long-name records are applied. */
export interface RawHeader {
  typeflag: string;
  name: string;
  size: number;
  mode: number;
  linkname: string;
}

export const TAR_BLOCK = BLOCK;

export function isMetaType(typeflag: string): boolean {
  return typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K';
}

/** Decodes and checksums a header block; `at` is its byte offset, for error messages. */
export function decodeHeaderBlock(h: Buffer, at: number, context: ErrorContext): RawHeader {
  verifyChecksum(h, at, context);
  let name = readString(h, 0, 100);
  if (h.toString('latin1', 257, 263) === 'ustar\0' && h[345] !== 0)
    name = `${readString(h, 345, 155)}/${name}`;
  return {
    typeflag: String.fromCharCode(h[156]!),
    name,
    size: parseNumeric(h, 124, 12, 'size', at, context),
    mode: parseNumeric(h, 100, 8, 'mode', at, context) & 0o7777,
    linkname: readString(h, 157, 100),
  };
}

/** Applies a preceding pax header or GNU long name/link to an entry header. */
export function applyExtensions(
  raw: RawHeader,
  pax: Record<string, string>,
  longName: string | undefined,
  longLink: string | undefined,
  context: ErrorContext,
): TarHeader {
  const name = pax.path ?? longName ?? raw.name;
  let size = raw.size;
  if (pax.size !== undefined) {
    size = Number(pax.size);
    if (!Number.isSafeInteger(size) || size < 0)
      throw corrupt(`invalid pax size "${pax.size}" for ${name}`, context);
  }
  const type = entryType(raw.typeflag);
  return {
    name,
    type,
    size: type === 'hardlink' || type === 'symlink' || type === 'dir' ? 0 : size,
    mode: raw.mode,
    linkname: pax.linkpath ?? longLink ?? raw.linkname,
  };
}

/** Decodes the body of a pax (`x`) header or a GNU long name (`L`/`K`). */
export function decodeMeta(
  typeflag: string,
  body: Buffer,
  context: ErrorContext,
): { pax?: Record<string, string>; text?: string } {
  if (typeflag === 'x') return { pax: parsePax(body, context) };
  if (typeflag === 'L' || typeflag === 'K') return { text: readString(body, 0, body.length) };
  return {};
}

function entryType(flag: string): TarEntryType {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'dir';
    default:
      return 'other';
  }
}

export function isZeroBlock(b: Buffer): boolean {
  for (let i = 0; i < BLOCK; i += 8) {
    if (b.readBigUInt64LE(i) !== 0n) return false;
  }
  return true;
}

function readString(b: Buffer, start: number, length: number): string {
  const end = b.indexOf(0, start);
  const stop = end === -1 || end > start + length ? start + length : end;
  return b.toString('utf8', start, stop);
}

function parseNumeric(
  b: Buffer,
  start: number,
  length: number,
  field: string,
  at: number,
  context: ErrorContext,
): number {
  if ((b[start]! & 0x80) !== 0) {
    // GNU base-256: big-endian two's complement in the remaining bytes.
    let value = 0;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + b[i]!;
    if (!Number.isSafeInteger(value)) throw corrupt(`tar ${field} field at byte ${at} is too large`, context);
    return value;
  }
  let value = 0;
  let seen = false;
  for (let i = start; i < start + length; i++) {
    const c = b[i]!;
    if (c === 0 || (c === 0x20 && seen)) break;
    if (c === 0x20) continue;
    if (c < 0x30 || c > 0x37) throw corrupt(`tar ${field} field at byte ${at} is not octal`, context);
    value = value * 8 + (c - 0x30);
    seen = true;
  }
  return value;
}

function verifyChecksum(b: Buffer, at: number, context: ErrorContext): void {
  const stored = parseNumeric(b, 148, 8, 'checksum', at, context);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : b[i]!;
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  if (stored !== unsigned && stored !== signed) {
    throw corrupt(`tar header checksum mismatch at byte ${at}: not a tar archive or corrupt`, context);
  }
}

function parsePax(body: Buffer, context: ErrorContext): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] === 0) break;
    const space = body.indexOf(0x20, pos);
    if (space === -1) throw corrupt('malformed pax header record (no length)', context);
    const len = Number(body.toString('latin1', pos, space));
    if (!Number.isInteger(len) || len <= space - pos || pos + len > body.length) {
      throw corrupt('malformed pax header record (bad length)', context);
    }
    const record = body.toString('utf8', space + 1, pos + len - 1); // drop trailing newline
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

function corrupt(message: string, context: ErrorContext): KeelsonError {
  return new KeelsonError('CORRUPT_LAYER', message, context);
}
