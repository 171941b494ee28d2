import type { FileFacts, ReleaseFileKind } from '../analyzers/types.js';
import { compareStrings } from '../core/compare.js';
import type { ErrorContext } from '../core/errors.js';
import {
  type BaseBoundary,
  type Distro,
  type Inventory,
  OS_PACKAGE_TYPES,
  type Package,
  type PackageRecord,
  type Warning,
} from '../core/types.js';
import { packageUrl } from '../sbom/purl.js';
import { detectDistro } from './distro.js';
import { detectProvider } from './provider.js';
import { resolvePath, type SquashedView } from './squash.js';

export interface AssembleInput {
  view: SquashedView;
  layers: Inventory['layers'];
  config: Inventory['config'];
  image: Inventory['image'];
  base?: BaseBoundary;
  /** Warnings from layers (not tied to a visible file). */
  layerWarnings: Warning[];
  layersIncomplete: boolean;
  context: ErrorContext;
}

/** Release files whose symlinked form must be followed (Photon's etc/os-release → usr/lib/os-release). */
const RELEASE_LINKS = ['etc/os-release', 'etc/lsb-release', 'etc/system-release', 'etc/redhat-release'];

function releaseFiles(view: SquashedView, context: ErrorContext) {
  const out: { path: string; kind: ReleaseFileKind; fields: Record<string, string> }[] = [];
  for (const [path, version] of view.files) {
    const os = version.facts['os-release']?.os;
    if (os) out.push({ path, kind: os.kind, fields: os.fields });
  }
  for (const link of RELEASE_LINKS) {
    if (!view.symlinks.has(link)) continue;
    const target = resolvePath(view, link, context);
    const os = view.files.get(target)?.facts['os-release']?.os;
    if (os) out.push({ path: link, kind: os.kind, fields: os.fields });
  }
  return out;
}

function packageKey(p: PackageRecord): string {
  return `${p.type}\u0000${p.name}\u0000${p.version}\u0000${p.arch ?? ''}`;
}

/**
 * Finds the layer that introduced a package's current version: walking back through the versions of the
 * file that declares it, the earliest version in the unbroken run that still lists the same package.
 */
class Attributor {
  private readonly keySets = new Map<FileFacts, Set<string>>();

  constructor(private readonly view: SquashedView) {}

  layerOf(path: string, analyzer: string, pkg: PackageRecord): number {
    const versions = this.view.history.get(path) ?? [];
    const key = packageKey(pkg);
    let layer = versions[versions.length - 1]?.layer ?? 0;
    for (let i = versions.length - 2; i >= 0; i--) {
      const facts = versions[i]!.facts[analyzer];
      if (!facts || !this.keys(facts).has(key)) break;
      layer = versions[i]!.layer;
    }
    return layer;
  }

  private keys(facts: FileFacts): Set<string> {
    let set = this.keySets.get(facts);
    if (!set) {
      set = new Set((facts.packages ?? []).map(packageKey));
      this.keySets.set(facts, set);
    }
    return set;
  }
}

function identity(p: PackageRecord): string {
  return `${p.type}\u0000${p.name.toLowerCase()}\u0000${p.version}`;
}

