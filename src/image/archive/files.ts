import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type ErrorContext, KeelsonError } from '../../core/errors.js';
import { normalizeEntryName, resolveLinkTarget } from '../../layers/paths.js';
import {
  applyExtensions,
  decodeHeaderBlock,
  decodeMeta,
  isMetaType,
  isZeroBlock,
  TAR_BLOCK,
  type TarHeader,
} from '../../layers/tar.js';

/** Named files of an image archive or layout directory, readable whole (small) or as a stream (blobs). */
export interface ArchiveFiles {
  has(name: string): Promise<boolean>;
  /** Reads a small file; fails when it is larger than `maxBytes`. */
  read(name: string, maxBytes: number): Promise<Buffer>;
  stream(name: string): Readable;
  size(name: string): Promise<number | undefined>;
  close(): Promise<void>;
}

interface IndexedEntry {
  header: TarHeader;
  offset: number;
}

const MAX_ENTRIES = 1_000_000;

/** Random-access bytes of an uncompressed tar: a file on disk, or a buffer (a small archive unpacked in memory). */
export interface TarBytes {
  readonly size: number;
  read(target: Buffer, position: number): Promise<void>;
  stream(start: number, length: number): Readable;
}

export async function fileBytes(path: string): Promise<TarBytes> {
  const { size } = await stat(path);
  return {
    size,
    async read(target, position) {
      const handle = await open(path, 'r');
      try {
        await handle.read(target, 0, target.length, position);
      } finally {
        await handle.close();
      }
    },
    stream: (start, length) =>
      length === 0
        ? Readable.from([])
        : createReadStream(path, { start, end: start + length - 1, highWaterMark: 1024 * 1024 }),
  };
}

export function bufferBytes(buffer: Buffer): TarBytes {
  return {
    size: buffer.length,
    async read(target, position) {
      buffer.copy(target, 0, position, position + target.length);
    },
    stream: (start, length) => Readable.from([buffer.subarray(start, start + length)]),
  };
}

/**
 * Random access into an uncompressed tar file: headers are read by seeking, entry data is never read
 * until asked for. Links inside the archive (skopeo writes `layer.tar` symlinks) are followed.
 */
export class TarFiles implements ArchiveFiles {
  private constructor(
    private readonly bytes: TarBytes,
    private readonly entries: Map<string, IndexedEntry>,
    private readonly context: ErrorContext,
  ) {}

  static async open(bytes: TarBytes, context: ErrorContext): Promise<TarFiles> {
    return new TarFiles(bytes, await indexTar(bytes, context), context);
  }

  private resolve(name: string): IndexedEntry | undefined {
    let current = name;
    for (let hops = 0; hops < 16; hops++) {
      const entry = this.entries.get(current);
      if (!entry) return undefined;
      if (entry.header.type === 'symlink') current = resolveLinkTarget(current, entry.header.linkname);
      else if (entry.header.type === 'hardlink')
        current = normalizeEntryName(entry.header.linkname, this.context);
      else return entry.header.type === 'file' ? entry : undefined;
    }
    throw new KeelsonError(
      'UNSAFE_PATH',
      `too many levels of links resolving ${name} in the archive`,
      this.context,
    );
  }

  async has(name: string): Promise<boolean> {
    return this.resolve(name) !== undefined;
  }

  async size(name: string): Promise<number | undefined> {
    return this.resolve(name)?.header.size;
  }

  async read(name: string, maxBytes: number): Promise<Buffer> {
    const entry = this.need(name);
    if (entry.header.size > maxBytes) {
      throw new KeelsonError(
        'INVALID_IMAGE',
        `${name} is ${entry.header.size} bytes, over the ${maxBytes}-byte limit`,
        {
          ...this.context,
          file: name,
        },
      );
    }
    const buf = Buffer.alloc(entry.header.size);
    await this.bytes.read(buf, entry.offset);
    return buf;
  }

