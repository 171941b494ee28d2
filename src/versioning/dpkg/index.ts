/**
 * Debian versions: `[epoch:]upstream[-revision]`, ordered like dpkg's `verrevcmp`: alternate non-digit
 * and digit runs; in non-digit runs `~` sorts before everything (even the end), letters before other
 * characters; digit runs compare numerically. A missing revision equals `0`.
 *
 * What dpkg rejects outright (empty parts, a bad epoch) is invalid here; what dpkg only warns about and
 * still compares (no leading digit, unusual punctuation) is accepted, as `dpkg --compare-versions` does.
 */
import { cmpDigits, defineScheme, invalid, isAsciiLetter, isDigit } from '../scheme-kit.js';
import type { VersionScheme } from '../types.js';

interface Dpkg {
  epoch: string;
  upstream: string;
  revision: string;
}

function parseDpkg(v: string): Dpkg | ReturnType<typeof invalid> {
  let epoch = '0';
  let rest = v;
  const colon = v.indexOf(':');
  if (colon >= 0) {
    epoch = v.slice(0, colon);
    rest = v.slice(colon + 1);
    if (epoch === '') return invalid('epoch is empty');
    if (!/^\d+$/.test(epoch)) return invalid('epoch is not a number');
    if (epoch.replace(/^0+/, '').length > 10 || Number(epoch) > 2147483647)
      return invalid('epoch is too big');
    if (rest === '') return invalid('nothing after the epoch colon');
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen >= 0 ? rest.slice(0, hyphen) : rest;
  const revision = hyphen >= 0 ? rest.slice(hyphen + 1) : '';
  if (upstream === '') return invalid('upstream version is empty');
  if (hyphen >= 0 && revision === '') return invalid('revision is empty');
  return { epoch, upstream, revision };
}

/** dpkg's weight of one character in a non-digit run; `undefined` is the end of the string. */
function order(c: string | undefined): number {
  if (c === undefined || isDigit(c)) return 0;
  if (isAsciiLetter(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const d = order(a[i]) - order(b[j]);
      if (d !== 0) return d;
      i++;
      j++;
    }
    const si = i;
    const sj = j;
    while (isDigit(a[i])) i++;
    while (isDigit(b[j])) j++;
    const d = cmpDigits(a.slice(si, i) || '0', b.slice(sj, j) || '0');
    if (d !== 0) return d;
  }
  return 0;
}

function cmpDpkg(a: Dpkg, b: Dpkg): number {
  return (
    cmpDigits(a.epoch, b.epoch) || verrevcmp(a.upstream, b.upstream) || verrevcmp(a.revision, b.revision)
  );
}

export const dpkg: VersionScheme = defineScheme('dpkg', parseDpkg, cmpDpkg);
