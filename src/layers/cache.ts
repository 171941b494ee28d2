import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Analyzer, FileFacts } from '../analyzers/types.js';
import type { LayerFacts } from './walker.js';

/** Bump when the walker's own output changes (whiteout handling, link recording…). */
export const WALKER_VERSION = 2;

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'keelson');
}

/**
 * Per-layer facts on disk, keyed by the layer's diffID plus the walker and analyzer versions: a layer
 * seen before is never read again. Keys are hashes, so no entry name can point outside the directory.
 */
export class LayerCache {
  private readonly dir: string;

  constructor(
    cacheDir: string,
    private readonly analyzers: readonly Analyzer[],
  ) {
    this.dir = join(cacheDir, 'layers');
  }

  key(diffID: string): string {
    const versions = this.analyzers.map((a) => `${a.name}@${a.version}`).join(',');
    return createHash('sha256')
      .update(`keelson-layer/${WALKER_VERSION}\n${diffID}\n${versions}`)
      .digest('hex');
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The cached facts, or undefined when absent or unreadable (a damaged entry is simply recomputed). */
  async get(diffID: string): Promise<LayerFacts | undefined> {
    const file = this.path(this.key(diffID));
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as { diffID?: string; facts?: LayerFacts };
      if (parsed.diffID !== diffID || !isLayerFacts(parsed.facts)) return undefined;
      return mapFileLists(parsed.facts, (joined) =>
        typeof joined === 'string' ? (joined === '' ? [] : joined.split('\n')) : joined,
      );
    } catch {
      await rm(file, { force: true });
      return undefined;
    }
  }

  /** Stores facts atomically (write aside, then rename), so a crash never leaves half an entry. */
  async put(diffID: string, facts: LayerFacts): Promise<void> {
    const file = this.path(this.key(diffID));
    await mkdir(join(file, '..'), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    const compact = mapFileLists(facts, (files) => (Array.isArray(files) ? files.join('\n') : files));
    await writeFile(temp, JSON.stringify({ diffID, facts: compact }));
    await rename(temp, file);
  }
}

/**
 * File lists (tens of thousands of paths in an OS layer) are stored as one newline-joined string each:
 * parsing one long string is far cheaper than parsing as many small ones, and warm scans are mostly
 * parsing. Applies `convert` to every list, returning new facts.
 */
type FileList = string[] | string;

function mapFileLists(facts: LayerFacts, convert: (files: FileList) => FileList): LayerFacts {
  const apply = (list: string[]) => convert(list) as string[];
  const files: LayerFacts['files'] = {};
  for (const [path, byAnalyzer] of Object.entries(facts.files)) {
    const out: Record<string, FileFacts> = {};
    for (const [name, f] of Object.entries(byAnalyzer)) {
      const ownedFiles = f.ownedFiles ? { ...f.ownedFiles, files: apply(f.ownedFiles.files) } : undefined;
      const packages = f.packages?.map((p) => (p.files === undefined ? p : { ...p, files: apply(p.files) }));
      out[name] = { ...f, ...(ownedFiles ? { ownedFiles } : {}), ...(packages ? { packages } : {}) };
    }
    files[path] = out;
  }
  return { ...facts, files };
}

function isLayerFacts(value: unknown): value is LayerFacts {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.files === 'object' &&
    Array.isArray(v.whiteouts) &&
    Array.isArray(v.opaqueDirs) &&
    typeof v.symlinks === 'object' &&
    Array.isArray(v.warnings)
  );
}