/** Builds the inventory from the squashed view: distro, provider, packages with layers and purls. */
export function assemble(input: AssembleInput): Inventory {
  const { view, layers, context } = input;
  const distro: Distro | undefined = detectDistro(releaseFiles(view, context));
  const warnings: Warning[] = [...input.layerWarnings];
  let complete = !input.layersIncomplete;
  const repositories: string[] = [];
  const present = new Set<string>();
  const ownedByList = new Map<string, string[]>();
  const declared: { record: PackageRecord; path: string; analyzer: string }[] = [];
  const sboms: { path: string; format: string; packages: PackageRecord[] }[] = [];

  for (const [path, version] of view.files) {
    for (const [analyzer, facts] of Object.entries(version.facts)) {
      if (facts.warnings) warnings.push(...facts.warnings);
      if (facts.incomplete) complete = false;
      if (facts.present) present.add(path);
      if (facts.repositories) repositories.push(...facts.repositories);
      if (facts.ownedFiles) ownedByList.set(facts.ownedFiles.package, facts.ownedFiles.files);
      for (const record of facts.packages ?? []) declared.push({ record, path, analyzer });
      if (facts.sbom) sboms.push({ path, format: facts.sbom.format, packages: facts.sbom.packages });
      if (facts.packages || facts.sbom) present.add(path);
    }
  }

  const visiblePaths = [...view.files.keys()];
  const provider = detectProvider({
    ...(distro ? { distro } : {}),
    labels: input.config.labels,
    annotations: input.image.annotations,
    repositories,
    present,
    hasDpkgStatusD: visiblePaths.some((p) => p.startsWith('var/lib/dpkg/status.d/')),
    hasDpkgStatus: view.files.has('var/lib/dpkg/status'),
    hasChiselManifest: view.files.has('var/lib/chisel/manifest.wall'),
  });

  const attributor = new Attributor(view);
  const baseCount = input.base?.layerCount;
  const toPackage = (record: PackageRecord, layerIndex: number): Package => {
    const layer = layers[layerIndex];
    return {
      ...record,
      purl: packageUrl(record, distro),
      ...(layer
        ? {
            layer: {
              index: layer.index,
              diffID: layer.diffID,
              ...(layer.createdBy ? { createdBy: layer.createdBy } : {}),
              ...(baseCount !== undefined ? { base: layer.index < baseCount } : {}),
            },
          }
        : {}),
    };
  };

  // OS packages first: their file lists decide which language packages are already accounted for.
  // Only the files that declare a language package matter, so look those up rather than set every path.
  const outerPath = (record: PackageRecord) => record.location.split('!/')[0]!;
  const langFiles = new Set(
    declared.filter((d) => !OS_PACKAGE_TYPES.has(d.record.type)).map((d) => outerPath(d.record)),
  );
  const owned = new Set<string>();
  const packages: Package[] = [];
  for (const { record, path, analyzer } of declared) {
    if (!OS_PACKAGE_TYPES.has(record.type)) continue;
    const files = record.files ?? (record.type === 'deb' ? ownedByList.get(record.name) : undefined);
    if (langFiles.size > 0) for (const f of files ?? []) if (langFiles.has(f)) owned.add(f);
    packages.push(
      toPackage(files ? { ...record, files } : record, attributor.layerOf(path, analyzer, record)),
    );
  }
  const installedNpm = new Set(
    declared.filter((d) => d.record.type === 'npm' && !d.record.metadata?.source).map((d) => d.path),
  );
  for (const { record, path, analyzer } of declared) {
    if (OS_PACKAGE_TYPES.has(record.type)) continue;
    if (owned.has(outerPath(record))) continue;
    const installPath = record.metadata?.installPath;
    if (
      record.metadata?.source === 'package-lock' &&
      installPath &&
      installedNpm.has(`${installPath}/package.json`)
    ) {
      continue;
    }
    packages.push(toPackage(record, attributor.layerOf(path, analyzer, record)));
  }

  // Embedded SBOMs add what the analyzers did not find; duplicates are counted, not repeated.
  const known = new Set(packages.map(identity));
  const embeddedSboms: Inventory['embeddedSboms'] = [];
  for (const sbom of sboms) {
    let merged = 0;
    for (const record of sbom.packages) {
      const id = identity(record);
      if (known.has(id)) continue;
      known.add(id);
      merged++;
      packages.push(toPackage(record, view.files.get(sbom.path)?.layer ?? 0));
    }
    embeddedSboms.push({ path: sbom.path, format: sbom.format, packages: sbom.packages.length, merged });
  }

  packages.sort(
    (a, b) =>
      compareStrings(a.type, b.type) ||
      compareStrings(a.name, b.name) ||
      compareStrings(a.version, b.version) ||
      compareStrings(a.location, b.location),
  );

  return {
    schemaVersion: 1,
    image: input.image,
    config: input.config,
    layers: [...layers],
    ...(distro ? { distro } : {}),
    provider,
    ...(input.base ? { base: input.base } : {}),
    packages,
    ...(repositories.length ? { apkRepositories: [...new Set(repositories)] } : {}),
    embeddedSboms,
    warnings,
    complete,
    stats: { layersFromCache: 0, layersAnalyzed: 0, bytesRead: 0 },
  };
}
