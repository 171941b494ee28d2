/**
 * Ubuntu Chisel's manifest (`var/lib/chisel/manifest.wall`): a zstd-compressed "jsonwall", one JSON
 * object per line after a `{"jsonwall":…}` header. `package` entries name the Debian packages the slices
 * came from; `path` entries list the files each slice (`<package>_<slice>`) installed.
 */
import type { z } from 'zod';
import { KeelsonError } from '../../core/errors.js';
import { lazy, lazyRequire, zod } from '../../core/lazy.js';

const fzstd = lazyRequire<typeof import('fzstd')>('fzstd');

import type { PackageRecord } from '../../core/types.js';
import { zstdFrameProblem } from './zstd-frames.js';

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
/** Real manifests are a few hundred KiB; anything past this is a decompression bomb. */
const MAX_MANIFEST_BYTES = 128 * 1024 * 1024;
/** Chisel's encoder uses an 8 MiB window; fzstd allocates whatever a frame declares. */
const MAX_WINDOW_BYTES = 32 * 1024 * 1024;

/** The schemas, built on first use (see core/lazy-zod). */
const buildSchemas = () => {
  const { z } = zod();
  const Header = z.object({ jsonwall: z.string() }).loose();
  const PackageEntry = z
    .object({
      kind: z.literal('package'),
      name: z.string().min(1),
      version: z.string().min(1),
      arch: z.string().optional(),
    })
    .loose();
  const PathEntry = z
    .object({ kind: z.literal('path'), path: z.string().min(1), slices: z.array(z.string()).optional() })
    .loose();
  const Entry = z.object({ kind: z.string() }).loose();
  return { Header, PackageEntry, PathEntry, Entry };
};
const schemas = lazy(buildSchemas);
type PackageEntry = z.infer<ReturnType<typeof buildSchemas>['PackageEntry']>;

export interface ChiselManifest {
  packages: PackageRecord[];
  /** 1-based lines that were not JSON objects or not valid entries of their kind. */
  badLines: number[];
}

export function parseChiselManifest(content: Buffer, location: string): ChiselManifest {
  const raw = content.subarray(0, 4).equals(ZSTD_MAGIC) ? decompress(content, location) : content;
  const text = raw.toString('utf8');
  const lines = text.split('\n');
  if (!schemas().Header.safeParse(parseJson(lines[0] ?? '')).success) {
    throw new KeelsonError('PARSE_ERROR', 'not a chisel manifest: line 1 is no jsonwall header', {
      file: location,
    });
  }

  const packages = new Map<string, PackageRecord>();
  const filesByPackage = new Map<string, string[]>();
  const badLines: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const value = parseJson(line);
    const entry = schemas().Entry.safeParse(value);
    if (!entry.success) {
      badLines.push(i + 1);
      continue;
    }
    if (entry.data.kind === 'package') {
      const pkg = schemas().PackageEntry.safeParse(value);
      if (!pkg.success) badLines.push(i + 1);
      else packages.set(pkg.data.name, toRecord(pkg.data, location));
    } else if (entry.data.kind === 'path') {
      const path = schemas().PathEntry.safeParse(value);
      if (!path.success) badLines.push(i + 1);
      else addFile(filesByPackage, path.data.path, path.data.slices ?? []);
    }
  }

  for (const [name, files] of filesByPackage) {
    const record = packages.get(name);
    if (record) record.files = files;
  }
  return { packages: [...packages.values()], badLines };
}

function toRecord(entry: PackageEntry, location: string): PackageRecord {
  const record: PackageRecord = {
    name: entry.name,
    version: entry.version,
    type: 'deb',
    location,
    foundBy: 'chisel',
  };
  if (entry.arch) record.arch = entry.arch;
  return record;
}

/** Files (not directories, which end in `/`) go to the package of each slice that installed them. */
function addFile(filesByPackage: Map<string, string[]>, path: string, slices: string[]): void {
  if (path.endsWith('/')) return;
  const file = path.replace(/^\/+/, '');
  // Debian package names cannot contain `_`, so the slice name `libc6_libs` splits at the first one.
  for (const owner of new Set(slices.map((slice) => slice.split('_', 1)[0]!))) {
    const files = filesByPackage.get(owner);
    if (files) files.push(file);
    else filesByPackage.set(owner, [file]);
  }
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** Streams the frames so the output can be capped before it is allocated. */
function decompress(content: Buffer, location: string): Buffer {
  const fail = (message: string, cause?: unknown) =>
    new KeelsonError('PARSE_ERROR', `chisel manifest ${message}`, { file: location }, { cause });
  const problem = zstdFrameProblem(content, MAX_WINDOW_BYTES);
  if (problem) throw fail(`is not usable zstd: ${problem}`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const stream = new (fzstd().Decompress)((chunk) => {
    size += chunk.length;
    if (size > MAX_MANIFEST_BYTES) throw fail(`decompresses to more than ${MAX_MANIFEST_BYTES} bytes`);
    chunks.push(chunk);
  });
  try {
    stream.push(content, true);
  } catch (err) {
    if (err instanceof KeelsonError) throw err;
    throw fail(`is not valid zstd: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  return Buffer.concat(chunks, size);
}
