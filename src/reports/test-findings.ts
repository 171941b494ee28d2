/**
 * Test-only: hand-built findings and a matching inventory for the report unit tests, including hostile
 * strings (quotes, line breaks, markdown/HTML specials, spreadsheet formula prefixes) in package names,
 * versions and advisory text.
 */
import type { Inventory, Package } from '../core/types.js';
import { summarize } from '../matching/scan.js';
import type { Finding, ScanResult } from '../matching/types.js';
import type { ReportInput } from './registry.js';

export const HOSTILE_NAME = '=cmd|"/c calc"!A1 <b>x</b> `tick` | pipe\nnext';

export function testPackage(name: string, version: string, over: Partial<Package> = {}): Package {
  return {
    name,
    version,
    type: 'apk',
    purl: `pkg:apk/alpine/${encodeURIComponent(name)}@${encodeURIComponent(version)}?arch=x86_64`,
    location: 'lib/apk/db/installed',
    foundBy: 'apk',
    layer: { index: 1, diffID: 'sha256:bbbb', base: false },
    ...over,
  };
}

export function testFinding(pkg: Package, id: string, over: Partial<Finding> = {}): Finding {
  return {
    id,
    aliases: [],
    package: {
      name: pkg.name,
      version: pkg.version,
      type: pkg.type,
      purl: pkg.purl,
      location: pkg.location,
      ...(pkg.layer ? { layer: pkg.layer } : {}),
    },
    status: 'affected',
    fixedVersions: [],
    severity: { level: 'unknown', source: 'none', method: 'none' },
    severities: [],
    dataSource: { source: 'alpine-secdb', advisoryId: id },
    match: {
      namespace: 'alpine:3.20',
      lookupName: pkg.name,
      nameKind: 'origin',
      scheme: 'apk',
      constraint: '< 9',
      source: 'alpine-secdb',
      advisoryId: id,
      namespaceReason: 'test',
    },
    ...over,
  };
}

export function testInput(
  packages: Package[],
  findings: Finding[],
  image: Partial<ScanResult['image']> = {},
): ReportInput {
  const inventory: Inventory = {
    schemaVersion: 1,
    image: { target: 'registry.example.com/team/app:1.0', sourceType: 'registry', annotations: {}, ...image },
    config: { labels: {}, history: [], diffIDs: ['sha256:aaaa', 'sha256:bbbb'] },
    layers: [],
    distro: { id: 'alpine', version: '3.20.1', source: 'etc/os-release', fields: {} },
    provider: { name: 'traditional', evidence: [] },
    packages,
    embeddedSboms: [],
    warnings: [],
    complete: true,
    stats: { layersFromCache: 0, layersAnalyzed: 2, bytesRead: 0 },
  };
  const result: ScanResult = {
    schemaVersion: 1,
    image: { target: inventory.image.target, ...image },
    distro: { id: 'alpine', version: '3.20.1' },
    provider: inventory.provider,
    packages: packages.length,
    findings,
    summary: summarize(findings),
    database: { path: 'db', demo: false, sources: ['alpine-secdb'] },
    warnings: [],
  };
  return { result, inventory };
}

/** Four findings covering every analysis path: CVSS-rated fixable, vendor not_affected, VEX not_affected,
 * vendor under_investigation — and one package with a hostile name. */
export function variedInput(): ReportInput {
  const openssl = testPackage('openssl', '3.0.1-r0', {
    layer: { index: 0, diffID: 'sha256:aaaa', base: true },
  });
  const evil = testPackage(HOSTILE_NAME, '@1.0"\n-r0');
  const zlib = testPackage('zlib', '1.2.11-r0');
  const findings: Finding[] = [
    testFinding(openssl, 'CVE-2024-0001', {
      aliases: ['GHSA-xxxx-yyyy-zzzz'],
      fixedVersions: ['3.0.2-r0'],
      severity: {
        level: 'critical',
        source: 'nvd',
        score: 9.8,
        method: 'CVSS:3.1',
        vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      },
      severities: [
        { level: 'high', source: 'alpine-secdb', method: 'vendor' },
        {
          level: 'critical',
          source: 'nvd',
          score: 9.8,
          method: 'CVSS:3.1',
          vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
        },
      ],
      epss: { score: 0.42, percentile: 0.97 },
      kev: { dateAdded: '2024-02-01' },
      summary: 'Buffer overflow in <script>alert(1)</script> | table',
      url: 'https://security.example.com/CVE-2024-0001',
    }),
    testFinding(evil, 'CVE-2024-0002', {
      severity: { level: 'medium', source: 'alpine-secdb', method: 'vendor' },
      summary: '=HYPERLINK("http://evil")',
      url: 'javascript:alert(1)',
    }),
    testFinding(zlib, 'CVE-2024-0003', {
      status: 'under_investigation',
      severity: { level: 'low', source: 'alpine-secdb', method: 'vendor' },
    }),
    testFinding(openssl, 'CVE-2024-0004', {
      status: 'not_affected',
      suppressed: { kind: 'vendor-status', detail: 'alpine-secdb: not affected (secfixes "0")' },
    }),
    testFinding(zlib, 'CVE-2024-0005', {
      vex: {
        status: 'not_affected',
        justification: 'vulnerable_code_not_present',
        statement: 'inflate is not built',
        origin: 'vex.json',
      },
      suppressed: {
        kind: 'vex',
        detail: 'VEX vex.json: not_affected',
        status: 'not_affected',
        justification: 'vulnerable_code_not_present',
        origin: 'vex.json',
      },
    }),
  ];
  return testInput([openssl, evil, zlib], findings, {
    reference: 'registry.example.com/team/app:1.0',
    manifestDigest: 'sha256:cafe',
  });
}
