/**
 * SBOMs shipped inside the image: Wolfi/Chainguard per-package SPDX files (`var/lib/db/sbom/`), DHI's
 * SPDX shim (`opt/docker/sbom/.spdx.<name>.json`) and any `*.spdx.json` / `*.cdx.json`. Their packages
 * complement what the package databases say; merging is the inventory's job.
 */
import type { PackageRecord, Warning } from '../../core/types.js';
import type { Analyzer, AnalyzerFile, FileFacts } from '../types.js';
import { type ComponentList, cycloneDxComponents, schemas, spdxComponents } from './documents.js';
import { recordFromPurl } from './purl.js';

const DHI_SBOM_DIR = 'opt/docker/sbom/';

export const embeddedSbomAnalyzer: Analyzer = {
  name: 'embedded-sbom',
  version: 2,
  maxFileSize: 32 * 1024 * 1024,
  // An SBOM only complements the package databases: skip a huge one with a warning.
  oversize: 'warn',
  wants: (path) =>
    path.endsWith('.spdx.json') ||
    path.endsWith('.cdx.json') ||
    (path.startsWith(DHI_SBOM_DIR) && path.endsWith('.json')),
  analyze: (file) => analyzeSbom(file),
};

function analyzeSbom(file: AnalyzerFile): FileFacts {
  const warn = (message: string): Warning => ({ code: 'SBOM_INVALID', message, file: file.path });
  let json: unknown;
  try {
    json = JSON.parse(file.content.toString('utf8'));
  } catch (err) {
    const reason = err instanceof Error ? err.message.slice(0, 200) : 'syntax error';
    return { warnings: [warn(`embedded SBOM is not valid JSON: ${reason}`)] };
  }

  const spdx = schemas().SpdxDocument.safeParse(json);
  const cdx = spdx.success ? undefined : schemas().CycloneDxDocument.safeParse(json);
  let format: 'spdx' | 'cyclonedx';
  let list: ComponentList;
  if (spdx.success) {
    format = 'spdx';
    list = spdxComponents(spdx.data);
  } else if (cdx?.success) {
    format = 'cyclonedx';
    list = cycloneDxComponents(cdx.data);
  } else {
    return { warnings: [warn('embedded SBOM is neither SPDX 2.x nor CycloneDX JSON')] };
  }

  const packages: PackageRecord[] = [];
  const seen = new Set<string>();
  let invalidPurls = 0;
  let versionless = 0;
  for (const component of list.components) {
    if (seen.has(component.purl)) continue;
    seen.add(component.purl);
    const result = recordFromPurl(component, file.path);
    if ('record' in result) packages.push(result.record);
    else if (result.skipped === 'invalid-purl') invalidPurls++;
    else if (result.skipped === 'no-version') versionless++;
  }

  const problems: string[] = [];
  if (list.unreadable > 0) problems.push(`${list.unreadable} unreadable package entries`);
  if (list.truncated) problems.push('too many packages, the rest were not read');
  if (invalidPurls > 0) problems.push(`${invalidPurls} invalid package URLs`);
  if (versionless > 0) problems.push(`${versionless} packages without a version left out`);
  const facts: FileFacts = { sbom: { format, packages } };
  if (problems.length > 0) facts.warnings = [warn(`embedded SBOM read in part: ${problems.join('; ')}`)];
  return facts;
}
