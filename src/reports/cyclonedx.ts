/**
 * CycloneDX 1.6 scan report: the SBOM of the scanned inventory (src/sbom/cyclonedx.ts) plus one
 * `vulnerabilities[]` entry per finding — ratings, the affected component, the fix, and an `analysis`
 * carrying what VEX or the vendor said. One entry per finding (not per id) because the analysis, rating
 * and fix can differ between the packages a vulnerability affects.
 */
import type { Inventory } from '../core/types.js';
import type { Finding, SeverityLevel, SeverityRating } from '../matching/types.js';
import { cycloneDxBom } from '../sbom/cyclonedx.js';
import { contentUuid, reportTimestamp } from './common.js';
import type { ReportInput, ReportOptions } from './registry.js';

const CDX_SEVERITY: Record<SeverityLevel, string> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  negligible: 'info',
  unknown: 'unknown',
};

/** CycloneDX's rating methods for keelson's `CVSS:3.1`-style names; anything else is `other`. */
export function cdxMethod(method: string): string {
  switch (method.toUpperCase()) {
    case 'CVSS:4.0':
      return 'CVSSv4';
    case 'CVSS:3.1':
      return 'CVSSv31';
    case 'CVSS:3.0':
      return 'CVSSv3';
    case 'CVSS:2.0':
    case 'CVSS:2':
      return 'CVSSv2';
    default:
      return 'other';
  }
}

const CDX_JUSTIFICATIONS = new Set([
  'code_not_present',
  'code_not_reachable',
  'requires_configuration',
  'requires_dependency',
  'requires_environment',
  'protected_by_compiler',
  'protected_at_runtime',
  'protected_at_perimeter',
  'protected_by_mitigating_control',
]);

/** OpenVEX / CSAF justifications in CycloneDX's terms; CycloneDX ones pass through; unknown → none. */
export function cdxJustification(justification: string | undefined): string | undefined {
  if (!justification) return undefined;
  if (CDX_JUSTIFICATIONS.has(justification)) return justification;
  switch (justification) {
    case 'component_not_present':
    case 'vulnerable_code_not_present':
      return 'code_not_present';
    case 'vulnerable_code_not_in_execute_path':
      return 'code_not_reachable';
    case 'vulnerable_code_cannot_be_controlled_by_adversary':
    case 'inline_mitigations_already_exist':
      return 'protected_by_mitigating_control';
    default:
      return undefined;
  }
}

interface CdxAnalysis {
  state?: string;
  justification?: string;
  response?: string[];
  detail?: string;
}

/** What is known about the finding's exploitability: a suppression, else a VEX statement, else the vendor. */
export function cdxAnalysis(f: Finding): CdxAnalysis | undefined {
  const s = f.suppressed;
  const detailOf = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' — ') || undefined;
  const withDetail = (a: CdxAnalysis, detail: string | undefined): CdxAnalysis =>
    detail ? { ...a, detail } : a;
  if (s?.kind === 'vex' || (!s && f.vex)) {
    const status = s?.status ?? f.vex?.status;
    const justification = cdxJustification(s?.justification ?? f.vex?.justification);
    const detail = detailOf(f.vex?.statement, s?.detail ?? `VEX from ${f.vex?.origin}`);
    if (status === 'not_affected')
      return withDetail({ state: 'not_affected', ...(justification ? { justification } : {}) }, detail);
    if (status === 'fixed') return withDetail({ state: 'resolved' }, detail);
    if (status === 'under_investigation') return withDetail({ state: 'in_triage' }, detail);
    if (status === 'affected') return withDetail({ state: 'exploitable', ...response(f) }, detail);
  }
  if (s?.kind === 'vendor-status') return withDetail({ state: 'not_affected' }, s.detail);
  // An ignore rule is the user's decision, not a statement about exploitability: detail only.
  if (s) return { detail: `ignored: ${s.detail}` };
  if (f.status === 'under_investigation') return { state: 'in_triage' };
  const r = response(f);
  return r.response ? r : undefined;
}

function response(f: Finding): { response?: string[] } {
  if (f.fixedVersions.length) return { response: ['update'] };
  if (f.status === 'will_not_fix' || f.status === 'end_of_life') return { response: ['will_not_fix'] };
  if (f.status === 'fix_deferred') return { response: ['can_not_fix'] };
  return {};
}

