/**
 * The matcher: inventory + advisory database (+ VEX) → findings. Per package it looks up the namespaces
 * chosen for it (namespaces.ts), lets the first namespace that knows a vulnerability decide, applies the
 * vendor's status, then VEX, and records how every decision was made.
 */
import type { AdvisoryDb, AffectedRow } from '../advisories/db/reader.js';
import type { VersionInterval } from '../advisories/types.js';
import type { Inventory, Package } from '../core/types.js';
import { inInterval } from '../versioning/range.js';
import { scheme as versionScheme } from '../versioning/registry.js';
import { InvalidVersionError, type SchemeName } from '../versioning/types.js';
import type { VexStatement } from '../vex/types.js';
import { cveIds, enrich } from './enrich.js';
import { lookupsFor, type OsPlan, planOs } from './namespaces.js';
import type { Finding, FindingPackage, Lookup } from './types.js';
import { applyVex, type VexPolicy } from './vex-overlay.js';

export interface MatchOptions {
  /** VEX statements supplied by the user (`--vex`, VEX repositories, image attestations). */
  vex?: readonly VexStatement[];
}

export interface MatchOutput {
  findings: Finding[];
  warnings: { code: string; message: string }[];
}

export function matchInventory(
  inventory: Inventory,
  db: AdvisoryDb,
  options: MatchOptions = {},
): MatchOutput {
  const plan = planOs(inventory);
  const warnings: MatchOutput['warnings'] = [];
  const osPackages = inventory.packages.filter(
    (p) => p.type === 'apk' || p.type === 'deb' || p.type === 'rpm',
  );
  if (plan.unsupported && osPackages.length)
    warnings.push({
      code: 'NO_OS_FEED',
      message: `${osPackages.length} OS packages were not matched: ${plan.unsupported}`,
    });
  // A release the database has no data for is not a clean bill of health: say so.
  const osNamespaces = [
    ...plan.namespaces.map((n) => n.namespace),
    ...(plan.dhiNamespace ? [plan.dhiNamespace] : []),
  ];
  if (osPackages.length && osNamespaces.length && !osNamespaces.some((n) => db.hasNamespace(n)))
    warnings.push({
      code: 'NO_ADVISORIES',
      message: `the advisory database has no records for ${osNamespaces.join(' or ')}: ${osPackages.length} OS packages could not be checked — run \`keelson db update\` or import that release's feed`,
    });

  // Every lookup of every package first, batched per namespace: one query per few hundred names.
  const lookups = inventory.packages.map((pkg) => lookupsFor(pkg, inventory, plan));
  const names = new Map<string, string[]>();
  for (const lookup of lookups.flat())
    names.set(lookup.namespace, [...(names.get(lookup.namespace) ?? []), lookup.name]);
  const rowsByNamespace = new Map(
    [...names].map(([namespace, list]) => [namespace, db.affectedMany(namespace, list)]),
  );
  const rowsFor = (lookup: Lookup) => rowsByNamespace.get(lookup.namespace)?.get(lookup.name) ?? [];

  const matched = inventory.packages.flatMap((pkg, i) => matchPackage(pkg, lookups[i]!, rowsFor));
  const enrichment = db.enrichment(matched.flatMap(({ finding }) => cveIds(finding)));
  const details = db.details(matched.flatMap(({ rows }) => rows.map((r) => r.rid)));
  const findings: Finding[] = [];
  for (const { finding, rows, decidedBy } of matched) {
    const about = details.get(decidedBy.rid);
    if (about?.summary) finding.summary = about.summary;
    if (about?.url) finding.url = about.url;
    enrich(finding, rows, details, enrichment);
    findings.push(finding);
  }

  const policy: VexPolicy = vexPolicy(inventory, plan, db, options);
  applyVex(findings, inventory, policy);
  findings.sort(compareFindings);
  return { findings, warnings };
}

