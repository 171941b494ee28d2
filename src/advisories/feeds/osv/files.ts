/**
 * Turns the files a feed importer receives into the documents inside them: zip archives (osv.dev
 * `all.zip`), gzip tarballs (GitHub repository snapshots, Chainguard's OSV tarball) and gzip files are
 * expanded one member at a time, with caps on every expansion so a hostile archive cannot exhaust memory.
 */
import { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { isKeelsonError, KeelsonError } from '../../../core/errors.js';
import { readCentralDirectory, readZipEntry } from '../../../core/zip.js';
import { TarParser } from '../../../layers/tar.js';
import type { FeedFile, ImportSink } from '../../types.js';

export interface ExpandLimits {
  /** Largest single member, uncompressed; bigger members are skipped with a reason. */
  maxMemberBytes: number;
  /** Most bytes one archive may expand to; beyond it the import fails (DECOMPRESSION_BOMB). */
  maxTotalBytes: number;
  /** Most members one archive may hold. */
  maxMembers: number;
}

export const DEFAULT_LIMITS: ExpandLimits = {
  maxMemberBytes: 64 * 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024 * 1024,
  maxMembers: 2_000_000,
};

/** One document from an input file: `path` is for messages, `member` the path inside the archive. */
export interface FeedDocument extends FeedFile {
  member?: string;
}

export function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function isZip(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
}

function isTarGzPath(path: string): boolean {
  return /\.(tar\.gz|tgz)$/i.test(path);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Gunzips a whole (small) file, bounded; a truncated or corrupt stream is a PARSE_ERROR naming the file. */
export function gunzipBounded(file: FeedFile, maxBytes = DEFAULT_LIMITS.maxMemberBytes * 16): Buffer {
  try {
    return gunzipSync(file.bytes, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new KeelsonError('DECOMPRESSION_BOMB', `${file.path} expands to more than ${maxBytes} bytes`, {
        file: file.path,
      });
    }
    throw new KeelsonError('PARSE_ERROR', `${file.path} is not a readable gzip file: ${message(err)}`, {
      file: file.path,
    });
  }
}

function* zipMembers(file: FeedFile, sink: ImportSink, limits: ExpandLimits): Generator<FeedDocument> {
  let directory: ReturnType<typeof readCentralDirectory>;
  try {
    directory = readCentralDirectory(file.bytes);
  } catch (err) {
    throw new KeelsonError('PARSE_ERROR', `${file.path} is not a readable zip archive: ${message(err)}`, {
      file: file.path,
    });
  }
  if (directory.entries.length > limits.maxMembers) {
    throw new KeelsonError(
      'DECOMPRESSION_BOMB',
      `${file.path} holds ${directory.entries.length} members, more than ${limits.maxMembers}`,
      { file: file.path },
    );
  }
  let total = 0;
  for (const entry of directory.entries) {
    if (entry.name.endsWith('/')) continue;
    const where = `${file.path}: ${entry.name}`;
    if (entry.size > limits.maxMemberBytes) {
      sink.skip(where, `member of ${entry.size} bytes exceeds the ${limits.maxMemberBytes}-byte limit`);
      continue;
    }
    total += entry.size;
    if (total > limits.maxTotalBytes) {
      throw new KeelsonError(
        'DECOMPRESSION_BOMB',
        `${file.path} expands to more than ${limits.maxTotalBytes} bytes`,
        {
          file: file.path,
        },
      );
    }
    let bytes: Buffer;
    try {
      bytes = readZipEntry(file.bytes, entry);
    } catch (err) {
      sink.skip(where, message(err));
      continue;
    }
    yield { path: `${file.path}!/${entry.name}`, member: entry.name, bytes };
  }
  if (directory.problem) sink.skip(file.path, directory.problem);
}

/** Tar members streamed out of a gzip tarball; `member` has the snapshot's top folder removed when asked. */
async function* tarGzMembers(
  file: FeedFile,
  sink: ImportSink,
  limits: ExpandLimits,
  stripTopFolder: boolean,
): AsyncGenerator<FeedDocument> {
  const ready: FeedDocument[] = [];
  let members = 0;
  const parser = new TarParser(
    {
      entry(header) {
        if (header.type !== 'file') return undefined;
        members++;
        if (members > limits.maxMembers) {
          throw new KeelsonError(
            'DECOMPRESSION_BOMB',
            `${file.path} holds more than ${limits.maxMembers} members`,
            {
              file: file.path,
            },
          );
        }
        let member = header.name.replace(/^\.\//, '');
        if (stripTopFolder) member = member.slice(member.indexOf('/') + 1);
        if (header.size > limits.maxMemberBytes) {
          sink.skip(
            `${file.path}: ${member}`,
            `member of ${header.size} bytes exceeds the ${limits.maxMemberBytes}-byte limit`,
          );
          return undefined;
        }
        const chunks: Buffer[] = [];
        return {
          data: (chunk) => chunks.push(Buffer.from(chunk)),
          end: () => ready.push({ path: `${file.path}!/${member}`, member, bytes: Buffer.concat(chunks) }),
        };
      },
    },
    { file: file.path },
  );
  const gunzip = createGunzip();
  Readable.from([file.bytes]).pipe(gunzip);
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > limits.maxTotalBytes) {
        throw new KeelsonError(
          'DECOMPRESSION_BOMB',
          `${file.path} expands to more than ${limits.maxTotalBytes} bytes`,
          {
            file: file.path,
          },
        );
      }
      parser.write(chunk);
      while (ready.length > 0) yield ready.shift()!;
      if (parser.finished) break;
    }
    parser.end();
  } catch (err) {
    if (isKeelsonError(err) && (err.code === 'DECOMPRESSION_BOMB' || err.code === 'PARSE_ERROR')) throw err;
    throw new KeelsonError('PARSE_ERROR', `${file.path} is not a readable gzip tarball: ${message(err)}`, {
      file: file.path,
    });
  } finally {
    gunzip.destroy();
  }
  while (ready.length > 0) yield ready.shift()!;
}

