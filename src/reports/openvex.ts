/**
 * OpenVEX 0.2.0: the image's statements, one per (vulnerability, package) — not_affected with why (VEX or
 * the vendor), under_investigation, fixed (only when a VEX statement says so), or affected with what to
 * do. Products are the image (pkg:oci) with the package as subcomponent. Findings hidden by an ignore rule
 * get no statement: an ignore rule is the user's choice, not a fact about the image.
 */
import type { Finding } from '../matching/types.js';
import { contentUuid, imagePurl, reportTimestamp } from './common.js';
import type { ReportInput, ReportOptions } from './registry.js';

const OPENVEX_JUSTIFICATIONS = new Set([
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
]);

/** CycloneDX justifications in OpenVEX terms; OpenVEX (and CSAF flag) names pass through. */
export function openVexJustification(justification: string | undefined): string | undefined {
  if (!justification) return undefined;
  if (OPENVEX_JUSTIFICATIONS.has(justification)) return justification;
  switch (justification) {
    case 'code_not_present':
      return 'vulnerable_code_not_present';
    case 'code_not_reachable':
      return 'vulnerable_code_not_in_execute_path';
    case 'protected_by_compiler':
    case 'protected_at_runtime':
    case 'protected_at_perimeter':
    case 'protected_by_mitigating_control':
      return 'inline_mitigations_already_exist';
    default:
      return undefined;
  }
}

interface Statement {
  vulnerability: { name: string; aliases?: string[] };
  products: { '@id': string; subcomponents: { '@id': string }[] }[];
  status: 'not_affected' | 'affected' | 'fixed' | 'under_investigation';
  justification?: string;
  impact_statement?: string;
  action_statement?: string;
  status_notes?: string;
}

function statusOf(
  f: Finding,
): Pick<Statement, 'status' | 'justification' | 'impact_statement' | 'status_notes'> | undefined {
  const s = f.suppressed;
  if (s?.kind === 'ignore-rule') return undefined;
  const vexStatus = s?.kind === 'vex' ? (s.status ?? f.vex?.status) : f.vex?.status;
  if (vexStatus === 'not_affected' || s?.kind === 'vendor-status') {
    const raw = s?.justification ?? f.vex?.justification;
    const justification = openVexJustification(raw);
    // OpenVEX wants a justification or an impact statement; the vendor's words serve as the latter.
    const impact = f.vex?.statement ?? s?.detail ?? `not affected${raw ? ` (${raw})` : ''}`;
    return {
      status: 'not_affected',
      ...(justification ? { justification } : {}),
      impact_statement: impact,
      ...(f.vex ? { status_notes: `VEX from ${f.vex.origin}` } : {}),
    };
  }
  if (vexStatus === 'fixed')
    return { status: 'fixed', status_notes: `VEX from ${f.vex?.origin ?? s?.origin}` };
  if (vexStatus === 'under_investigation' || f.status === 'under_investigation')
    return { status: 'under_investigation' };
  return {
    status: 'affected',
    ...(f.status !== 'affected' ? { status_notes: `vendor status: ${f.status}` } : {}),
  };
}

function actionStatement(f: Finding): string {
  if (f.fixedVersions.length) return `Update ${f.package.name} to ${f.fixedVersions.join(' or ')}`;
  if (f.status === 'will_not_fix' || f.status === 'end_of_life')
    return `The vendor will not fix ${f.package.name} (${f.status}); remove or replace it, or accept the risk`;
  return `No fixed version of ${f.package.name} is available yet; watch for an update`;
}

export function renderOpenVex(input: ReportInput, options: ReportOptions): string {
  const { result } = input;
  const timestamp = reportTimestamp(options.now);
  const product = imagePurl(result);
  const seen = new Set<string>();
  const statements: Statement[] = [];
  for (const f of result.findings) {
    const status = statusOf(f);
    const component = f.package.purl || `pkg:generic/${encodeURIComponent(f.package.name)}`;
    const key = `${f.id}\0${component}`;
    if (!status || seen.has(key)) continue;
    seen.add(key);
    statements.push({
      vulnerability: { name: f.id, ...(f.aliases.length ? { aliases: f.aliases } : {}) },
      products: [{ '@id': product, subcomponents: [{ '@id': component }] }],
      ...status,
      ...(status.status === 'affected' ? { action_statement: actionStatement(f) } : {}),
    });
  }
  const document = {
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `urn:uuid:${contentUuid('openvex', result, timestamp)}`,
    author: 'keelson',
    timestamp,
    version: 1,
    tooling: `keelson${options.toolVersion ? ` ${options.toolVersion}` : ''}`,
    statements,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
