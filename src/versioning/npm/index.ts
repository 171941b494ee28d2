/**
 * npm versions, with the `semver` package npm itself uses: SemVer 2.0 with npm's parsing (a leading `v`
 * or `=` is accepted, surrounding whitespace is not; numbers must fit in a safe integer). Range checks for
 * advisories (`satisfiesNpmRange`) live in ../range.ts.
 */
import { SemVer } from 'semver';
import { defineScheme, invalid } from '../scheme-kit.js';
import type { VersionScheme } from '../types.js';

function parseNpm(v: string): SemVer | ReturnType<typeof invalid> {
  try {
    // `=1.2.3` is how npm writes an exact version (semver.clean drops the `=`); the rest is strict.
    return new SemVer(v.startsWith('=') ? v.slice(1) : v, { loose: false });
  } catch (err) {
    return invalid(err instanceof Error ? err.message : 'not a semver version');
  }
}

export const npm: VersionScheme = defineScheme('npm', parseNpm, (a, b) => a.compare(b));