  stream(name: string): Readable {
    const entry = this.need(name);
    return this.bytes.stream(entry.offset, entry.header.size);
  }

  private need(name: string): IndexedEntry {
    const entry = this.resolve(name);
    if (!entry)
      throw new KeelsonError('MISSING_BLOB', `${name} is not in the archive`, {
        ...this.context,
        file: name,
      });
    return entry;
  }

  async close(): Promise<void> {}
}

async function indexTar(bytes: TarBytes, context: ErrorContext): Promise<Map<string, IndexedEntry>> {
  const fileSize = bytes.size;
  const entries = new Map<string, IndexedEntry>();
  const block = Buffer.alloc(TAR_BLOCK);
  let pos = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  while (pos + TAR_BLOCK <= fileSize) {
    await bytes.read(block, pos);
    if (isZeroBlock(block)) break;
    const raw = decodeHeaderBlock(block, pos, context);
    const dataStart = pos + TAR_BLOCK;
    const padded = Math.ceil(raw.size / TAR_BLOCK) * TAR_BLOCK;
    if (isMetaType(raw.typeflag)) {
      if (raw.size > 1 << 20)
        throw new KeelsonError('INVALID_IMAGE', `oversized tar metadata at byte ${pos}`, context);
      const body = Buffer.alloc(raw.size);
      await bytes.read(body, dataStart);
      const meta = decodeMeta(raw.typeflag, body, context);
      if (meta.pax) pax = meta.pax;
      if (raw.typeflag === 'L') longName = meta.text;
      if (raw.typeflag === 'K') longLink = meta.text;
      pos = dataStart + padded;
      continue;
    }
    const header = applyExtensions(raw, pax, longName, longLink, context);
    pax = {};
    longName = undefined;
    longLink = undefined;
    const bodySize = header.type === 'file' || header.type === 'other' ? header.size : 0;
    if (dataStart + bodySize > fileSize) {
      throw new KeelsonError('TRUNCATED_LAYER', `archive is truncated inside ${header.name}`, context);
    }
    const name = normalizeEntryName(header.name, context);
    if (name !== '') entries.set(name, { header, offset: dataStart });
    if (entries.size > MAX_ENTRIES)
      throw new KeelsonError('INVALID_IMAGE', 'archive has too many entries', context);
    pos = dataStart + Math.ceil(bodySize / TAR_BLOCK) * TAR_BLOCK;
  }
  if (entries.size === 0)
    throw new KeelsonError('INVALID_IMAGE', 'not a tar archive, or an empty one', context);
  return entries;
}

/** Files of an image layout that lives in a directory on disk. */
export class DirFiles implements ArchiveFiles {
  constructor(
    private readonly root: string,
    private readonly context: ErrorContext,
  ) {}

  /** Names come from manifests: keep them inside the layout directory. */
  private pathOf(name: string): string {
    return join(this.root, normalizeEntryName(name, this.context));
  }

  async size(name: string): Promise<number | undefined> {
    try {
      const st = await stat(this.pathOf(name));
      return st.isFile() ? st.size : undefined;
    } catch {
      return undefined;
    }
  }

  async has(name: string): Promise<boolean> {
    return (await this.size(name)) !== undefined;
  }

  async read(name: string, maxBytes: number): Promise<Buffer> {
    const size = await this.size(name);
    if (size === undefined) {
      throw new KeelsonError('MISSING_BLOB', `${name} is missing from the layout`, {
        ...this.context,
        file: name,
      });
    }
    if (size > maxBytes) {
      throw new KeelsonError('INVALID_IMAGE', `${name} is ${size} bytes, over the ${maxBytes}-byte limit`, {
        ...this.context,
        file: name,
      });
    }
    return readFile(this.pathOf(name));
  }

  stream(name: string): Readable {
    return createReadStream(this.pathOf(name), { highWaterMark: 1024 * 1024 });
  }

  async close(): Promise<void> {}
}
