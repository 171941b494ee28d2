/**
 * Python versions (PEP 440): `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, with the spec's
 * normalisation (case, `v` prefix, `alpha`/`beta`/`c`/`pre`/`preview`/`rev`/`r` spellings, `-`/`_`/`.`
 * separators, implicit numbers and `1.0-1` post releases). Ordering follows the spec (and `packaging`):
 * epoch, release (trailing zeros ignored), then dev-only < pre < final < post, dev below its base, and
 * a local label above the same public version.
 *
 * Strings that are not PEP 440 are ordered the way `packaging` < 22 (and OSV) did, as legacy versions:
 * below every PEP 440 version, compared by setuptools' old component key. Use `isPep440` to tell them apart.
 */
import { cmpDigits, cmpStrings, defineScheme, type Invalid } from '../scheme-kit.js';
import type { VersionScheme } from '../types.js';

interface Modern {
  legacy?: undefined;
  epoch: string;
  release: string[];
  /** rank -1: dev release with no pre/post (sorts before pre-releases); 0 a, 1 b, 2 rc, 3 none. */
  pre: { rank: number; n: string };
  post: string | null;
  dev: string | null;
  local: string[] | null;
}
interface Legacy {
  legacy: string[];
}
type Pep440 = Modern | Legacy;

const PEP440 =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|rc|c)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/;

const PRE_RANK: Readonly<Record<string, number>> = {
  a: 0,
  alpha: 0,
  b: 1,
  beta: 1,
  rc: 2,
  c: 2,
  pre: 2,
  preview: 2,
};

function parseModern(v: string): Modern | undefined {
  const m = PEP440.exec(v.toLowerCase());
  if (!m) return undefined;
  const [, epoch, release, preL, preN, postImplicit, postL, postN, devL, devN, local] = m;
  const parts = release!.split('.');
  while (parts.length > 1 && /^0+$/.test(parts[parts.length - 1]!)) parts.pop();
  const post = postImplicit ?? (postL ? (postN ?? '0') : null);
  const dev = devL ? (devN ?? '0') : null;
  let pre = { rank: 3, n: '0' };
  if (preL) pre = { rank: PRE_RANK[preL]!, n: preN ?? '0' };
  else if (post === null && dev !== null) pre = { rank: -1, n: '0' };
  return {
    epoch: epoch ?? '0',
    release: parts,
    pre,
    post,
    dev,
    local: local ? local.split(/[-_.]/) : null,
  };
}

const LEGACY_REPLACE: Readonly<Record<string, string>> = {
  pre: 'c',
  preview: 'c',
  '-': 'final-',
  rc: 'c',
  dev: '@',
};

/** setuptools' legacy key: numbers zero-padded, words prefixed with `*`, pre-release words before final. */
function parseLegacy(v: string): Legacy {
  const parts: string[] = [];
  const pieces = v.toLowerCase().split(/(\d+|[a-z]+|\.|-)/);
  pieces.push('final');
  for (const raw of pieces) {
    const piece = LEGACY_REPLACE[raw] ?? raw;
    if (piece === '' || piece === '.') continue;
    const part = /^[0-9]/.test(piece) ? piece.padStart(8, '0') : `*${piece}`;
    if (part.startsWith('*')) {
      if (part < '*final') while (parts[parts.length - 1] === '*final-') parts.pop();
      while (parts[parts.length - 1] === '00000000') parts.pop();
    }
    parts.push(part);
  }
  return { legacy: parts };
}

function parsePep440(v: string): Pep440 | Invalid {
  return parseModern(v) ?? parseLegacy(v);
}

function cmpSeq<T>(a: readonly T[], b: readonly T[], cmp: (x: T, y: T) => number): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = cmp(a[i]!, b[i]!);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** `null` sorts as `nullIs` (-1: below every value, 1: above). */
function cmpOptional(a: string | null, b: string | null, nullIs: number): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? nullIs : -nullIs;
  return cmpDigits(a, b);
}

function cmpLocalPart(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return cmpDigits(a, b);
  if (an !== bn) return an ? 1 : -1;
  return cmpStrings(a, b);
}

function cmpPep440(a: Pep440, b: Pep440): number {
  if (a.legacy || b.legacy) {
    if (!a.legacy) return 1;
    if (!b.legacy) return -1;
    return cmpSeq(a.legacy, b.legacy, cmpStrings);
  }
  return (
    cmpDigits(a.epoch, b.epoch) ||
    cmpSeq(a.release, b.release, cmpDigits) ||
    a.pre.rank - b.pre.rank ||
    cmpDigits(a.pre.n, b.pre.n) ||
    cmpOptional(a.post, b.post, -1) ||
    cmpOptional(a.dev, b.dev, 1) ||
    (a.local === null || b.local === null
      ? a.local === b.local
        ? 0
        : a.local === null
          ? -1
          : 1
      : cmpSeq(a.local, b.local, cmpLocalPart))
  );
}

export const pep440: VersionScheme = defineScheme('pep440', parsePep440, cmpPep440);

/** True when `v` is a PEP 440 version (not merely orderable as a legacy one). */
export function isPep440(v: string): boolean {
  return pep440.invalid(v) === undefined && parseModern(v) !== undefined;
}
