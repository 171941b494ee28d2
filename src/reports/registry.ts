/** The one list of scan report formats. */
import type { Inventory } from '../core/types.js';
import type { ScanResult } from '../matching/types.js';
import { renderJson } from './json.js';
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
};
