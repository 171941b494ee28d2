import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { ArchiveFiles } from './files.js';

/**
 * A compressed image archive (a gzipped `docker save`) must be decompressed whole before its
 * manifest can be read. A snapshot remembers, per archive file, the answers that opening it needed
 * (which names exist, their sizes, the small JSON documents), keyed by the file's identity (path, size,
 * modification and change times, inode). Reopening an unchanged archive replays those answers; only a
 * request the snapshot cannot answer (a layer stream, when the layer cache misses) decompresses it.
 */
interface SnapshotLog {
  has: Record<string, boolean>;
  size: Record<string, number | null>;
  /** base64 of files read whole (manifests, configs: small by construction, reads are capped). */
  read: Record<string, string>;
}

interface SnapshotFile {
  identity: string;
  log: SnapshotLog;
}

const VERSION = 1;
/** Snapshots only hold small documents; a read larger than this makes the archive not snapshottable. */
const MAX_SNAPSHOT_BYTES = 4 * 1024 * 1024;

async function identityOf(path: string): Promise<string> {
  const s = await stat(path, { bigint: true });
  return [VERSION, resolve(path), s.size, s.mtimeNs, s.ctimeNs, s.ino, s.dev].join(':');
}

function snapshotPath(cacheDir: string, path: string): string {
  const key = createHash('sha256').update(resolve(path)).digest('hex');
  return join(cacheDir, 'archives', key.slice(0, 2), `${key}.json`);
}

/** The archive's snapshot replayed as its files, or undefined when there is none for this exact file. */
export async function openSnapshot(
  cacheDir: string,
  path: string,
  materialize: () => Promise<ArchiveFiles>,
): Promise<ArchiveFiles | undefined> {
  try {
    const parsed = JSON.parse(await readFile(snapshotPath(cacheDir, path), 'utf8')) as SnapshotFile;
    if (parsed.identity !== (await identityOf(path)) || !parsed.log) return undefined;
    return new ReplayFiles(parsed.log, materialize);
  } catch {
    return undefined;
  }
}

/** Wraps freshly opened archive files so that what opening asks of them can be saved as a snapshot. */
export class RecordingFiles implements ArchiveFiles {
  private readonly log: SnapshotLog = { has: {}, size: {}, read: {} };
  private bytes = 0;

  constructor(private readonly inner: ArchiveFiles) {}

  async has(name: string): Promise<boolean> {
    const answer = await this.inner.has(name);
    this.log.has[name] = answer;
    return answer;
  }

  async read(name: string, maxBytes: number): Promise<Buffer> {
    const data = await this.inner.read(name, maxBytes);
    this.bytes += data.length;
    this.log.read[name] = data.toString('base64');
    return data;
  }

  stream(name: string): Readable {
    return this.inner.stream(name);
  }

  async size(name: string): Promise<number | undefined> {
    const answer = await this.inner.size(name);
    this.log.size[name] = answer ?? null;
    return answer;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Saves what was asked so far (call once the image is open); best effort, atomic. */
  async save(cacheDir: string, path: string): Promise<void> {
    if (this.bytes > MAX_SNAPSHOT_BYTES) return;
    const file = snapshotPath(cacheDir, path);
    try {
      await mkdir(join(file, '..'), { recursive: true });
      const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      const content: SnapshotFile = { identity: await identityOf(path), log: this.log };
      await writeFile(temp, JSON.stringify(content));
      await rename(temp, file);
    } catch {
      // A cache that cannot be written only costs speed.
    }
  }
}

class ReplayFiles implements ArchiveFiles {
  private real: Promise<ArchiveFiles> | undefined;

  constructor(
    private readonly log: SnapshotLog,
    private readonly materialize: () => Promise<ArchiveFiles>,
  ) {}

  private files(): Promise<ArchiveFiles> {
    this.real ??= this.materialize();
    return this.real;
  }

  async has(name: string): Promise<boolean> {
    const answer = this.log.has[name];
    return answer ?? (await this.files()).has(name);
  }

  async read(name: string, maxBytes: number): Promise<Buffer> {
    const data = this.log.read[name];
    if (data !== undefined && Buffer.byteLength(data, 'base64') <= maxBytes)
      return Buffer.from(data, 'base64');
    return (await this.files()).read(name, maxBytes);
  }

  stream(name: string): Readable {
    // A layer: decompress the archive now (only happens when the layer cache does not have the layer).
    const out = new PassThrough();
    this.files().then(
      (files) =>
        files
          .stream(name)
          .on('error', (err) => out.destroy(err))
          .pipe(out),
      (err: Error) => out.destroy(err),
    );
    return out;
  }

  async size(name: string): Promise<number | undefined> {
    if (name in this.log.size) return this.log.size[name] ?? undefined;
    return (await this.files()).size(name);
  }

  async close(): Promise<void> {
    if (this.real) await (await this.real).close();
  }
}
