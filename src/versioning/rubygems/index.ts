/**
 * RubyGems versions, ordered like `Gem::Version#<=>`: the version (a `-` read as `.pre.`) is split into
 * runs of digits and runs of letters; trailing zeros are dropped from the numeric part and from the part
 * after the first word; then segments compare pairwise (missing = 0): numbers numerically, words as
 * strings, and a number above a word. A version containing a letter is a prerelease, so it sorts below
 * its release (`1.2.4.beta < 1.2.4`). Strings `Gem::Version.correct?` rejects are invalid, except that
 * `1beta` (letters straight after the first number) is read as `1.beta`.
 */
import { cmpDigits, cmpStrings, defineScheme, invalid } from '../scheme-kit.js';
import type { VersionScheme } from '../types.js';

// Gem::Version's pattern, except that letters may follow the first number (`1beta`), as OSV's vectors expect.
const GEM_VERSION = /^[0-9][0-9a-zA-Z]*(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

function dropTrailingZeros(segments: string[]): string[] {
  let end = segments.length;
  while (end > 0 && /^0+$/.test(segments[end - 1]!)) end--;
  return segments.slice(0, end);
}

function parseGem(v: string): string[] | ReturnType<typeof invalid> {
  if (!GEM_VERSION.test(v)) return invalid('not a Gem::Version (digits, then dot-separated letters/digits)');
  const segments = v.replaceAll('-', '.pre.').match(/[0-9]+|[a-z]+/gi) ?? [];
  const firstWord = segments.findIndex((s) => !/^[0-9]/.test(s));
  if (firstWord < 0) return dropTrailingZeros(segments);
  return [
    ...dropTrailingZeros(segments.slice(0, firstWord)),
    ...dropTrailingZeros(segments.slice(firstWord)),
  ];
}

function cmpGem(a: string[], b: string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '0';
    const y = b[i] ?? '0';
    const xn = /^[0-9]/.test(x);
    const yn = /^[0-9]/.test(y);
    const d = xn && yn ? cmpDigits(x, y) : xn !== yn ? (xn ? 1 : -1) : cmpStrings(x, y);
    if (d !== 0) return d;
  }
  return 0;
}

export const rubygems: VersionScheme = defineScheme('rubygems', parseGem, cmpGem);
