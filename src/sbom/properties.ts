/**
 * keelson's own facts about the image and each package, as `keelson:*` name/value pairs. CycloneDX
 * carries them as properties, SPDX as annotations (`name=value`), so both formats say the same thing.
 */
import type { Inventory, Package } from '../core/types.js';

export type Property = readonly [name: string, value: string];

export function packageProperties(pkg: Package): Property[] {
  const properties: Property[] = [
    ['keelson:package:type', pkg.type],
    ['keelson:location', pkg.location],
  ];
  if (pkg.source) {
    properties.push(['keelson:source:name', pkg.source.name]);
    if (pkg.source.version) properties.push(['keelson:source:version', pkg.source.version]);
  }
  if (pkg.layer) {
    properties.push(
      ['keelson:layer:index', String(pkg.layer.index)],
      ['keelson:layer:diffID', pkg.layer.diffID],
    );
    if (pkg.layer.createdBy) properties.push(['keelson:layer:createdBy', pkg.layer.createdBy]);
    if (pkg.layer.base !== undefined) properties.push(['keelson:base', String(pkg.layer.base)]);
  }
  properties.push(['keelson:foundBy', pkg.foundBy]);
  return properties;
}

export function imageProperties(inv: Inventory): Property[] {
  const properties: Property[] = [['keelson:image:sourceType', inv.image.sourceType]];
  if (inv.image.configDigest) properties.push(['keelson:image:configDigest', inv.image.configDigest]);
  if (inv.distro) {
    properties.push(['keelson:distro:id', inv.distro.id]);
    if (inv.distro.version) properties.push(['keelson:distro:version', inv.distro.version]);
    if (inv.distro.rolling) properties.push(['keelson:distro:rolling', 'true']);
  }
  properties.push(['keelson:provider', inv.provider.name]);
  if (inv.provider.model) properties.push(['keelson:provider:model', inv.provider.model]);
  for (const evidence of inv.provider.evidence) {
    properties.push(['keelson:provider:evidence', `${evidence.source}: ${evidence.detail}`]);
  }
  if (inv.base) {
    properties.push(
      ['keelson:base:layerCount', String(inv.base.layerCount)],
      ['keelson:base:method', inv.base.method],
      ['keelson:base:detail', inv.base.detail],
    );
  }
  properties.push(['keelson:complete', String(inv.complete)]);
  return properties;
}
