/**
 * Reading VEX from disk: one file of any supported format (sniffed from its content), or a directory
 * tree of `*.json` files.
 */
import type { Dirent } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KeelsonError, toKeelsonError } from '../core/errors.js';
import { attestationStatements, isAttestation } from './attestation.js';
import { csafStatements, isCsafDocument } from './csaf.js';
import { cycloneDxStatements, isCycloneDxVex } from './cyclonedx.js';
import { decodeJson, MAX_VEX_BYTES } from './json.js';
import { isOpenVexDocument, openVexStatements } from './openvex.js';
import type { VexStatement } from './types.js';

export type VexFormat = VexStatement['format'] | 'attestation';

/** Which VEX format a decoded JSON document is, if any. */
export function sniffVexFormat(doc: unknown): VexFormat | undefined {
  if (isOpenVexDocument(doc)) return 'openvex';
  if (isCycloneDxVex(doc)) return 'cyclonedx';
  if (isCsafDocument(doc)) return 'csaf';
  if (isAttestation(doc)) return 'attestation';
  return undefined;
}

/** Statements of a VEX document in any supported format; PARSE_ERROR for anything else. */
export function parseVexDocument(input: Uint8Array | string, file: string, origin = file): VexStatement[] {
  return vexStatementsOf(decodeJson(input, file), file, origin);
}

/** As parseVexDocument, for an already decoded JSON value. */
export function vexStatementsOf(doc: unknown, file: string, origin = file): VexStatement[] {
  switch (sniffVexFormat(doc)) {
    case 'openvex':
      return openVexStatements(doc, file, { origin });
    case 'cyclonedx':
      return cycloneDxStatements(doc, file, { origin });
    case 'csaf':
      return csafStatements(doc, file, { origin });
    case 'attestation':
      return attestationStatements(doc, file, origin);
    default:
      throw new KeelsonError(
        'PARSE_ERROR',
        'not a recognised VEX document (OpenVEX, CycloneDX VEX, CSAF 2.0 VEX or an in-toto OpenVEX attestation)',
        { file },
      );
  }
}

export interface ReadVexOptions {
  /** Per-file size cap in bytes (default 64 MiB). */
  maxBytes?: number;
}

/** Reads and parses one VEX file. FILE_TOO_LARGE over the cap, PARSE_ERROR for bad content. */
export async function readVexFile(path: string, options: ReadVexOptions = {}): Promise<VexStatement[]> {
  const bytes = await readFileCapped(path, options.maxBytes ?? MAX_VEX_BYTES);
  return parseVexDocument(bytes, path);
}

/** A regular file's bytes: TARGET_NOT_FOUND when missing, FILE_TOO_LARGE over `maxBytes`. */
export async function readFileCapped(path: string, maxBytes: number): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new KeelsonError('TARGET_NOT_FOUND', `${path} does not exist`, { file: path });
    throw toKeelsonError(err, 'INVALID_ARGUMENT', { file: path });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile())
      throw new KeelsonError('INVALID_ARGUMENT', `${path} is not a regular file`, { file: path });
    if (info.size > maxBytes) {
      throw new KeelsonError('FILE_TOO_LARGE', `${info.size} bytes, over the ${maxBytes} byte limit`, {
        file: path,
      });
    }
    // Read at most one byte past the cap: the file may grow between stat and read.
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > maxBytes) {
      throw new KeelsonError('FILE_TOO_LARGE', `grew past the ${maxBytes} byte limit`, { file: path });
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

export interface VexPathResult {
  statements: VexStatement[];
  /** Files parsed successfully (including ones that held no statements). */
  files: string[];
  /** Files left out, with why: not VEX, too large, broken. */
  skipped: { file: string; reason: string }[];
}

export interface ReadVexPathOptions extends ReadVexOptions {
  /** Most files a directory walk reads (default 100 000). */
  maxFiles?: number;
}

const MAX_DEPTH = 64;

/**
 * A VEX file, or every `*.json` file under a directory (recursively, in sorted order, following
 * symlinks but visiting each real directory once so loops end). A single named file must parse
 * (errors are thrown); in a directory, files that are not VEX or fail to parse are listed in
 * `skipped` so one bad document does not hide the rest.
 */
export async function readVexPath(path: string, options: ReadVexPathOptions = {}): Promise<VexPathResult> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new KeelsonError('TARGET_NOT_FOUND', `VEX path ${path} does not exist`, { file: path });
    }
    throw toKeelsonError(err, 'INVALID_ARGUMENT', { file: path });
  }
  if (!info.isDirectory()) {
    const statements = await readVexFile(path, options);
    return { statements, files: [path], skipped: [] };
  }
  const result: VexPathResult = { statements: [], files: [], skipped: [] };
  const maxFiles = options.maxFiles ?? 100_000;
  const visited = new Set<string>();
  let full = false;
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (full) return;
    const real = await realpath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    if (depth > MAX_DEPTH) {
      result.skipped.push({ file: dir, reason: `deeper than ${MAX_DEPTH} directories` });
      return;
    }
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      result.skipped.push({ file: dir, reason: `unreadable directory: ${(err as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (full) return;
      const entryPath = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = await stat(entryPath);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch {
          result.skipped.push({ file: entryPath, reason: 'dangling symlink' });
          continue;
        }
      }
      if (isDir) await walk(entryPath, depth + 1);
      else if (isFile && entry.name.toLowerCase().endsWith('.json')) {
        if (result.files.length + result.skipped.length >= maxFiles) {
          result.skipped.push({ file: dir, reason: `stopped at the ${maxFiles} file limit` });
          full = true;
          return;
        }
        try {
          result.statements.push(...(await readVexFile(entryPath, options)));
          result.files.push(entryPath);
        } catch (err) {
          const e = toKeelsonError(err, 'PARSE_ERROR', { file: entryPath });
          result.skipped.push({ file: entryPath, reason: e.message });
        }
      }
    }
  };
  await walk(path, 0);
  return result;
}
