/**
 * Alpine apk versions: `number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}`.
 *
 * Ordering follows apk-tools: numbers numerically (a later component with a leading zero compares as a
 * string, as Gentoo does), then the optional letter, then suffixes (`_alpha _beta _pre _rc` < none <
 * `_cvs _svn _git _hg _p`), then the `-rN` revision; the `~hash` is not ordered. Like `apk version -t`
 * and OSV, malformed strings (`1.2.0A`, `.1`, `1-r-1`) still order: whatever the grammar cannot read is kept
 * as a remainder that sorts below "nothing left", and two versions that are both malformed compare as
 * strings. That leniency is not transitive across every malformed input, which no caller relies on.
 */
import { cmpDigits, cmpStrings, defineScheme, isDigit } from '../scheme-kit.js';
import type { VersionScheme } from '../types.js';

const SUFFIX_RANK: Readonly<Record<string, number>> = {
  alpha: 0,
  beta: 1,
  pre: 2,
  rc: 3,
  // 4: no suffix
  cvs: 5,
  svn: 6,
  git: 7,
  hg: 8,
  p: 9,
};
const NO_SUFFIX = 4;
// Longest names first so `pre` is not read as `p` + "re".
const SUFFIX_RE = /^_(alpha|beta|pre|rc|cvs|svn|git|hg|p)(\d*)/;

interface Apk {
  original: string;
  numbers: string[];
  letter: string;
  suffixes: { rank: number; n: string }[];
  revision: string;
  /** Text after `-rN` that the grammar does not allow (ordered as "something left"). */
  rest: string;
  /** True when the text after the suffixes is neither `~hash` nor `-r...`: compared as a string. */
  malformed: boolean;
}

function parseApk(v: string): Apk {
  let s = v;
  const numbers: string[] = [];
  const lead = /^\d+(?:\.\d+)*\.?/.exec(s)?.[0] ?? '';
  for (const part of lead.split('.')) if (part !== '') numbers.push(part);
  s = s.slice(lead.length);
  let letter = '';
  if (s[0] !== undefined && s[0] >= 'a' && s[0] <= 'z') {
    letter = s[0];
    s = s.slice(1);
  }
  const suffixes: Apk['suffixes'] = [];
  for (let m = SUFFIX_RE.exec(s); m; m = SUFFIX_RE.exec(s)) {
    suffixes.push({ rank: SUFFIX_RANK[m[1]!]!, n: m[2] || '0' });
    s = s.slice(m[0].length);
  }
  const hash = /^~[0-9a-f]+/.exec(s)?.[0] ?? '';
  s = s.slice(hash.length);
  let revision = '0';
  let malformed = false;
  if (s.startsWith('-r')) {
    let i = 2;
    while (isDigit(s[i])) i++;
    if (i > 2) revision = s.slice(2, i);
    s = s.slice(i);
  } else if (s !== '') {
    malformed = true;
  }
  return { original: v, numbers, letter, suffixes, revision, rest: s, malformed };
}

function cmpNumber(a: string, b: string, index: number): number {
  if (index > 0 && (a[0] === '0' || b[0] === '0')) return cmpStrings(a, b);
  return cmpDigits(a, b);
}

function cmpApk(a: Apk, b: Apk): number {
  if (a.malformed && b.malformed) return cmpStrings(a.original, b.original);
  const n = Math.max(a.numbers.length, b.numbers.length);
  for (let i = 0; i < n; i++) {
    const d = cmpNumber(a.numbers[i] ?? '0', b.numbers[i] ?? '0', i);
    if (d !== 0) return d;
  }
  if (a.letter !== b.letter)
    return a.letter === '' ? -1 : b.letter === '' ? 1 : cmpStrings(a.letter, b.letter);
  const m = Math.max(a.suffixes.length, b.suffixes.length);
  for (let i = 0; i < m; i++) {
    const x = a.suffixes[i] ?? { rank: NO_SUFFIX, n: '0' };
    const y = b.suffixes[i] ?? { rank: NO_SUFFIX, n: '0' };
    if (x.rank !== y.rank) return x.rank - y.rank;
    const d = cmpDigits(x.n, y.n);
    if (d !== 0) return d;
  }
  const d = cmpDigits(a.revision, b.revision);
  if (d !== 0) return d;
  // Whatever is left over makes a version sort lower than one that parsed completely.
  const aLeft = a.rest !== '' || a.malformed;
  const bLeft = b.rest !== '' || b.malformed;
  return aLeft === bLeft ? 0 : aLeft ? -1 : 1;
}

export const apk: VersionScheme = defineScheme('apk', parseApk, cmpApk);

/** True when `v` follows the apk grammar exactly (no lenient remainder). */
export function isWellFormedApk(v: string): boolean {
  if (apk.invalid(v) !== undefined) return false;
  const p = parseApk(v);
  return p.numbers.length > 0 && !p.malformed && p.rest === '' && !/\.(?![0-9])/.test(v);
}
