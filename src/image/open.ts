import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ErrorContext, KeelsonError } from '../core/errors.js';
import {
  ByteBudget,
  type Compression,
  checkBombLimits,
  createDecompressor,
  DEFAULT_LIMITS,
  sniffCompression,
  tap,
} from '../layers/decompress.js';
import { openDockerArchive } from './archive/docker-archive.js';
import {
  type ArchiveFiles,
  bufferBytes,
  DirFiles,
  fileBytes,
  type TarBytes,
  TarFiles,
} from './archive/files.js';
import { openOciLayout } from './archive/oci-layout.js';
import { openSnapshot, RecordingFiles } from './archive/snapshot.js';
import { sniffSbomFile } from './sbom-sniff.js';
import type { ImageSource, OpenOptions } from './types.js';

export type OpenedTarget =
  | { kind: 'image'; source: ImageSource }
  | { kind: 'rootfs'; root: string; target: string }
  /** An SBOM file (CycloneDX / SPDX JSON): already an inventory, nothing to open. */
  | { kind: 'sbom'; path: string; target: string };

const TRANSPORTS = [
  'docker-archive:',
  'oci-archive:',
  'oci:',
  'rootfs:',
  'dir:',
  'sbom:',
  'docker://',
  'registry:',
] as const;

/**
 * Turns what the user typed into an image source. Explicit transports (`oci-archive:x.tar`,
 * `docker://alpine`) win; otherwise an existing path is sniffed, and anything else is a registry reference.
 */
export async function openTarget(target: string, options: OpenOptions = {}): Promise<OpenedTarget> {
  const transport = TRANSPORTS.find((t) => target.startsWith(t));
  const rest = transport ? target.slice(transport.length) : target;
  switch (transport) {
    case 'docker://':
    case 'registry:':
      return { kind: 'image', source: await openRemote(rest, options) };
    case 'rootfs:':
    case 'dir:':
      return { kind: 'rootfs', root: resolve(rest), target };
    case 'sbom:': {
      const st = await stat(rest).catch(() => undefined);
      if (!st?.isFile())
        throw new KeelsonError('TARGET_NOT_FOUND', `no such SBOM file: ${rest}`, { file: rest });
      return { kind: 'sbom', path: rest, target };
    }
    case undefined:
      break;
    default:
      return openPath(rest, target, options, transport);
  }
  const exists = await stat(target).then(
    () => true,
    () => false,
  );
  if (exists || target.startsWith('/') || target.startsWith('.')) return openPath(target, target, options);
  return { kind: 'image', source: await openRemote(target, options) };
}

async function openRemote(reference: string, options: OpenOptions): Promise<ImageSource> {
  const { openRegistryImage } = await import('./registry/source.js');
  return openRegistryImage(reference, options);
}

