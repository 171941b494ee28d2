/**
 * Go module versions (`v1.2.3`, `v2.0.0+incompatible`, pseudo-versions such as
 * `v0.0.0-20191109021931-daa7c04131f5`), ordered like golang.org/x/mod/semver: SemVer precedence with
 * build metadata ignored, so `+incompatible` equals the same version without it. Pseudo-versions are
 * SemVer pre-releases whose identifier starts with a fixed-width UTC timestamp, so they order by time
 * and below the release they precede. The leading `v` is optional because OSV Go records omit it; like
 * x/mod/semver, `v1` and `v1.2` are shorthands for `v1.0.0` and `v1.2.0`.
 */

import { defineScheme } from '../scheme-kit.js';
import { cmpSemVer, parseSemVer } from '../semver/index.js';
import type { VersionScheme } from '../types.js';

export const go: VersionScheme = defineScheme('go', (v) => parseSemVer(v), cmpSemVer);

const PSEUDO = /^v?[0-9]+\.[0-9]+\.[0-9]+-(?:(?:.+\.)?0\.)?[0-9]{14}-[0-9a-f]{12}(?:\+.*)?$/;

/** True for a Go pseudo-version (`vX.0.0-yyyymmddhhmmss-abcdefabcdef` and its two other forms). */
export function isPseudoVersion(v: string): boolean {
  return v.length <= 256 && go.invalid(v) === undefined && PSEUDO.test(v);
}
