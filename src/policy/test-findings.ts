/** Small hand-made findings and results for policy, config and compare tests. */

import { summarize } from '../matching/scan.js';
import type { Finding, ScanResult, SeverityLevel } from '../matching/types.js';

export interface FindingSpec {
  id: string;
  pkg?: string;
  version?: string;
  level?: SeverityLevel;
  fixed?: string[];
  base?: boolean;
  kev?: boolean;
  epss?: number;
  suppressed?: boolean;
  purl?: string;
  location?: string;
  aliases?: string[];
}

export function finding(s: FindingSpec): Finding {
  const name = s.pkg ?? 'openssl';
  const version = s.version ?? '1.0.0';
  return {
    id: s.id,
    aliases: s.aliases ?? [],
    package: {
      name,
      version,
      type: 'apk',
      purl: s.purl ?? `pkg:apk/alpine/${name}@${version}?arch=x86_64`,
      location: s.location ?? 'lib/apk/db/installed',
      ...(s.base === undefined ? {} : { layer: { index: 0, diffID: 'sha256:aa', base: s.base } }),
    },
    status: 'affected',
    fixedVersions: s.fixed ?? [],
    severity: { level: s.level ?? 'high', source: 'test', method: 'vendor' },
    severities: [],
    ...(s.epss === undefined ? {} : { epss: { score: s.epss, percentile: 0.5 } }),
    ...(s.kev ? { kev: { dateAdded: '2024-01-01' } } : {}),
    dataSource: { source: 'test', advisoryId: s.id },
    match: {
      namespace: 'alpine:3.10',
      lookupName: name,
      nameKind: 'origin',
      constraint: '< 2',
      source: 'test',
      advisoryId: s.id,
      namespaceReason: 'test',
    },
    ...(s.suppressed ? { suppressed: { kind: 'vex' as const, detail: 'test VEX' } } : {}),
  } as Finding;
}

export function result(findings: Finding[]): ScanResult {
  return {
    schemaVersion: 1,
    image: { target: 'test.tar' },
    provider: { name: 'traditional', evidence: [] },
    packages: 3,
    findings,
    summary: summarize(findings),
    database: { path: '/db', demo: false, sources: ['test'] },
    warnings: [],
  };
}
