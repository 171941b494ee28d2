/**
 * `keelson scan` as a library call: inventory the target, match it against the advisory database and
 * VEX, and summarise.
 */
import { AdvisoryDb, defaultDbDir } from '../advisories/db/reader.js';
import { reportProgress } from '../core/progress.js';
import type { Inventory } from '../core/types.js';
import { type InventoryOptions, inventoryTarget } from '../inventory/build.js';
import type { VexStatement } from '../vex/types.js';
import { matchInventory } from './match.js';
import type { DatabaseInfo, Finding, ScanResult, ScanSummary, SeverityLevel } from './types.js';

export interface ScanOptions extends InventoryOptions {
  dbDir?: string;
  vex?: readonly VexStatement[];
  /** VEX repositories (VEX Hub layout) on disk: statements for the image's packages are read from them. */
  vexRepositories?: readonly string[];
  /** Read VEX attestations attached to a registry image (OCI referrers, cosign `.att` tag). */
  vexReferrers?: boolean;
  /** Warn when the database is older than this many hours (default 7 days). */
  maxDbAgeHours?: number;
  now?: () => Date;
}

export const DEFAULT_MAX_DB_AGE_HOURS = 7 * 24;

/** A scan's result with the inventory it was made from (reports such as CycloneDX list both). */
export interface ScanOutcome {
  result: ScanResult;
  inventory: Inventory;
}

export async function scanTarget(target: string, options: ScanOptions = {}): Promise<ScanResult> {
  return (await scanTargetWithInventory(target, options)).result;
}

export async function scanTargetWithInventory(
  target: string,
  options: ScanOptions = {},
): Promise<ScanOutcome> {
  // Open the database first: a missing one is reported before any image is read.
  const dbDir = options.dbDir ?? defaultDbDir();
  const db = AdvisoryDb.open(dbDir);
  try {
    reportProgress(options.onProgress, { type: 'database', path: dbDir });
    const inventory = await inventoryTarget(target, options);
    reportProgress(options.onProgress, {
      type: 'match',
      state: 'start',
      packages: inventory.packages.length,
    });
    const { statements, warnings } = await imageVex(inventory, options);
    const result = scanInventory(inventory, db, { ...options, vex: [...(options.vex ?? []), ...statements] });
    result.warnings.push(...warnings);
    reportProgress(options.onProgress, { type: 'match', state: 'end', findings: result.findings.length });
    return { result, inventory };
  } finally {
    db.close();
  }
}

/** VEX that depends on the image: statements about its packages in VEX repositories, and its attestations. */
async function imageVex(
  inventory: Inventory,
  options: ScanOptions,
): Promise<{ statements: VexStatement[]; warnings: ScanResult['warnings'] }> {
  const statements: VexStatement[] = [];
  const warnings: ScanResult['warnings'] = [];
  const note = (what: string, skipped: { reason: string }[]) => {
    for (const s of skipped) warnings.push({ code: 'VEX_SKIPPED', message: `${what}: ${s.reason}` });
  };
  if (options.vexRepositories?.length) {
    const { readVexRepository } = await import('../vex/sources.js');
    const purls = inventory.packages.map((p) => p.purl);
    for (const dir of options.vexRepositories) {
      const result = await readVexRepository(dir, purls);
      statements.push(...result.statements);
      note(`VEX repository ${dir}`, result.skipped);
    }
  }
  if (options.vexReferrers && inventory.image.sourceType === 'registry') {
    const { fetchReferrerVex } = await import('../vex/sources.js');
    const result = await fetchReferrerVex(
      { identity: inventory.image },
      options.insecureRegistries ? { insecureRegistries: options.insecureRegistries } : {},
    );
    statements.push(...result.statements);
    note('image attestations', result.skipped);
  }
  return { statements, warnings };
}