function vexPolicy(inventory: Inventory, plan: OsPlan, db: AdvisoryDb, options: MatchOptions): VexPolicy {
  const isDhi = inventory.provider.name === 'docker-hardened-images';
  const vendor = isDhi ? db.vexStatements().filter((s) => s.source === 'dhi-advisories') : [];
  return {
    user: options.vex ?? [],
    vendor: vendor.map((s) => s.statement),
    // Upcoming DHI model: DHI's OSV already decided; its VEX is context, never a suppression.
    vendorSuppresses: isDhi && !plan.dhiNamespace,
    // A derived DHI image: DHI's statements speak for the DHI base only.
    vendorScope: (pkg) => inventory.base?.method !== 'dhi-chain-id' || pkg.layer?.base === true,
  };
}

const CVE = /^CVE-\d{4}-\d+$/;

/** The id a finding is known by: a CVE when the advisory names one, else its own id. */
function canonicalId(row: AffectedRow): string {
  if (CVE.test(row.advisoryId)) return row.advisoryId;
  return row.aliases.find((a) => CVE.test(a)) ?? row.advisoryId;
}

function findingPackage(pkg: Package): FindingPackage {
  return {
    name: pkg.name,
    version: pkg.version,
    type: pkg.type,
    purl: pkg.purl,
    location: pkg.location,
    ...(pkg.source?.name ? { sourceName: pkg.source.name } : {}),
    ...(pkg.layer
      ? {
          layer: {
            index: pkg.layer.index,
            diffID: pkg.layer.diffID,
            ...(pkg.layer.base !== undefined ? { base: pkg.layer.base } : {}),
            ...(pkg.layer.createdBy ? { createdBy: pkg.layer.createdBy } : {}),
          },
        }
      : {}),
  };
}

interface Verdict {
  affected: boolean;
  fixed: string[];
  versionError?: string;
}

/** Does this entry affect `version`? Compares in the entry's own scheme. */
export function evaluate(
  row: Pick<AffectedRow, 'status' | 'ranges' | 'versions' | 'scheme'>,
  version: string,
): Verdict {
  if (row.status === 'not_affected') return { affected: false, fixed: [] };
  if (!row.ranges.length && !row.versions.length) {
    // No bounds: every version is affected (Debian `open`, Echo `{}`), except a `fixed` record with no version.
    return { affected: row.status !== 'fixed', fixed: [] };
  }
  const compare = versionScheme(row.scheme).compare;
  try {
    if (row.versions.some((v) => v === version || compare(v, version) === 0))
      return { affected: true, fixed: fixesAbove(row.ranges, version, row.scheme) };
    const hits = row.ranges.filter((r) => inInterval(row.scheme, version, r));
    return {
      affected: hits.length > 0,
      fixed: hits.flatMap((r) => (r.fixed && r.fixed !== '0' ? [r.fixed] : [])),
    };
  } catch (err) {
    if (!(err instanceof InvalidVersionError)) throw err;
    // Unorderable: keep it as a finding and say why, never treat it as "not affected".
    return {
      affected: true,
      fixed: row.ranges.flatMap((r) => (r.fixed && r.fixed !== '0' ? [r.fixed] : [])),
      versionError: err.message,
    };
  }
}

function fixesAbove(ranges: VersionInterval[], version: string, scheme: SchemeName): string[] {
  const compare = versionScheme(scheme).compare;
  return ranges.flatMap((r) =>
    r.fixed && r.fixed !== '0' && compare(r.fixed, version) > 0 ? [r.fixed] : [],
  );
}

export function describeConstraint(ranges: VersionInterval[], versions: string[]): string {
  const parts = ranges.map((r) => {
    const lower = r.introduced && r.introduced !== '0' ? `>= ${r.introduced}` : '';
    const upper = r.fixed
      ? r.fixed === '0'
        ? 'none (fixed "0")'
        : `< ${r.fixed}`
      : r.lastAffected
        ? `<= ${r.lastAffected}`
        : '';
    return [lower, upper].filter(Boolean).join(', ') || 'all versions';
  });
  if (versions.length) parts.push(`= ${versions.join(' | ')}`);
  return parts.length ? parts.join('; ') : 'all versions';
}

/** A finding with the records it was decided from (for enrichment) and the deciding one. */
interface Matched {
  finding: Finding;
  rows: AffectedRow[];
  decidedBy: AffectedRow;
}

