import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Analyzer } from '../analyzers/types.js';
import type { LayerFacts } from './walker.js';

/** Bump when the walker's own output changes (whiteout handling, link recording…). */
export const WALKER_VERSION = 1;

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
      return parsed.facts;
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
    await writeFile(temp, JSON.stringify({ diffID, facts }));
    await rename(temp, file);
  }
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