/**
 * The documents inside one input file: zip members, tarball members, a gunzipped `.gz`, or the file
 * itself. `stripTopFolder` removes the single top folder GitHub puts in repository tarballs.
 */
export async function* expandFeedFile(
  file: FeedFile,
  sink: ImportSink,
  options: { limits?: ExpandLimits; stripTopFolder?: boolean } = {},
): AsyncGenerator<FeedDocument> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  if (isZip(file.bytes) || /\.zip$/i.test(file.path)) {
    yield* zipMembers(file, sink, limits);
  } else if (isGzip(file.bytes) && isTarGzPath(file.path)) {
    yield* tarGzMembers(file, sink, limits, options.stripTopFolder ?? false);
  } else if (/\.gz$/i.test(file.path) || isGzip(file.bytes)) {
    const path = file.path.replace(/\.gz$/i, '');
    yield { path, bytes: gunzipBounded(file, limits.maxMemberBytes) };
  } else {
    yield file;
  }
}

export type JsonRead = { value: unknown } | { malformed: string };

/**
 * Parses a JSON document. Text that starts like JSON but does not parse is a malformed record (the
 * caller skips it); anything else is not a JSON feed at all and throws PARSE_ERROR naming the file.
 */
export function readJson(doc: FeedFile): JsonRead {
  let text = doc.bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    const first = text.trimStart()[0];
    if (first === '{' || first === '[') return { malformed: `invalid JSON: ${message(err)}` };
    throw new KeelsonError('PARSE_ERROR', `${doc.path} is not JSON`, { file: doc.path });
  }
}

/** The first bytes of a file as text, for cheap sniffing in `recognizes`. */
export function head(file: FeedFile, bytes = 65536): string {
  return file.bytes.subarray(0, bytes).toString('utf8');
}