export function scanInventory(inventory: Inventory, db: AdvisoryDb, options: ScanOptions = {}): ScanResult {
  const { findings, warnings } = matchInventory(inventory, db, options.vex ? { vex: options.vex } : {});
  const database = databaseInfo(db, options.now?.() ?? new Date());
  const eol = endOfLife(inventory, db);
  if (eol) warnings.push({ code: 'EOL_DISTRO', message: eol });
  const maxAge = options.maxDbAgeHours ?? DEFAULT_MAX_DB_AGE_HOURS;
  if (database.demo)
    warnings.unshift({
      code: 'DEMO_DATABASE',
      message:
        'the advisory database holds DEMO data (bundled samples and synthetic feeds), not real advisories',
    });
  else if (database.ageHours !== undefined && database.ageHours > maxAge)
    warnings.unshift({
      code: 'STALE_DATABASE',
      message: `the advisory database is ${Math.round(database.ageHours)} hours old (limit ${maxAge}) — run \`keelson db update\``,
    });
  return {
    schemaVersion: 1,
    image: {
      target: inventory.image.target,
      ...(inventory.image.reference ? { reference: inventory.image.reference } : {}),
      ...(inventory.image.manifestDigest ? { manifestDigest: inventory.image.manifestDigest } : {}),
      ...(inventory.image.configDigest ? { configDigest: inventory.image.configDigest } : {}),
    },
    ...(inventory.distro
      ? {
          distro: {
            id: inventory.distro.id,
            ...(inventory.distro.version ? { version: inventory.distro.version } : {}),
            ...(inventory.distro.versionCodename
              ? { versionCodename: inventory.distro.versionCodename }
              : {}),
            ...(inventory.distro.rolling ? { rolling: true } : {}),
          },
        }
      : {}),
    provider: inventory.provider,
    packages: inventory.packages.length,
    findings,
    summary: summarize(findings),
    database,
    warnings: [...inventory.warnings.map((w) => ({ code: w.code, message: w.message })), ...warnings],
  };
}

/** A warning when the image's release is end-of-life by the vendor's own data (Debian's tracker metadata). */
function endOfLife(inventory: Inventory, db: AdvisoryDb): string | undefined {
  const distro = inventory.distro;
  if (distro?.id !== 'debian' || !distro.version) return undefined;
  const meta = db.sources().find((s) => s.name === 'debian-tracker')?.meta;
  if (!meta?.['debian-eol'] || !meta['debian-codenames']) return undefined;
  try {
    const eol = JSON.parse(meta['debian-eol']) as string[];
    const codenames = JSON.parse(meta['debian-codenames']) as Record<string, string | number>;
    const major = distro.version.split('.')[0];
    const codename = Object.entries(codenames).find(([, v]) => String(v) === major)?.[0];
    if (codename && eol.includes(codename))
      return `Debian ${major} (${codename}) is end-of-life: its security support has ended, so fixes and new advisories may be missing`;
  } catch {
    return undefined;
  }
  return undefined;
}

function databaseInfo(db: AdvisoryDb, now: Date): DatabaseInfo {
  const builtAt = db.builtAt();
  const sources = db.sources();
  return {
    path: db.path,
    ...(builtAt ? { builtAt, ageHours: (now.getTime() - Date.parse(builtAt)) / 3_600_000 } : {}),
    demo: sources.some((s) => s.demo),
    sources: sources.map((s) => s.name),
  };
}

export function summarize(findings: readonly Finding[]): ScanSummary {
  const bySeverity: Record<SeverityLevel, number> = {
    critical: 0,
    high: 0,
    medium: 0,
    low: 0,
    negligible: 0,
    unknown: 0,
  };
  const actionable = findings.filter((f) => !f.suppressed);
  for (const f of actionable) bySeverity[f.severity.level]++;
  return {
    raw: findings.length,
    actionable: actionable.length,
    suppressed: findings.length - actionable.length,
    bySeverity,
    fixable: actionable.filter((f) => f.fixedVersions.length > 0).length,
    fromBase: actionable.filter((f) => f.package.layer?.base === true).length,
  };
}
