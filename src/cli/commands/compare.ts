import { AdvisoryDb, defaultDbDir } from '../../advisories/db/reader.js';
import { compareScans, renderComparison } from '../../compare/compare.js';
import { emit } from '../common.js';
import { type MatchFlags, reportScanWarnings, runScan } from './scan.js';

export interface CompareFlags extends MatchFlags {
  format: 'table' | 'json';
  output?: string;
}

/** Scans both images against the same database and prints what changed. */
export async function compareCommand(a: string, b: string, flags: CompareFlags): Promise<void> {
  // Fail on a missing database before reading either image.
  AdvisoryDb.open(flags.dbDir ?? defaultDbDir()).close();
  const before = await runScan(a, flags);
  reportScanWarnings(before.result);
  const after = await runScan(b, flags);
  reportScanWarnings(after.result);
  const comparison = compareScans(before, after);
  await emit(
    flags.format === 'json' ? `${JSON.stringify(comparison, null, 2)}\n` : renderComparison(comparison),
    flags.output,
  );
}
