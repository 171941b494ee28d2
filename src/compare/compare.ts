/**
 * What changed between two scanned images (e.g. an image and its rebuild): packages added, removed,
 * upgraded or downgraded; findings fixed, new or unchanged; and whether the base image changed.
 * Pure: works on two scan outcomes, so the CLI and tests share it.
 */
import type { Inventory, Package, PackageType } from '../core/types.js';
import type { ScanOutcome } from '../matching/scan.js';
import type { Finding, SeverityLevel } from '../matching/types.js';
import { SEVERITY_ORDER } from '../matching/types.js';
import { versionSchemes } from '../versioning/registry.js';
import type { SchemeName } from '../versioning/types.js';

export interface PackageRef {
  type: PackageType;
  name: string;
  version: string;
}

export interface PackageChange {
  type: PackageType;
  name: string;
  from: string;
  to: string;
}

export interface FindingRef {
  id: string;
  package: string;
  type: PackageType;
  /** Installed version in the image the finding belongs to (for `unchanged`: the second image). */
  version: string;
  severity: SeverityLevel;
  fixedVersions: string[];
}

export interface FixedFinding extends FindingRef {
  /** `gone`: no longer matched; `suppressed`: still matched but suppressed (VEX, vendor status, ignore rule). */
  how: 'gone' | 'suppressed';
}

export interface BaseInfo {
  distro?: string;
  provider: string;
  /** diffIDs of the base-image layers, when the base/app boundary is known. */
  baseLayers?: string[];
  method?: string;
}

export interface Comparison {
  schemaVersion: 1;
  a: { target: string; manifestDigest?: string; packages: number; actionable: number };
  b: { target: string; manifestDigest?: string; packages: number; actionable: number };
  packages: {
    added: PackageRef[];
    removed: PackageRef[];
    upgraded: PackageChange[];
    downgraded: PackageChange[];
    /** Versions the package's scheme cannot order. */
    changed: PackageChange[];
    unchanged: number;
  };
  findings: { fixed: FixedFinding[]; new: FindingRef[]; unchanged: FindingRef[] };
  base: { changed: boolean; reasons: string[]; a: BaseInfo; b: BaseInfo };
}

const SCHEME: Partial<Record<PackageType, SchemeName>> = {
  apk: 'apk',
  deb: 'dpkg',
  rpm: 'rpm',
  npm: 'npm',
  pypi: 'pep440',
  golang: 'go',
  maven: 'maven',
  gem: 'rubygems',
};

/** Negative when `a` is older, positive when newer, undefined when the versions cannot be ordered. */
export function compareVersions(type: PackageType, a: string, b: string): number | undefined {
  const name = SCHEME[type];
  const scheme = name ? versionSchemes[name] : undefined;
  if (!scheme || scheme.invalid(a) || scheme.invalid(b)) return undefined;
  return scheme.compare(a, b);
}

const pkgKey = (p: { type: PackageType; name: string }) => `${p.type}\u0000${p.name}`;

function versionsByPackage(
  packages: readonly Package[],
): Map<string, { ref: PackageRef; versions: Set<string> }> {
  const out = new Map<string, { ref: PackageRef; versions: Set<string> }>();
  for (const p of packages) {
    const key = pkgKey(p);
    const entry = out.get(key) ?? {
      ref: { type: p.type, name: p.name, version: p.version },
      versions: new Set(),
    };
    entry.versions.add(p.version);
    out.set(key, entry);
  }
  return out;
}

function comparePackages(a: Inventory, b: Inventory): Comparison['packages'] {
  const before = versionsByPackage(a.packages);
  const after = versionsByPackage(b.packages);
  const out: Comparison['packages'] = {
    added: [],
    removed: [],
    upgraded: [],
    downgraded: [],
    changed: [],
    unchanged: 0,
  };
  for (const [key, { ref, versions }] of before) {
    const now = after.get(key)?.versions ?? new Set<string>();
    const gone = [...versions].filter((v) => !now.has(v));
    const come = [...now].filter((v) => !versions.has(v));
    out.unchanged += versions.size - gone.length;
    if (gone.length === 1 && come.length === 1) {
      const change = { type: ref.type, name: ref.name, from: gone[0]!, to: come[0]! };
      const order = compareVersions(ref.type, change.from, change.to);
      (order === undefined || order === 0 ? out.changed : order < 0 ? out.upgraded : out.downgraded).push(
        change,
      );
      continue;
    }
    for (const version of gone) out.removed.push({ type: ref.type, name: ref.name, version });
    for (const version of come) out.added.push({ type: ref.type, name: ref.name, version });
  }
  for (const [key, { ref, versions }] of after)
    if (!before.has(key))
      for (const version of versions) out.added.push({ type: ref.type, name: ref.name, version });
  const byName = (x: { name: string; type: string }, y: { name: string; type: string }) =>
    x.name.localeCompare(y.name) || x.type.localeCompare(y.type);
  for (const list of [out.added, out.removed, out.upgraded, out.downgraded, out.changed]) list.sort(byName);
  return out;
}

const findingKey = (f: Finding) => `${f.id}\u0000${f.package.type}\u0000${f.package.name}`;

function ref(f: Finding): FindingRef {
  return {
    id: f.id,
    package: f.package.name,
    type: f.package.type,
    version: f.package.version,
    severity: f.severity.level,
    fixedVersions: f.fixedVersions,
  };
}

