import { randomBytes } from 'node:crypto';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import type { Inventory } from '../core/types.js';
import { parsePlatform } from '../image/manifest.js';
import type { InventoryOptions } from '../inventory/build.js';
import { defaultCacheDir } from '../layers/cache.js';
import { progressOptions } from './progress.js';

/** Options shared by every command that reads an image. */
export interface ImageFlags {
  platform?: string;
  cacheDir?: string;
  cache: boolean;
  baseImage?: string;
  insecureRegistry: string[];
}

export function addImageFlags(command: Command): Command {
  return command
    .option(
      '--platform <os/arch[/variant]>',
      'platform to pick from a multi-platform image (default linux/amd64)',
    )
    .option('--cache-dir <dir>', 'per-layer analysis cache (default $XDG_CACHE_HOME/keelson)')
    .option('--no-cache', 'do not read or write the layer cache')
    .option('--base-image <target>', 'base image whose layers mark the base/app boundary')
    .option(
      '--insecure-registry <host>',
      'allow plain HTTP / unverified TLS for this registry (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    );
}

export function inventoryOptions(flags: ImageFlags): InventoryOptions {
  return {
    ...(flags.platform ? { platform: parsePlatform(flags.platform), platformExplicit: true } : {}),
    ...(flags.cache ? { cacheDir: flags.cacheDir ?? defaultCacheDir() } : {}),
    ...(flags.baseImage ? { baseImage: flags.baseImage } : {}),
    insecureRegistries: flags.insecureRegistry,
    // No report prints per-package file lists, so an unchanged image can come whole from the cache.
    packageFiles: false,
    ...progressOptions(),
  };
}

/**
 * Writes output to stdout or a file. A regular file (or a new one) is replaced atomically, so a
 * partial document never replaces a good one; anything else that exists — `/dev/null`, a FIFO, a
 * terminal — is written to in place, never replaced.
 */
export async function emit(text: string, output?: string): Promise<void> {
  if (!output) {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  const existing = await stat(output).catch(() => undefined);
  if (existing && !existing.isFile()) {
    await writeFile(output, text);
    return;
  }
  const temp = join(dirname(output), `.${basename(output)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, output);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** Warnings go to stderr, so that stdout stays a clean document. */
export function reportWarnings(inventory: Inventory): void {
  const shown = inventory.warnings.slice(0, 20);
  for (const w of shown) {
    const where = [w.layer ? `layer ${w.layer}` : '', w.file ?? ''].filter(Boolean).join(': ');
    process.stderr.write(`keelson: warning: ${where ? `${where}: ` : ''}${w.message}\n`);
  }
  if (inventory.warnings.length > shown.length) {
    process.stderr.write(`keelson: warning: … and ${inventory.warnings.length - shown.length} more\n`);
  }
  if (!inventory.complete) {
    process.stderr.write(
      'keelson: warning: the inventory is INCOMPLETE: part of the image could not be read\n',
    );
  }
}
