/** The one list of scan report formats. */
import type { Inventory } from '../core/types.js';
import type { ScanResult } from '../matching/types.js';
import { renderCsv } from './csv.js';
import { renderCycloneDxReport } from './cyclonedx.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderOpenVex } from './openvex.js';
import { renderSarif } from './sarif.js';
import { renderSpdxReport } from './spdx.js';
import { renderTable } from './table.js';

/** What every report is made from: the scan result and the inventory it was matched on. */
export interface ReportInput {
  result: ScanResult;
  inventory: Inventory;
}

export interface ReportOptions {
  /** Include suppressed findings where the format lists findings for people (table, CSV, Markdown, HTML). */
  showSuppressed?: boolean;
  /** keelson's version, for documents that name the tool. */
  toolVersion?: string;
  /** ANSI colour in the table (a TTY that supports it). */
  color?: boolean;
  /** The document's timestamp (tests pass a fixed one for golden files). */
  now?: Date;
}

export interface ReportFormat {
  name: string;
  /** Media type or short description, for --help. */
  description: string;
  render(input: ReportInput, options: ReportOptions): string;
}

export const reportFormats: Readonly<Record<string, ReportFormat>> = {
  table: {
    name: 'table',
    description: 'findings grouped by severity, for terminals',
    render: (i, o) => renderTable(i.result, o),
  },
  // JSON always carries suppressed findings (marked): a machine reader decides what to show.
  json: {
    name: 'json',
    description: "keelson's own JSON (docs/scan-json.md)",
    render: (i) => renderJson(i.result),
  },
  // The machine formats below carry every finding; suppressed ones are marked the way each format can.
  sarif: {
    name: 'sarif',
    description: 'SARIF 2.1.0 for GitHub code scanning (suppressed findings as SARIF suppressions)',
    render: renderSarif,
  },
  cyclonedx: {
    name: 'cyclonedx',
    description: 'CycloneDX 1.6 JSON: components and vulnerabilities with VEX analysis',
    render: renderCycloneDxReport,
  },
  spdx: {
    name: 'spdx',
    description: 'SPDX 2.3 JSON: the SBOM, with advisories as security references',
    render: renderSpdxReport,
  },
  openvex: {
    name: 'openvex',
    description: "OpenVEX 0.2.0: the image's statements per vulnerability and package",
    render: renderOpenVex,
  },
  csv: {
    name: 'csv',
    description: 'CSV, one row per finding',
    render: renderCsv,
  },
  markdown: {
    name: 'markdown',
    description: 'Markdown for pull-request comments',
    render: renderMarkdown,
  },
  html: {
    name: 'html',
    description: 'one self-contained HTML page',
    render: renderHtml,
  },
};