/** All findings for one package: the first lookup that knows a vulnerability decides it. */
function matchPackage(
  pkg: Package,
  lookups: readonly Lookup[],
  rowsFor: (lookup: Lookup) => readonly AffectedRow[],
): Matched[] {
  const decided = new Map<string, { lookup: Lookup; rows: AffectedRow[] }>();
  for (const lookup of lookups) {
    const byVuln = new Map<string, AffectedRow[]>();
    for (const row of rowsFor(lookup)) {
      const key = canonicalId(row);
      if (decided.has(key)) continue;
      byVuln.set(key, [...(byVuln.get(key) ?? []), row]);
    }
    for (const [key, rows] of byVuln) decided.set(key, { lookup, rows });
  }

  const out: Matched[] = [];
  for (const [id, { lookup, rows }] of decided) {
    const finding = decide(id, pkg, lookup, rows);
    if (finding)
      out.push({
        finding,
        rows,
        decidedBy:
          rows.find(
            (r) => r.advisoryId === finding.dataSource.advisoryId && r.source === finding.dataSource.source,
          ) ?? rows[0]!,
      });
  }
  return out;
}

/**
 * The version to compare with the record: a feed keyed on source packages publishes source versions, and a
 * binary's own version can differ (an epoch only the binary carries, a binNMU `+b1`).
 */
function comparedVersion(pkg: Package, lookup: Lookup): string {
  return lookup.nameKind === 'source' && pkg.type === 'deb' && pkg.source?.version
    ? pkg.source.version
    : pkg.version;
}

function decide(id: string, pkg: Package, lookup: Lookup, rows: AffectedRow[]): Finding | undefined {
  const base = (row: AffectedRow, verdict: Verdict): Finding => ({
    id,
    aliases: [...new Set(rows.flatMap((r) => [r.advisoryId, ...r.aliases]))].filter((a) => a !== id).sort(),
    package: findingPackage(pkg),
    status: row.status === 'fixed' ? 'affected' : row.status,
    fixedVersions: [...new Set(verdict.fixed)],
    severity: { level: 'unknown', source: 'none', method: 'none' },
    severities: [],
    dataSource: { source: row.source, advisoryId: row.advisoryId },
    match: {
      namespace: lookup.namespace,
      lookupName: lookup.name,
      nameKind: lookup.nameKind,
      scheme: row.scheme,
      constraint: describeConstraint(row.ranges, row.versions),
      source: row.source,
      advisoryId: row.advisoryId,
      namespaceReason: lookup.reason,
      ...(comparedVersion(pkg, lookup) !== pkg.version
        ? { comparedVersion: comparedVersion(pkg, lookup) }
        : {}),
      ...(verdict.versionError ? { versionError: verdict.versionError } : {}),
    },
  });

  // The vendor saying "not affected" (secdb "0", Debian fixed_version "0", Photon "Not Affected") wins over
  // any other record for the same vulnerability and package.
  const notAffected = rows.find((r) => r.status === 'not_affected');
  if (notAffected) {
    const finding = base(notAffected, { affected: false, fixed: [] });
    finding.suppressed = {
      kind: 'vendor-status',
      status: 'not_affected',
      detail: `${notAffected.source}: ${notAffected.advisoryId} does not affect ${lookup.name} in ${lookup.namespace}`,
    };
    return finding;
  }
  let chosen: { row: AffectedRow; verdict: Verdict } | undefined;
  const fixed: string[] = [];
  const version = comparedVersion(pkg, lookup);
  for (const row of rows) {
    const verdict = evaluate(row, version);
    if (!verdict.affected) continue;
    fixed.push(...verdict.fixed);
    if (!chosen || (chosen.verdict.fixed.length === 0 && verdict.fixed.length > 0)) chosen = { row, verdict };
  }
  if (!chosen) return undefined;
  return base(chosen.row, { ...chosen.verdict, fixed });
}

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3, negligible: 4, unknown: 5 } as const;

function compareFindings(a: Finding, b: Finding): number {
  return (
    Number(Boolean(a.suppressed)) - Number(Boolean(b.suppressed)) ||
    SEVERITY_RANK[a.severity.level] - SEVERITY_RANK[b.severity.level] ||
    (a.package.name < b.package.name ? -1 : a.package.name > b.package.name ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