function rating(r: SeverityRating) {
  return {
    source: { name: r.source },
    ...(r.score !== undefined ? { score: r.score } : {}),
    severity: CDX_SEVERITY[r.level],
    method: cdxMethod(r.method),
    ...(r.vector ? { vector: r.vector } : {}),
  };
}

function webUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return /^https?:$/.test(new URL(url).protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}

/** The inventory package a finding is about: same purl and declaring file (name/version when no purl). */
export function packageIndex(inv: Inventory): (f: Finding) => number | undefined {
  const index = new Map<string, number>();
  inv.packages.forEach((p, i) => {
    const key = `${p.purl}\0${p.name}\0${p.version}\0${p.location}`;
    if (!index.has(key)) index.set(key, i);
  });
  return (f) =>
    index.get(`${f.package.purl}\0${f.package.name}\0${f.package.version}\0${f.package.location}`);
}

export function renderCycloneDxReport(input: ReportInput, options: ReportOptions): string {
  const { result, inventory } = input;
  const timestamp = reportTimestamp(options.now);
  const uuid = contentUuid('cyclonedx', result, timestamp);
  const { bom, packageRefs } = cycloneDxBom(inventory, {
    toolVersion: options.toolVersion ?? 'unknown',
    now: options.now ?? new Date(timestamp),
    uuid: () => uuid,
  });
  const indexOf = packageIndex(inventory);
  // A finding whose package is not in the inventory (it always should be) points at the image itself.
  const imageRef = (bom.metadata as { component: { 'bom-ref': string } }).component['bom-ref'];
  const taken = new Set<string>();
  const vulnerabilities = result.findings.map((f) => {
    const i = indexOf(f);
    const ref = i === undefined ? undefined : packageRefs[i];
    let bomRef = `vuln:${f.id}:${ref ?? f.package.purl}`;
    for (let n = 2; taken.has(bomRef); n++) bomRef = `vuln:${f.id}:${ref ?? f.package.purl}#${n}`;
    taken.add(bomRef);
    const url = webUrl(f.url);
    const ratings = f.severities.length
      ? f.severities.map(rating)
      : f.severity.level !== 'unknown'
        ? [rating(f.severity)]
        : [];
    const unaffected = f.suppressed && f.suppressed.kind !== 'ignore-rule';
    const analysis = cdxAnalysis(f);
    const properties: [string, string | undefined][] = [
      ['keelson:match:namespace', f.match.namespace],
      ['keelson:match:lookup', `${f.match.lookupName} (${f.match.nameKind})`],
      ['keelson:match:constraint', f.match.constraint],
      ['keelson:match:source', `${f.match.source} ${f.match.advisoryId}`],
      ['keelson:status', f.status],
      ['keelson:epss', f.epss ? `${f.epss.score} (percentile ${f.epss.percentile})` : undefined],
      ['keelson:kev', f.kev ? `added ${f.kev.dateAdded}` : undefined],
      ['keelson:suppressed', f.suppressed ? `${f.suppressed.kind}: ${f.suppressed.detail}` : undefined],
      ['keelson:version-error', f.match.versionError],
    ];
    return {
      'bom-ref': bomRef,
      id: f.id,
      source: { name: f.dataSource.source, ...(url ? { url } : {}) },
      ...(f.aliases.length
        ? { references: f.aliases.map((id) => ({ id, source: { name: f.dataSource.source } })) }
        : {}),
      ...(ratings.length ? { ratings } : {}),
      ...(f.summary ? { description: f.summary } : {}),
      ...(f.fixedVersions.length
        ? { recommendation: `Upgrade ${f.package.name} to ${f.fixedVersions.join(' or ')}` }
        : {}),
      ...(url ? { advisories: [{ url }] } : {}),
      ...(analysis ? { analysis } : {}),
      affects: [
        {
          ref: ref ?? imageRef,
          versions: [
            { version: f.package.version || 'unknown', status: unaffected ? 'unaffected' : 'affected' },
          ],
        },
      ],
      properties: properties
        .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
        .map(([name, value]) => ({ name, value })),
    };
  });
  return `${JSON.stringify({ ...bom, vulnerabilities }, null, 2)}\n`;
}
