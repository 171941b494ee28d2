/** The terminal report: a summary line, then findings grouped by severity. */
import { table } from '../cli/format.js';
import type { Finding, ScanResult } from '../matching/types.js';
import { SEVERITY_ORDER } from '../matching/types.js';

export interface TableOptions {
  showSuppressed?: boolean;
  /** ANSI colour for severity headings and the summary (a terminal that supports it). */
  color?: boolean;
}

const SEVERITY_COLOUR: Record<string, string> = {
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[34m',
  negligible: '\x1b[2m',
  unknown: '\x1b[2m',
};

function paint(text: string, code: string | undefined, on: boolean | undefined): string {
  return on && code ? `${code}${text}\x1b[0m` : text;
}

export function summaryLine(result: ScanResult): string {
  const s = result.summary;
  const severities = SEVERITY_ORDER.filter((l) => s.bySeverity[l] > 0)
    .map((l) => `${s.bySeverity[l]} ${l}`)
    .join(', ');
  return (
    `${s.raw} raw → ${s.actionable} actionable${severities ? `: ${severities}` : ''}; ` +
    `${s.fixable} fixable; ${s.fromBase} inherited from base image; ${s.suppressed} suppressed` +
    (s.filtered ? `; ${s.filtered} filtered out` : '')
  );
}

function status(f: Finding): string {
  if (f.suppressed)
    return `suppressed: ${f.suppressed.kind === 'vex' ? `VEX ${f.suppressed.status}` : f.suppressed.kind === 'vendor-status' ? 'vendor not_affected' : 'ignored'}`;
  const vex = f.vex ? ` (VEX ${f.vex.status})` : '';
  const version = f.match.versionError ? ' (version not comparable)' : '';
  return `${f.status}${vex}${version}`;
}

function part(f: Finding): string {
  const base = f.package.layer?.base;
  return base === undefined ? '-' : base ? 'base' : 'app';
}

export function renderTable(result: ScanResult, options: TableOptions = {}): string {
  const lines: string[] = [];
  const distro = result.distro
    ? `${result.distro.id}${result.distro.version ? ` ${result.distro.version}` : ''}`
    : 'unknown';
  lines.push(`Image     ${result.image.target}`);
  lines.push(
    `Distro    ${distro}   Provider ${result.provider.name}${result.provider.model ? ` (${result.provider.model} model)` : ''}`,
  );
  lines.push(`Packages  ${result.packages}`);
  lines.push(
    `Database  ${result.database.sources.join(', ') || 'empty'}${result.database.demo ? '  [DEMO DATA]' : ''}`,
  );
  lines.push('');
  const shown = result.findings.filter((f) => options.showSuppressed || !f.suppressed);
  if (!shown.length) lines.push('No findings.');
  for (const level of SEVERITY_ORDER) {
    const group = shown.filter((f) => !f.suppressed && f.severity.level === level);
    if (!group.length) continue;
    lines.push(paint(`${level.toUpperCase()} (${group.length})`, SEVERITY_COLOUR[level], options.color));
    lines.push(rows(group));
    lines.push('');
  }
  const suppressed = shown.filter((f) => f.suppressed);
  if (suppressed.length) {
    lines.push(paint(`SUPPRESSED (${suppressed.length})`, '\x1b[2m', options.color));
    lines.push(rows(suppressed));
    lines.push('');
  }
  lines.push(paint(summaryLine(result), '\x1b[1m', options.color));
  return `${lines.join('\n')}\n`;
}

function rows(findings: Finding[]): string {
  return table(
    ['VULNERABILITY', 'PACKAGE', 'INSTALLED', 'FIXED IN', 'PART', 'STATUS', 'SOURCE'],
    findings.map((f) => [
      f.id,
      f.package.name,
      f.package.version,
      f.fixedVersions.join(', ') || '-',
      part(f),
      status(f),
      f.dataSource.source,
    ]),
  );
}
