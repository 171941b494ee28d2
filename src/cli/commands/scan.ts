import { existsSync } from 'node:fs';
import { KeelsonError } from '../../core/errors.js';
import { type ScanOutcome, scanTargetWithInventory } from '../../matching/scan.js';
import type { ScanResult, SeverityLevel } from '../../matching/types.js';
import {
  applyFilters,
  type FilterOptions,
  failOnHits,
  hasFilters,
  parseEpss,
  parseSeverity,
  parseSeverityList,
} from '../../policy/filters.js';
import {
  applyIgnoreRules,
  DEFAULT_IGNORE_FILE,
  type IgnoreRule,
  loadIgnoreFile,
} from '../../policy/ignore.js';
import { reportFormats } from '../../reports/registry.js';
import { readVexPath } from '../../vex/read.js';
import type { VexStatement } from '../../vex/types.js';
import { emit, type ImageFlags, inventoryOptions } from '../common.js';
import { PolicyFailure } from '../exit.js';
import { VERSION } from '../version.js';

/** What every command that matches an image takes (scan, explain, compare). */
export interface MatchFlags extends ImageFlags {
  dbDir?: string;
  vex: string[];
  vexRepo: string[];
  vexReferrers?: boolean;
  maxDbAge?: string;
}

export interface ScanFlags extends MatchFlags {
  /** `NAME` or `NAME=FILE`, repeatable. */
  format: string[];
  output?: string;
  showSuppressed?: boolean;
  severity: string[];
  ignoreUnfixed?: boolean;
  onlyBase?: boolean;
  ignoreBase?: boolean;
  onlyKev?: boolean;
  epssMin?: string;
  failOn?: string;
  ignoreFile?: string;
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

export async function runScan(target: string, flags: MatchFlags): Promise<ScanOutcome> {
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

export interface ReportTarget {
  format: string;
  /** File to write, or undefined for stdout. */
  file?: string;
}

/**
 * `--format` values → where each report goes. `NAME=FILE` writes that format to FILE; a plain `NAME`
 * goes to `--output` (or stdout) — at most one can. Names are checked against the report registry.
 */
export function reportTargets(
  formats: readonly string[],
  output: string | undefined,
  known: readonly string[],
): ReportTarget[] {
  const list = formats.length ? formats : ['table'];
  const targets: ReportTarget[] = [];
  for (const entry of list) {
    const eq = entry.indexOf('=');
    const format = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    const file = eq < 0 ? output : entry.slice(eq + 1).trim();
    if (!known.includes(format))
      throw new KeelsonError('INVALID_ARGUMENT', `unknown format "${format}" (choose ${known.join(', ')})`);
    if (eq >= 0 && !file)
      throw new KeelsonError(
        'INVALID_ARGUMENT',
        `--format ${entry}: no file after "=" (e.g. ${format}=report.${format})`,
      );
    targets.push({ format, ...(file ? { file } : {}) });
  }
  const seen = new Set<string>();
  for (const t of targets) {
    const where = t.file ?? '-';
    if (seen.has(where))
      throw new KeelsonError(
        'INVALID_ARGUMENT',
        where === '-'
          ? 'more than one --format would go to stdout: give the others a file, e.g. --format sarif=report.sarif'
          : `more than one --format would write ${where}`,
      );
    seen.add(where);
  }
  return targets;
}

export interface ScanPolicy {
  filters: FilterOptions;
  failOn?: SeverityLevel;
}

/** Checks the policy flags before anything is scanned, so that a typo fails in milliseconds. */
export function scanPolicy(flags: ScanFlags): ScanPolicy {
  if (flags.onlyBase && flags.ignoreBase)
    throw new KeelsonError(
      'INVALID_ARGUMENT',
      '--only-base and --ignore-base exclude each other: choose one',
    );
  const severities = flags.severity.flatMap((s) => parseSeverityList(s));
  const filters: FilterOptions = {
    ...(severities.length ? { severities } : {}),
    ...(flags.ignoreUnfixed ? { ignoreUnfixed: true } : {}),
    ...(flags.onlyBase ? { base: 'only' as const } : flags.ignoreBase ? { base: 'ignore' as const } : {}),
    ...(flags.onlyKev ? { onlyKev: true } : {}),
    ...(flags.epssMin !== undefined ? { epssMin: parseEpss(flags.epssMin) } : {}),
  };
  return { filters, ...(flags.failOn !== undefined ? { failOn: parseSeverity(flags.failOn) } : {}) };
}

/** The ignore rules to apply: `--ignore-file` (must exist), else `.keelsonignore.yaml` when present. */
async function ignoreRules(flags: ScanFlags): Promise<{ file: string; rules: IgnoreRule[] } | undefined> {
  if (flags.ignoreFile !== undefined)
    return { file: flags.ignoreFile, rules: await loadIgnoreFile(flags.ignoreFile) };
  if (!existsSync(DEFAULT_IGNORE_FILE)) return undefined;
  return { file: DEFAULT_IGNORE_FILE, rules: await loadIgnoreFile(DEFAULT_IGNORE_FILE) };
}

export async function scanCommand(
  target: string,
  flags: ScanFlags,
  now: () => Date = () => new Date(),
): Promise<void> {
  const targets = reportTargets(flags.format, flags.output, Object.keys(reportFormats));
  const policy = scanPolicy(flags);
  const ignore = await ignoreRules(flags);
  const outcome = await runScan(target, flags);
  let result = outcome.result;
  reportScanWarnings(result);
  if (ignore) {
    const applied = applyIgnoreRules(result, ignore.rules, { now: now(), file: ignore.file });
    for (const w of applied.warnings) process.stderr.write(`keelson: warning: ${w}\n`);
    result = applied.result;
  }
  if (hasFilters(policy.filters)) {
    const filtered = applyFilters(result, policy.filters);
    for (const n of filtered.notes) process.stderr.write(`keelson: note: ${n}\n`);
    if (filtered.filtered) {
      const by = Object.entries(filtered.filteredBy)
        .map(([k, v]) => `--${k}: ${v}`)
        .join(', ');
      process.stderr.write(
        `keelson: ${filtered.filtered} of ${result.findings.length} findings filtered out (${by}); the summary counts them as filtered\n`,
      );
    }
    result = filtered.result;
  }
  const input = { result, inventory: outcome.inventory };
  for (const t of targets)
    await emit(
      reportFormats[t.format]!.render(input, {
        showSuppressed: flags.showSuppressed ?? false,
        toolVersion: VERSION,
        // Colour only for a terminal reading stdout that wants it.
        color:
          !t.file && process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb',
      }),
      t.file,
    );
  if (policy.failOn) {
    const hits = failOnHits(result, policy.failOn);
    if (hits.length) {
      const examples = [...new Set(hits.map((f) => f.id))].slice(0, 5).join(', ');
      throw new PolicyFailure(
        `--fail-on ${policy.failOn}: ${hits.length} actionable finding(s) at or above ${policy.failOn} (${examples}${hits.length > 5 ? ', …' : ''})`,
      );
    }
  }
}
