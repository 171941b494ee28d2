import { KeelsonError } from '../../core/errors.js';
import { type ScanOutcome, scanTargetWithInventory } from '../../matching/scan.js';
import type { ScanResult } from '../../matching/types.js';
import { reportFormats } from '../../reports/registry.js';
import { readVexPath } from '../../vex/read.js';
import type { VexStatement } from '../../vex/types.js';
import { emit, type ImageFlags, inventoryOptions } from '../common.js';
import { VERSION } from '../version.js';

export interface ScanFlags extends ImageFlags {
  format: string;
  output?: string;
  dbDir?: string;
  vex: string[];
  vexRepo: string[];
  vexReferrers?: boolean;
  showSuppressed?: boolean;
  maxDbAge?: string;
}

export async function loadVex(paths: readonly string[]): Promise<VexStatement[]> {
  const out: VexStatement[] = [];
  for (const path of paths) {
    const result = await readVexPath(path);
    for (const skipped of result.skipped)
      process.stderr.write(`keelson: warning: VEX file ${skipped.file} ignored: ${skipped.reason}\n`);
    out.push(...result.statements);
  }
  return out;
}

export function parseAge(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\s*([hd])$/.exec(text.trim());
  if (!m) throw new KeelsonError('INVALID_ARGUMENT', `--max-db-age "${text}" is not like 24h or 7d`);
  return Number(m[1]) * (m[2] === 'd' ? 24 : 1);
}

export async function runScan(target: string, flags: ScanFlags): Promise<ScanOutcome> {
  const maxDbAgeHours = parseAge(flags.maxDbAge);
  return scanTargetWithInventory(target, {
    ...inventoryOptions(flags),
    ...(flags.dbDir ? { dbDir: flags.dbDir } : {}),
    vex: await loadVex(flags.vex),
    vexRepositories: flags.vexRepo,
    ...(flags.vexReferrers ? { vexReferrers: true } : {}),
    ...(maxDbAgeHours !== undefined ? { maxDbAgeHours } : {}),
  });
}

export function reportScanWarnings(result: ScanResult): void {
  const shown = result.warnings.slice(0, 20);
  for (const w of shown) process.stderr.write(`keelson: warning: ${w.message}\n`);
  if (result.warnings.length > shown.length)
    process.stderr.write(`keelson: warning: … and ${result.warnings.length - shown.length} more\n`);
}

export async function scanCommand(target: string, flags: ScanFlags): Promise<void> {
  const format = reportFormats[flags.format];
  if (!format)
    throw new KeelsonError(
      'INVALID_ARGUMENT',
      `unknown format "${flags.format}" (choose ${Object.keys(reportFormats).join(', ')})`,
    );
  const outcome = await runScan(target, flags);
  reportScanWarnings(outcome.result);
  await emit(
    format.render(outcome, { showSuppressed: flags.showSuppressed ?? false, toolVersion: VERSION }),
    flags.output,
  );
}