async function openPath(
  path: string,
  target: string,
  options: OpenOptions,
  transport?: string,
): Promise<OpenedTarget> {
  const context: ErrorContext = { image: target };
  let st: import('node:fs').Stats;
  try {
    st = await stat(path);
  } catch {
    throw new KeelsonError('TARGET_NOT_FOUND', `no such file or directory: ${path}`, context);
  }
  if (st.isDirectory()) {
    const files = new DirFiles(path, context);
    if (await files.has('oci-layout')) {
      return {
        kind: 'image',
        source: await openOciLayout(files, target, 'oci-layout', options, async () => {}),
      };
    }
    if (transport === 'oci:')
      throw new KeelsonError('INVALID_IMAGE', 'directory has no oci-layout file', context);
    if (await files.has('manifest.json')) {
      return { kind: 'image', source: await openDockerArchive(files, target, async () => {}) };
    }
    return { kind: 'rootfs', root: resolve(path), target };
  }
  // An SBOM file is an inventory already: nothing to open (`sbom:` forces it, see above).
  if (!transport && (await sniffSbomFile(path))) return { kind: 'sbom', path, target };
  const replayed = options.cacheDir
    ? await openFromSnapshot(path, target, transport, options, context)
    : undefined;
  if (replayed) return { kind: 'image', source: replayed };
  const { files, cleanup, compressed } = await openArchiveFile(path, context, options);
  // Only a compressed archive is worth a snapshot: an uncompressed one is read by seeking anyway.
  const recording = compressed && options.cacheDir ? new RecordingFiles(files) : undefined;
  try {
    const source = await openArchive(recording ?? files, target, transport, cleanup, options, context);
    if (recording && options.cacheDir) await recording.save(options.cacheDir, path);
    return { kind: 'image', source };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Opens a compressed archive seen before from its snapshot: no decompression unless a layer is read. */
async function openFromSnapshot(
  path: string,
  target: string,
  transport: string | undefined,
  options: OpenOptions,
  context: ErrorContext,
): Promise<ImageSource | undefined> {
  let cleanup = async () => {};
  const files = await openSnapshot(options.cacheDir!, path, async () => {
    const opened = await openArchiveFile(path, context, options);
    cleanup = opened.cleanup;
    return opened.files;
  });
  if (!files) return undefined;
  try {
    return await openArchive(files, target, transport, () => cleanup(), options, context);
  } catch {
    // A snapshot that no longer leads to an image (never expected): open the archive itself.
    await cleanup();
    return undefined;
  }
}

async function openArchive(
  files: ArchiveFiles,
  target: string,
  transport: string | undefined,
  cleanup: () => Promise<void>,
  options: OpenOptions,
  context: ErrorContext,
): Promise<ImageSource> {
  const hasOci = (await files.has('oci-layout')) && (await files.has('index.json'));
  const hasDocker = await files.has('manifest.json');
  if (transport === 'oci-archive:' && !hasOci) {
    throw new KeelsonError('INVALID_IMAGE', 'not an OCI archive: no oci-layout/index.json', context);
  }
  if (transport === 'docker-archive:' && !hasDocker) {
    throw new KeelsonError('INVALID_IMAGE', 'not a docker archive: no manifest.json', context);
  }
  if (hasOci && transport !== 'docker-archive:') {
    return openOciLayout(files, target, 'oci-archive', options, cleanup);
  }
  if (hasDocker) return openDockerArchive(files, target, cleanup);
  throw new KeelsonError(
    'INVALID_IMAGE',
    'not an image archive: it has neither manifest.json (docker save) nor oci-layout (OCI)',
    context,
  );
}

/** Compressed archives up to this size are unpacked in memory (a warm scan then touches no disk). */
const IN_MEMORY_COMPRESSED = 32 * 1024 * 1024;
const IN_MEMORY_UNPACKED = 256 * 1024 * 1024;

class TooBigForMemory extends Error {}

/** Decompresses `path` into `sink` under the decompression-bomb limits. */
async function unpack(
  path: string,
  compression: Compression,
  sink: Writable,
  context: ErrorContext,
): Promise<void> {
  const budget = new ByteBudget(DEFAULT_LIMITS);
  let compressed = 0;
  let produced = 0;
  const countIn = tap((chunk) => {
    compressed += chunk.length;
  });
  const limit = tap((chunk) => {
    produced += chunk.length;
    budget.uncompressed += chunk.length;
    checkBombLimits(budget, produced, compressed, true, context);
  });
  try {
    await pipeline(createReadStream(path), countIn, createDecompressor(compression)!, limit, sink);
  } catch (err) {
    if (err instanceof KeelsonError || err instanceof TooBigForMemory) throw err;
    throw new KeelsonError(
      'INVALID_IMAGE',
      `cannot decompress the archive: ${(err as Error).message}`,
      context,
    );
  }
}

/** Unpacks a small compressed archive into memory; undefined when it turns out too large for that. */
async function unpackInMemory(
  path: string,
  compression: Compression,
  context: ErrorContext,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  const collect = new Writable({
    write(chunk: Buffer, _e, cb) {
      size += chunk.length;
      if (size > IN_MEMORY_UNPACKED) return cb(new TooBigForMemory());
      chunks.push(chunk);
      cb();
    },
  });
  try {
    await unpack(path, compression, collect, context);
  } catch (err) {
    if (err instanceof TooBigForMemory) return undefined;
    throw err;
  }
  return Buffer.concat(chunks, size);
}

/**
 * Indexes a tar archive for random access. A compressed one is unpacked first: in memory when small,
 * else into a private temporary file that `cleanup` removes.
 */
async function openArchiveFile(
  path: string,
  context: ErrorContext,
  options: OpenOptions,
): Promise<{ files: ArchiveFiles; cleanup: () => Promise<void>; compressed: boolean }> {
  const head = Buffer.alloc(6);
  const handle = await open(path, 'r');
  let compressedSize: number;
  try {
    await handle.read(head, 0, 6, 0);
    compressedSize = (await handle.stat()).size;
  } finally {
    await handle.close();
  }
  const compression = sniffCompression(head, context);
  let bytes: TarBytes | undefined;
  let cleanup = async () => {};
  if (compression === 'none') bytes = await fileBytes(path);
  else if (compressedSize <= IN_MEMORY_COMPRESSED) {
    const unpacked = await unpackInMemory(path, compression, context);
    if (unpacked) bytes = bufferBytes(unpacked);
  }
  if (!bytes) {
    const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'keelson-'));
    cleanup = () => rm(dir, { recursive: true, force: true });
    const tarPath = join(dir, 'image.tar');
    try {
      await unpack(path, compression, createWriteStream(tarPath), context);
      bytes = await fileBytes(tarPath);
    } catch (err) {
      await cleanup();
      throw err;
    }
  }
  try {
    return { files: await TarFiles.open(bytes, context), cleanup, compressed: compression !== 'none' };
  } catch (err) {
    await cleanup();
    if (err instanceof KeelsonError && err.code === 'CORRUPT_LAYER') {
      throw new KeelsonError('INVALID_IMAGE', `not an image archive: ${err.message}`, context);
    }
    throw err;
  }
}
