/**
 * SPDX 2.3 scan report: the SBOM of the scanned inventory (src/sbom/spdx.ts), with each finding that has
 * an advisory URL added to its package as an external reference of category SECURITY, type `advisory`.
 */
import { spdxDocument } from '../sbom/spdx.js';
import { contentUuid, reportTimestamp } from './common.js';
import { packageIndex } from './cyclonedx.js';
import type { ReportInput, ReportOptions } from './registry.js';

/** SPDX locators have no whitespace; http(s) URLs only. */
function advisoryUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return /^https?:$/.test(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

export function renderSpdxReport(input: ReportInput, options: ReportOptions): string {
  const { result, inventory } = input;
  const timestamp = reportTimestamp(options.now);
  const uuid = contentUuid('spdx', result, timestamp);
  const { document, packages } = spdxDocument(inventory, {
    toolVersion: options.toolVersion ?? 'unknown',
    now: options.now ?? new Date(timestamp),
    uuid: () => uuid,
  });
  const indexOf = packageIndex(inventory);
  for (const f of result.findings) {
    const i = indexOf(f);
    const url = advisoryUrl(f.url);
    const pkg = i === undefined ? undefined : packages[i];
    if (!pkg || !url) continue;
    pkg.externalRefs ??= [];
    const refs = pkg.externalRefs;
    if (refs.some((r) => r.referenceCategory === 'SECURITY' && r.referenceLocator === url)) continue;
    refs.push({ referenceCategory: 'SECURITY', referenceType: 'advisory', referenceLocator: url });
  }
  return `${JSON.stringify(document, null, 2)}\n`;
}
