/**
 * Range helpers for advisory matching: OSV-style intervals (`introduced` / `fixed` / `last_affected`)
 * over any scheme, and npm range expressions (GitHub advisories) through the `semver` package.
 */
import semverPkg from 'semver';
import { KeelsonError } from '../core/errors.js';
import { npm } from './npm/index.js';
import { scheme as schemeByName } from './registry.js';
import { InvalidVersionError, type SchemeName, type VersionScheme } from './types.js';

export interface VersionInterval {
  /** First affected version; absent or `'0'` means "from the very first version". */
  introduced?: string;
  /** First version that is no longer affected (exclusive bound). */
  fixed?: string;
  /** Last version known to be affected (inclusive bound). */
  lastAffected?: string;
}

/**
 * Whether `version` lies in `interval` under `scheme`. Throws `InvalidVersionError` when the version or a
 * bound is not valid in the scheme: the caller reports it instead of reading it as "not affected".
 */
export function inInterval(
  scheme: VersionScheme | SchemeName,
  version: string,
  interval: VersionInterval,
): boolean {
  const s = typeof scheme === 'string' ? schemeByName(scheme) : scheme;
  const { introduced, fixed, lastAffected } = interval;
  const fromStart = introduced === undefined || introduced === '0';
  // Check every string first, so a bad bound fails whichever comparison would have run first.
  for (const v of [version, fromStart ? undefined : introduced, fixed, lastAffected]) {
    const reason = v === undefined ? undefined : s.invalid(v);
    if (reason !== undefined) throw new InvalidVersionError(s.name, v!, reason);
  }
  if (!fromStart && s.compare(version, introduced!) < 0) return false;
  if (fixed !== undefined && s.compare(version, fixed) >= 0) return false;
  if (lastAffected !== undefined && s.compare(version, lastAffected) > 0) return false;
  return true;
}

/**
 * Whether an npm `version` satisfies an npm `range` (`>=1.0.0 <1.2.3`, `^2.0.0`, `1.x || >=3`). GitHub
 * advisories separate comparators with commas (`>= 1.0.0, < 1.2.3`); those are read as spaces.
 * Pre-releases are included (a `2.0.0-beta` is inside `< 2.0.0`), since vulnerable code ships in them too.
 * Throws `InvalidVersionError` for a bad version and KeelsonError PARSE_ERROR for a bad range.
 */
export function satisfiesNpmRange(version: string, range: string): boolean {
  const reason = npm.invalid(version);
  if (reason !== undefined) throw new InvalidVersionError('npm', version, reason);
  const normalized =
    typeof range === 'string' && range.length <= 1024 ? range.replaceAll(',', ' ') : undefined;
  const parsed = normalized === undefined ? null : safeRange(normalized);
  if (parsed === null) {
    const shown = typeof range === 'string' ? JSON.stringify(range.slice(0, 80)) : typeof range;
    throw new KeelsonError('PARSE_ERROR', `npm range ${shown} is invalid`);
  }
  return parsed.test(version.startsWith('=') ? version.slice(1) : version);
}

function safeRange(range: string): semverPkg.Range | null {
  try {
    return new semverPkg.Range(range, { includePrerelease: true });
  } catch {
    return null;
  }
}
