/**
 * CSV (RFC 4180: CRLF, fields quoted when they hold a comma, quote or line break) with one row per
 * finding. Cells that a spreadsheet would run as a formula (= + - @, tab, CR) get a leading quote.
 */
import type { Finding } from '../matching/types.js';
import { imagePart, listedFindings, suppressionText } from './common.js';
import type { ReportInput, ReportOptions } from './registry.js';

export const CSV_COLUMNS = [
  'vulnerability',
  'aliases',
  'package',
  'version',
  'type',
  'purl',
  'fixed_versions',
  'severity',
  'cvss_score',
  'epss',
  'kev',
  'status',
  'suppressed_by',
  'base_or_app',
  'layer',
  'source',
  'url',
] as const;

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function row(f: Finding): string[] {
  const cvss = [f.severity, ...f.severities].find(
    (s) => s.method.startsWith('CVSS') && s.score !== undefined,
  );
  return [
    f.id,
    f.aliases.join(' '),
    f.package.name,
    f.package.version,
    f.package.type,
    f.package.purl,
    f.fixedVersions.join(' '),
    f.severity.level,
    cvss?.score !== undefined ? String(cvss.score) : '',
    f.epss ? String(f.epss.score) : '',
    f.kev ? 'yes' : 'no',
    f.status,
    f.suppressed ? `${suppressionText(f)}: ${f.suppressed.detail}` : '',
    imagePart(f) === '-' ? '' : imagePart(f),
    f.package.layer ? String(f.package.layer.index) : '',
    f.dataSource.source,
    f.url ?? '',
  ];
}

export function renderCsv(input: ReportInput, options: ReportOptions): string {
  const rows = [[...CSV_COLUMNS], ...listedFindings(input.result, options.showSuppressed).map(row)];
  return rows.map((cells) => `${cells.map(csvCell).join(',')}\r\n`).join('');
}
