import assert from 'node:assert/strict';
import type { Finding, ScanResult } from '../../src/matching/types.js';
import { runCli } from './cli.js';

/** `keelson scan IMAGE --format json` through the real CLI; asserts exit 0 and parses the report. */
export async function scanJson(image: string, dbDir: string, extra: string[] = []): Promise<ScanResult> {
  const res = await runCli(['scan', image, '--db-dir', dbDir, '--format', 'json', '--no-cache', ...extra]);
  assert.equal(res.code, 0, `keelson scan ${image} failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as ScanResult;
}

/**
 * One line per finding with everything the e2e tests pin down: package, id, status, fixed versions,
 * namespace, lookup name, source and suppression kind.
 */
export function findingLine(f: Finding): string {
  const fixed = f.fixedVersions.length ? f.fixedVersions.join(',') : '-';
  const suppressed = f.suppressed ? ` SUPPRESSED:${f.suppressed.kind}` : '';
  return `${f.package.name} ${f.id} ${f.status} fix=${fixed} ns=${f.match.namespace} lookup=${f.match.lookupName} src=${f.dataSource.source}${suppressed}`;
}

export function findingLines(result: ScanResult): string[] {
  return result.findings.map(findingLine).sort();
}
