/**
 * RPM versions: `[epoch:]version[-release]`, each part ordered by `rpmvercmp`. Runs of ASCII letters or
 * digits are compared (digits numerically and above letters); every other character only separates,
 * except `~` (sorts before anything, even the end: pre-releases) and `^` (sorts after the end but before
 * more text: post-release snapshots). A missing epoch is 0. An epoch must be digits: in module strings
 * such as `1.m+e2:1` the colon is part of the version, as in OSV's comparator. Non-ASCII characters are
 * allowed and act as separators, as in rpm.
 */
import { cmpDigits, cmpStrings, defineScheme, isAsciiLetter, isDigit } from '../scheme-kit.js';
import type { VersionScheme } from '../types.js';

interface Rpm {
  epoch: string;
  version: string;
  /** `undefined` when there is no `-`: `1` sorts before `1-` and `1-0`, as OSV's vectors expect. */
  release: string | undefined;
}

function parseRpm(v: string): Rpm {
  let epoch = '0';
  let rest = v;
  const m = /^(\d+):/.exec(v);
  if (m) {
    epoch = m[1]!;
    rest = v.slice(m[0].length);
  }
  const hyphen = rest.lastIndexOf('-');
  if (hyphen < 0) return { epoch, version: rest, release: undefined };
  return { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) };
}

const isAlnum = (c: string | undefined): boolean => isDigit(c) || isAsciiLetter(c);

export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a[i]);
    const same = numeric ? isDigit : isAsciiLetter;
    const si = i;
    const sj = j;
    while (i < a.length && same(a[i])) i++;
    while (j < b.length && same(b[j])) j++;
    // Segments of different types: the numeric one is newer.
    if (j === sj) return numeric ? 1 : -1;
    const d = numeric
      ? cmpDigits(a.slice(si, i), b.slice(sj, j))
      : cmpStrings(a.slice(si, i), b.slice(sj, j));
    if (d !== 0) return d;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

function cmpRpm(a: Rpm, b: Rpm): number {
  const d = cmpDigits(a.epoch, b.epoch) || rpmvercmp(a.version, b.version);
  if (d !== 0) return d;
  if (a.release === undefined || b.release === undefined) {
    return a.release === b.release ? 0 : a.release === undefined ? -1 : 1;
  }
  return rpmvercmp(a.release, b.release);
}

export const rpm: VersionScheme = defineScheme('rpm', parseRpm, cmpRpm, { allowNonAscii: true });
