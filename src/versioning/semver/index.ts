/**
 * SemVer 2.0: `MAJOR.MINOR.PATCH[-prerelease][+build]`, strict precedence: numbers numerically (any
 * size), a pre-release below its release, pre-release identifiers numeric-below-alphanumeric, build
 * metadata ignored. Parsing is strict (no leading zeros, no empty identifiers) with the allowances that
 * OSV's SemVer ecosystems (crates.io, Hex, ...) rely on: an optional leading `v`, a short core (`1`,
 * `1.2` mean `1.0.0`, `1.2.0`, as Go's semver package also reads them), and extra numeric components
 * after PATCH (`1.1.3.4.5`), which are read as build data and ignored for ordering.
 */
import { cmpDigits, cmpStrings, defineScheme, type Invalid, invalid } from '../scheme-kit.js';
import type { VersionScheme } from '../types.js';

export interface SemVer {
  major: string;
  minor: string;
  patch: string;
  prerelease: string[];
  build: string;
}

const NUM = '(0|[1-9][0-9]*)';
const ID = '[0-9A-Za-z-]+';
const CORE = new RegExp(`^${NUM}(?:\\.${NUM}(?:\\.${NUM})?)?`);
const PRERELEASE = new RegExp(`^-(${ID}(?:\\.${ID})*)`);
const BUILD = new RegExp(`^\\+(${ID}(?:\\.${ID})*)$`);

export interface SemVerOptions {
  /** Accept `1.2.3.4`: extra numeric components become build data (OSV semver). */
  extraComponents?: boolean;
  /** Accept `1` and `1.2` as `1.0.0` and `1.2.0` (default true). */
  shortCore?: boolean;
}

/** Parse SemVer after an optional leading `v`. */
export function parseSemVer(v: string, opts: SemVerOptions = {}): SemVer | Invalid {
  let s = v.startsWith('v') ? v.slice(1) : v;
  const core = CORE.exec(s);
  if (!core) return invalid('expected MAJOR.MINOR.PATCH (numbers without leading zeros)');
  s = s.slice(core[0].length);
  let build = '';
  if (opts.extraComponents) {
    const extra = /^(?:\.[0-9]+)+/.exec(s);
    if (extra) {
      build = extra[0].slice(1);
      s = s.slice(extra[0].length);
    }
  }
  let prerelease: string[] = [];
  const pre = PRERELEASE.exec(s);
  if (pre) {
    prerelease = pre[1]!.split('.');
    if (prerelease.some((id) => /^0[0-9]+$/.test(id)))
      return invalid('numeric pre-release identifier has a leading zero');
    s = s.slice(pre[0].length);
  }
  if (s !== '') {
    const b = BUILD.exec(s);
    if (!b) return invalid(`unexpected ${JSON.stringify(s.slice(0, 20))} after the version`);
    build = build ? `${build}.${b[1]}` : b[1]!;
  }
  if (opts.shortCore === false && core[3] === undefined) return invalid('expected MAJOR.MINOR.PATCH');
  return { major: core[1]!, minor: core[2] ?? '0', patch: core[3] ?? '0', prerelease, build };
}

function cmpIdentifier(a: string, b: string): number {
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  if (an && bn) return cmpDigits(a, b);
  if (an !== bn) return an ? -1 : 1;
  return cmpStrings(a, b);
}

/** SemVer 2.0 precedence (build metadata ignored). */
export function cmpSemVer(a: SemVer, b: SemVer): number {
  const d = cmpDigits(a.major, b.major) || cmpDigits(a.minor, b.minor) || cmpDigits(a.patch, b.patch);
  if (d !== 0) return d;
  if (a.prerelease.length === 0 || b.prerelease.length === 0)
    return b.prerelease.length - a.prerelease.length;
  const n = Math.min(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < n; i++) {
    const c = cmpIdentifier(a.prerelease[i]!, b.prerelease[i]!);
    if (c !== 0) return c;
  }
  return a.prerelease.length - b.prerelease.length;
}

export const semver: VersionScheme = defineScheme(
  'semver',
  (v) => parseSemVer(v, { extraComponents: true }),
  cmpSemVer,
);
