import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Analyzer } from '../analyzers/types.js';
import type { Inventory } from '../core/types.js';
import type { ImageSource } from '../image/types.js';
import { WALKER_VERSION } from '../layers/cache.js';
import type { BaseInput } from './base.js';

/** Bump when assembly (squash, attribution, provider, purls…) changes what an inventory holds. */
export const ASSEMBLY_VERSION = 1;

/**
 * Whole assembled inventories (without per-package file lists), keyed by everything assembly reads:
 * the layers, the config, the annotations, the base boundary input and the analyzer versions. A rescan
 * of an unchanged image then reads one small file instead of every layer's facts.
 */
export class ImageCache {
  private readonly dir: string;

  constructor(
    cacheDir: string,
    private readonly analyzers: readonly Analyzer[],
  ) {
    this.dir = join(cacheDir, 'images');
  }

  key(source: ImageSource, baseDiffIDs: BaseInput['baseDiffIDs'], verifyDiffIDs: boolean): string {
    const versions = this.analyzers.map((a) => `${a.name}@${a.version}`);
    return createHash('sha256')
      .update(
        JSON.stringify({
          kind: 'keelson-image',
          walker: WALKER_VERSION,
          assembly: ASSEMBLY_VERSION,
          versions,
          layers: source.layers,
          config: source.config,
          annotations: source.identity.annotations,
          platform: source.identity.platform ?? null,
          base: baseDiffIDs ?? null,
          verifyDiffIDs,
        }),
      )
      .digest('hex');
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<Omit<Inventory, 'image' | 'stats'> | undefined> {
    const file = this.path(key);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as { key?: string; inventory?: Omit<Inventory, 'image' | 'stats'> };
      const inv = parsed.inventory;
      if (parsed.key !== key || !inv || inv.schemaVersion !== 1 || !Array.isArray(inv.packages))
        return undefined;
      return inv;
    } catch {
      await rm(file, { force: true });
      return undefined;
    }
  }

  async put(key: string, inventory: Inventory): Promise<void> {
    const file = this.path(key);
    await mkdir(join(file, '..'), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    const { image: _image, stats: _stats, ...rest } = inventory;
    await writeFile(temp, JSON.stringify({ key, inventory: rest }));
    await rename(temp, file);
  }
}
