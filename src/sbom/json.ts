/**
 * keelson's own inventory JSON: the Inventory as it is (described by docs/inventory.schema.json), with
 * each package's owned file list left out unless asked for, since it dwarfs everything else.
 */
import type { Inventory } from '../core/types.js';
import type { RenderOptions } from './document.js';

export function renderInventoryJson(inv: Inventory, opts: RenderOptions): string {
  const packages = opts.includeFiles ? inv.packages : inv.packages.map(({ files: _files, ...pkg }) => pkg);
  return `${JSON.stringify({ ...inv, packages }, null, 2)}\n`;
}