function compareFindings(a: readonly Finding[], b: readonly Finding[]): Comparison['findings'] {
  const actionable = (list: readonly Finding[]) =>
    new Map(list.filter((f) => !f.suppressed).map((f) => [findingKey(f), f]));
  const before = actionable(a);
  const after = actionable(b);
  const matchedAfter = new Set(b.map(findingKey));
  const out: Comparison['findings'] = { fixed: [], new: [], unchanged: [] };
  for (const [key, f] of before) {
    const still = after.get(key);
    if (still) out.unchanged.push(ref(still));
    else out.fixed.push({ ...ref(f), how: matchedAfter.has(key) ? 'suppressed' : 'gone' });
  }
  for (const [key, f] of after) if (!before.has(key)) out.new.push(ref(f));
  const order = (x: FindingRef, y: FindingRef) =>
    SEVERITY_ORDER.indexOf(x.severity) - SEVERITY_ORDER.indexOf(y.severity) ||
    x.id.localeCompare(y.id) ||
    x.package.localeCompare(y.package);
  out.fixed.sort(order);
  out.new.sort(order);
  out.unchanged.sort(order);
  return out;
}

function baseInfo(inv: Inventory): BaseInfo {
  const distro = inv.distro
    ? `${inv.distro.id}${inv.distro.version ? ` ${inv.distro.version}` : ''}`
    : undefined;
  return {
    ...(distro ? { distro } : {}),
    provider: inv.provider.name,
    ...(inv.base
      ? { baseLayers: inv.layers.slice(0, inv.base.layerCount).map((l) => l.diffID), method: inv.base.method }
      : {}),
  };
}

function compareBase(a: BaseInfo, b: BaseInfo): Comparison['base'] {
  const reasons: string[] = [];
  if (a.distro !== b.distro) reasons.push(`distro ${a.distro ?? 'unknown'} → ${b.distro ?? 'unknown'}`);
  if (a.provider !== b.provider) reasons.push(`provider ${a.provider} → ${b.provider}`);
  if (a.baseLayers && b.baseLayers) {
    const same =
      a.baseLayers.length === b.baseLayers.length && a.baseLayers.every((d, i) => d === b.baseLayers![i]);
    if (!same)
      reasons.push(
        `base layers differ (${a.baseLayers.length} → ${b.baseLayers.length}; top ${short(a.baseLayers.at(-1))} → ${short(b.baseLayers.at(-1))})`,
      );
  } else if (a.baseLayers || b.baseLayers) reasons.push('the base/app boundary is known for only one image');
  return { changed: reasons.length > 0, reasons, a, b };
}

const short = (digest: string | undefined) => (digest ? digest.replace(/^sha256:/, '').slice(0, 12) : 'none');

export function compareScans(a: ScanOutcome, b: ScanOutcome): Comparison {
  const side = (o: ScanOutcome) => ({
    target: o.result.image.target,
    ...(o.result.image.manifestDigest ? { manifestDigest: o.result.image.manifestDigest } : {}),
    packages: o.inventory.packages.length,
    actionable: o.result.findings.filter((f) => !f.suppressed).length,
  });
  return {
    schemaVersion: 1,
    a: side(a),
    b: side(b),
    packages: comparePackages(a.inventory, b.inventory),
    findings: compareFindings(a.result.findings, b.result.findings),
    base: compareBase(baseInfo(a.inventory), baseInfo(b.inventory)),
  };
}

/** The comparison for terminals. */
export function renderComparison(c: Comparison): string {
  const lines: string[] = [];
  lines.push(`A  ${c.a.target}  (${c.a.packages} packages, ${c.a.actionable} actionable findings)`);
  lines.push(`B  ${c.b.target}  (${c.b.packages} packages, ${c.b.actionable} actionable findings)`);
  lines.push('');
  lines.push(c.base.changed ? `Base image CHANGED: ${c.base.reasons.join('; ')}` : 'Base image unchanged');
  lines.push('');
  const p = c.packages;
  lines.push(
    `Packages: ${p.added.length} added, ${p.removed.length} removed, ${p.upgraded.length} upgraded, ${p.downgraded.length} downgraded${p.changed.length ? `, ${p.changed.length} changed` : ''}, ${p.unchanged} unchanged`,
  );
  for (const x of p.upgraded) lines.push(`  ↑ ${x.name} ${x.from} → ${x.to}`);
  for (const x of p.downgraded) lines.push(`  ↓ ${x.name} ${x.from} → ${x.to}`);
  for (const x of p.changed) lines.push(`  ~ ${x.name} ${x.from} → ${x.to}`);
  for (const x of p.added) lines.push(`  + ${x.name} ${x.version}`);
  for (const x of p.removed) lines.push(`  - ${x.name} ${x.version}`);
  lines.push('');
  const f = c.findings;
  lines.push(`Findings: ${f.fixed.length} fixed, ${f.new.length} new, ${f.unchanged.length} unchanged`);
  for (const x of f.fixed)
    lines.push(
      `  fixed  ${x.severity.padEnd(8)} ${x.id} in ${x.package} ${x.version}${x.how === 'suppressed' ? ' (now suppressed)' : ''}`,
    );
  for (const x of f.new)
    lines.push(
      `  new    ${x.severity.padEnd(8)} ${x.id} in ${x.package} ${x.version}${x.fixedVersions.length ? ` (fixed in ${x.fixedVersions.join(', ')})` : ''}`,
    );
  for (const x of f.unchanged)
    lines.push(`  same   ${x.severity.padEnd(8)} ${x.id} in ${x.package} ${x.version}`);
  return `${lines.join('\n')}\n`;
}
