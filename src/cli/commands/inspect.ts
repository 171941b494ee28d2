import { compareStrings } from '../../core/compare.js';
import type { Inventory } from '../../core/types.js';
import { formatPlatform } from '../../image/manifest.js';
import { inventoryTarget } from '../../inventory/build.js';
import { emit, type ImageFlags, inventoryOptions, reportWarnings } from '../common.js';
import { humanBytes, table } from '../format.js';

export interface InspectFlags extends ImageFlags {
  format: 'table' | 'json';
}

/** Counts packages by a key. */
function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

function counts(map: Map<string, number>): string {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

/** The summary `keelson inspect` prints: identity, distro, provider with evidence, layers, counts. */
export function inspectSummary(inv: Inventory) {
  const perLayer = countBy(inv.packages, (p) => String(p.layer?.index ?? '-'));
  return {
    image: inv.image,
    distro: inv.distro
      ? {
          id: inv.distro.id,
          version: inv.distro.version,
          rolling: inv.distro.rolling ?? false,
          source: inv.distro.source,
        }
      : null,
    provider: inv.provider,
    base: inv.base ?? null,
    layers: inv.layers.map((l) => ({
      index: l.index,
      diffID: l.diffID,
      size: l.size ?? null,
      createdBy: l.createdBy ?? null,
      packages: perLayer.get(String(l.index)) ?? 0,
      base: inv.base ? l.index < inv.base.layerCount : null,
    })),
    packages: {
      total: inv.packages.length,
      byType: Object.fromEntries(countBy(inv.packages, (p) => p.type)),
      base: inv.packages.filter((p) => p.layer?.base === true).length,
      app: inv.packages.filter((p) => p.layer?.base === false).length,
    },
    complete: inv.complete,
    warnings: inv.warnings,
  };
}

export function renderInspect(inv: Inventory): string {
  const s = inspectSummary(inv);
  const lines: string[] = [];
  const field = (name: string, value: string) => lines.push(`${name.padEnd(10)}${value}`);
  field('Image', `${inv.image.target} (${inv.image.sourceType})`);
  if (inv.image.reference) field('Reference', inv.image.reference);
  if (inv.image.manifestDigest) field('Digest', inv.image.manifestDigest);
  if (inv.image.platform) field('Platform', formatPlatform(inv.image.platform));
  field(
    'Distro',
    inv.distro
      ? `${inv.distro.id}${inv.distro.version ? ` ${inv.distro.version}` : ''}${inv.distro.rolling ? ' (rolling)' : ''}` +
          `${inv.distro.prettyName ? `  "${inv.distro.prettyName}"` : ''}`
      : 'unknown (no release file found)',
  );
  field('Provider', `${inv.provider.name}${inv.provider.model ? ` (${inv.provider.model} model)` : ''}`);
  for (const e of inv.provider.evidence) lines.push(`${''.padEnd(10)}- ${e.source}: ${e.detail}`);
  field(
    'Base',
    inv.base
      ? `${inv.base.layerCount} of ${inv.layers.length} layers (${inv.base.method}: ${inv.base.detail})`
      : 'unknown',
  );
  lines.push('');
  if (s.layers.length > 0) {
    lines.push('Layers');
    lines.push(
      table(
        ['#', 'SIZE', 'DIFF ID', 'PKGS', 'PART', 'CREATED BY'],
        s.layers.map((l) => [
          String(l.index),
          l.size === null ? '-' : humanBytes(l.size),
          l.diffID.slice(0, 19),
          String(l.packages),
          l.base === null ? '-' : l.base ? 'base' : 'app',
          oneLine(l.createdBy ?? ''),
        ]),
      ),
    );
    lines.push('');
  }
  const types = countBy(inv.packages, (p) => p.type);
  lines.push(`Packages  ${inv.packages.length}${types.size ? ` (${counts(types)})` : ''}`);
  if (inv.base) lines.push(`          base ${s.packages.base}, app ${s.packages.app}`);
  if (inv.embeddedSboms.length > 0) {
    const added = inv.embeddedSboms.reduce((n, e) => n + e.merged, 0);
    lines.push(
      `Embedded  ${inv.embeddedSboms.length} SBOM file(s), ${added} package(s) not found by analyzers`,
    );
  }
  lines.push(`Complete  ${inv.complete ? 'yes' : 'NO: part of the image could not be read (see warnings)'}`);
  if (inv.warnings.length > 0) lines.push(`Warnings  ${inv.warnings.length}`);
  return lines.join('\n');
}

function oneLine(text: string): string {
  const flat = text
    .replace(/\s+/g, ' ')
    .replace(/^\/bin\/sh -c #\(nop\) +/, '')
    .trim();
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}

export async function inspectCommand(target: string, flags: InspectFlags): Promise<void> {
  const inventory = await inventoryTarget(target, inventoryOptions(flags));
  reportWarnings(inventory);
  await emit(
    flags.format === 'json' ? JSON.stringify(inspectSummary(inventory), null, 2) : renderInspect(inventory),
  );
}
