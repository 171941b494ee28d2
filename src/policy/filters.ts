/**
 * Scan filters and the `--fail-on` gate, as pure functions on a ScanResult. Filters narrow what a report
 * shows; they never hide it silently: the summary counts what was filtered out, by which filter.
 */
import { KeelsonError } from '../core/errors.js';
import { summarize } from '../matching/scan.js';
import type { Finding, ScanResult, ScanSummary, SeverityLevel } from '../matching/types.js';
import { SEVERITY_ORDER } from '../matching/types.js';

export interface FilterOptions {
  /** Keep only findings rated at one of these levels. */
  severities?: readonly SeverityLevel[];
  /** Drop findings without a fixed version. */
  ignoreUnfixed?: boolean;
  /** `only`: keep findings in base-image layers; `ignore`: drop them. */
  base?: 'only' | 'ignore';
  /** Keep only findings listed in CISA KEV. */
  onlyKev?: boolean;
  /** Keep only findings with an EPSS score at or above this (0..1). */
  epssMin?: number;
}

export type FilterName =
  | 'severity'
  | 'ignore-unfixed'
  | 'only-base'
  | 'ignore-base'
  | 'only-kev'
  | 'epss-min';

/** The summary after filtering: `raw` still counts every finding; `filtered` those no longer listed. */
export interface FilteredSummary extends ScanSummary {
  filtered: number;
  /** Findings removed per filter (the first filter that removed each one). */
  filteredBy: Partial<Record<FilterName, number>>;
}

export interface FilterOutcome {
  result: ScanResult & { summary: FilteredSummary };
  filtered: number;
  filteredBy: Partial<Record<FilterName, number>>;
  /** Things the user should know, e.g. `--only-base` on an image whose base boundary is unknown. */
  notes: string[];
}

/** Why a finding is filtered out, or undefined when it stays. */
function rejectedBy(f: Finding, o: FilterOptions): FilterName | undefined {
  if (o.severities?.length && !o.severities.includes(f.severity.level)) return 'severity';
  if (o.ignoreUnfixed && f.fixedVersions.length === 0) return 'ignore-unfixed';
  if (o.base === 'only' && f.package.layer?.base !== true) return 'only-base';
  if (o.base === 'ignore' && f.package.layer?.base === true) return 'ignore-base';
  if (o.onlyKev && !f.kev) return 'only-kev';
  if (o.epssMin !== undefined && (f.epss?.score ?? -1) < o.epssMin) return 'epss-min';
  return undefined;
}

export function hasFilters(o: FilterOptions): boolean {
  return Boolean(o.severities?.length || o.ignoreUnfixed || o.base || o.onlyKev || o.epssMin !== undefined);
}

/** A copy of `result` with only the findings the filters keep and a recomputed summary. */
export function applyFilters(result: ScanResult, options: FilterOptions): FilterOutcome {
  const kept: Finding[] = [];
  const filteredBy: Partial<Record<FilterName, number>> = {};
  for (const f of result.findings) {
    const reason = rejectedBy(f, options);
    if (reason) filteredBy[reason] = (filteredBy[reason] ?? 0) + 1;
    else kept.push(f);
  }
  const filtered = result.findings.length - kept.length;
  const notes: string[] = [];
  if (
    options.base &&
    result.findings.length &&
    result.findings.every((f) => f.package.layer?.base === undefined)
  )
    notes.push(
      `--${options.base}-base: the base/app boundary of this image is unknown (use --base-image): no finding counts as base`,
    );
  const summary: FilteredSummary = {
    ...summarize(kept),
    raw: result.findings.length,
    filtered,
    filteredBy,
  };
  return { result: { ...result, findings: kept, summary }, filtered, filteredBy, notes };
}

/** Severity rank: 0 for critical … 5 for unknown. */
export function severityRank(level: SeverityLevel): number {
  return SEVERITY_ORDER.indexOf(level);
}

/**
 * The actionable (not suppressed) findings rated at or above `threshold`. `unknown` ranks lowest, so
 * `--fail-on unknown` fails on any actionable finding.
 */
export function failOnHits(result: ScanResult, threshold: SeverityLevel): Finding[] {
  const limit = severityRank(threshold);
  return result.findings.filter((f) => !f.suppressed && severityRank(f.severity.level) <= limit);
}

export function parseSeverity(text: string, what = '--fail-on'): SeverityLevel {
  const level = text.trim().toLowerCase();
  if (!(SEVERITY_ORDER as readonly string[]).includes(level))
    throw new KeelsonError(
      'INVALID_ARGUMENT',
      `${what} "${text}" is not a severity (choose ${SEVERITY_ORDER.join(', ')})`,
    );
  return level as SeverityLevel;
}

/** `high,critical` or `HIGH, CRITICAL` → levels; empty parts are an error, duplicates are merged. */
export function parseSeverityList(text: string, what = '--severity'): SeverityLevel[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !p))
    throw new KeelsonError('INVALID_ARGUMENT', `${what} "${text}" has an empty entry (e.g. high,critical)`);
  return [...new Set(parts.map((p) => parseSeverity(p, what)))];
}

/** An EPSS threshold: a probability in 0..1 (`0.1`) or a percentage (`10%`). */
export function parseEpss(text: string, what = '--epss-min'): number {
  const t = text.trim();
  const m = /^(\d+(?:\.\d+)?|\.\d+)(%?)$/.exec(t);
  const value = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!m || !Number.isFinite(value) || value < 0 || value > 1)
    throw new KeelsonError(
      'INVALID_ARGUMENT',
      `${what} "${text}" is not a probability 0..1 or a percentage 0%..100%`,
    );
  return value;
}
