/** The one list of scan report formats. */
import type { ScanResult } from '../matching/types.js';
import { renderJson } from './json.js';
import { renderTable } from './table.js';

export interface ReportOptions {
  showSuppressed?: boolean;
}

export interface ReportFormat {
  name: string;
  render(result: ScanResult, options: ReportOptions): string;
}

export const reportFormats: Readonly<Record<string, ReportFormat>> = {
  table: { name: 'table', render: (r, o) => renderTable(r, o) },
  // JSON always carries suppressed findings (marked): a machine reader decides what to show.
  json: { name: 'json', render: (r) => renderJson(r) },
};
