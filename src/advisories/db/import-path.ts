/**
 * `keelson db import PATH`: feed files from a file, a folder or a `.tar.gz` of them, offline. A folder
 * whose sub-folders are named after importers (`alpine-secdb/`, `photon/`…) imports each as that source;
 * otherwise every file goes to the importer that recognizes it (or the one named with `--source`).
 * A folder with `keelson-feeds.json` saying `{"demo": true}` is demo data and labelled so.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { KeelsonError } from '../../core/errors.js';
import { TarParser } from '../../layers/tar.js';
import { feedImporter, feedImporters, requireFeedImporter } from '../feeds/registry.js';
import type { FeedFile, FeedImporter } from '../types.js';
import { readGzipTar } from './gzip-tar.js';
import type { SourceJob } from './writer.js';

/** Largest single feed file read (Debian's tracker JSON is ~80 MB; NVD years ~300 MB uncompressed). */
const MAX_FILE_BYTES = 1024 ** 3;
const MAX_FILES = 2_000_000;
export const FEEDS_MANIFEST = 'keelson-feeds.json';
/** Files that document a feed folder rather than hold feed data. */
const DOCUMENTATION = /^(README|PROVENANCE|LICENSE|NOTICE|COPYING)(\.[a-z]+)?$|\.md$/i;

export async function jobsFromPath(path: string, options: { source?: string } = {}): Promise<SourceJob[]> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) throw new KeelsonError('TARGET_NOT_FOUND', `${path} does not exist`, { file: path });
  const forced = options.source ? requireFeedImporter(options.source) : undefined;
  let files: FeedFile[];
  if (info.isDirectory()) {
    const demo = await readDemoFlag(path);
    if (!forced) {
      const bySourceDir = await sourceDirectories(path);
      if (bySourceDir.length)
        return Promise.all(
          bySourceDir.map(async ({ importer, dir }) => ({
            importer,
            files: await readTree(dir, dir),
            origin: dir,
            demo,
          })),
        );
    }
    files = await readTree(path, path);
    return group(files, forced, path, demo);
  }
  if (!info.isFile())
    throw new KeelsonError('INVALID_ARGUMENT', `${path} is not a file or folder`, { file: path });
  if (/\.(tar\.gz|tgz)$/i.test(path)) {
    files = await readTarGz(path);
    const top = new Map<string, FeedFile[]>();
    for (const f of files) {
      const [first, ...rest] = f.path.split('/');
      if (rest.length && first && feedImporter(first) && !forced)
        top.set(first, [...(top.get(first) ?? []), { path: rest.join('/'), bytes: f.bytes }]);
    }
    const demo = files.some((f) => f.path.endsWith(FEEDS_MANIFEST) && isDemoManifest(f.bytes));
    if (top.size)
      return [...top].map(([name, list]) => ({
        importer: requireFeedImporter(name),
        files: list,
        origin: path,
        demo,
      }));
    return group(files, forced, path, demo);
  }
  if (info.size > MAX_FILE_BYTES)
    throw new KeelsonError('FILE_TOO_LARGE', `${path} is larger than ${MAX_FILE_BYTES} bytes`, {
      file: path,
    });
  files = [{ path: basename(path), bytes: await readFile(path) }];
  return group(files, forced, path, false);
}

function isDemoManifest(bytes: Buffer): boolean {
  try {
    return (JSON.parse(bytes.toString('utf8')) as { demo?: unknown }).demo === true;
  } catch {
    return false;
  }
}

async function readDemoFlag(dir: string): Promise<boolean> {
  const bytes = await readFile(join(dir, FEEDS_MANIFEST)).catch(() => undefined);
  return bytes ? isDemoManifest(bytes) : false;
}

async function sourceDirectories(dir: string): Promise<{ importer: FeedImporter; dir: string }[]> {
  const out: { importer: FeedImporter; dir: string }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const importer = entry.isDirectory() ? feedImporter(entry.name) : undefined;
    if (importer) out.push({ importer, dir: join(dir, entry.name) });
  }
  return out;
}

/** Groups files by the importer that recognizes them; a file nobody recognizes is an error naming it. */
function group(
  files: FeedFile[],
  forced: FeedImporter | undefined,
  origin: string,
  demo: boolean,
): SourceJob[] {
  const data = files.filter((f) => !f.path.endsWith(FEEDS_MANIFEST));
  if (!data.length) throw new KeelsonError('PARSE_ERROR', `no feed files in ${origin}`, { file: origin });
  if (forced) return [{ importer: forced, files: data, origin, demo }];
  const jobs = new Map<FeedImporter, FeedFile[]>();
  for (const f of data) {
    const importer = feedImporters.find((i) => i.recognizes(f));
    if (!importer)
      throw new KeelsonError(
        'PARSE_ERROR',
        `${f.path}: not a feed keelson recognizes — name the source with --source (${feedImporters.map((i) => i.name).join(', ')})`,
        { file: f.path },
      );
    jobs.set(importer, [...(jobs.get(importer) ?? []), f]);
  }
  return [...jobs].map(([importer, list]) => ({ importer, files: list, origin, demo }));
}

/** Regular files under `dir` (symlinks are not followed), paths relative to `root` with `/`. */
async function readTree(dir: string, root: string, out: FeedFile[] = []): Promise<FeedFile[]> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await readTree(full, root, out);
    else if (entry.isFile() && !entry.name.startsWith('.') && !DOCUMENTATION.test(entry.name)) {
      const info = await lstat(full);
      if (info.size > MAX_FILE_BYTES)
        throw new KeelsonError('FILE_TOO_LARGE', `${full} is larger than ${MAX_FILE_BYTES} bytes`, {
          file: full,
        });
      if (out.length >= MAX_FILES)
        throw new KeelsonError('PARSE_ERROR', `more than ${MAX_FILES} files`, { file: root });
      out.push({ path: relative(root, full).split(sep).join('/'), bytes: await readFile(full) });
    }
  }
  return out;
}

/** Regular files of a gzipped tar, in memory, with the same caps; unsafe names are refused. */
async function readTarGz(path: string): Promise<FeedFile[]> {
  const files: FeedFile[] = [];
  let total = 0;
  const parser = new TarParser(
    {
      entry: (h) => {
        if (h.type !== 'file') return undefined;
        const name = h.name.replace(/^\.\//, '');
        if (DOCUMENTATION.test(name.split('/').pop() ?? '')) return undefined;
        if (name.startsWith('/') || name.split('/').includes('..'))
          throw new KeelsonError('UNSAFE_PATH', `unsafe entry name ${JSON.stringify(name)}`, { file: path });
        if (h.size > MAX_FILE_BYTES)
          throw new KeelsonError('FILE_TOO_LARGE', `${name} is larger than ${MAX_FILE_BYTES} bytes`, {
            file: path,
          });
        total += h.size;
        if (total > 4 * MAX_FILE_BYTES)
          throw new KeelsonError('DECOMPRESSION_BOMB', 'archive expands beyond 4 GiB of files', {
            file: path,
          });
        const chunks: Buffer[] = [];
        return {
          data: (c) => chunks.push(Buffer.from(c)),
          end: () => files.push({ path: name, bytes: Buffer.concat(chunks) }),
        };
      },
    },
    { file: path },
  );
  await readGzipTar(path, parser, '.tar.gz');
  return files;
}
