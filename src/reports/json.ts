/** keelson's own JSON report: the ScanResult as is (documented in docs/scan-json.md). */
import type { ScanResult } from '../matching/types.js';

export function renderJson(result: ScanResult, options: { showSuppressed?: boolean } = {}): string {
  const findings =
    options.showSuppressed === false ? result.findings.filter((f) => !f.suppressed) : result.findings;
  return `${JSON.stringify({ ...result, findings }, null, 2)}\n`;
}
