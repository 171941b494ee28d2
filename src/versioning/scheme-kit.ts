/**
 * Shared plumbing for the version schemes: the checks every scheme makes before its own parser runs
 * (length, control characters, whitespace), and the wrapper that turns a parse + compare pair into a
 * `VersionScheme` that never throws from `invalid` and always throws `InvalidVersionError` from `compare`.
 */
import { InvalidVersionError, type SchemeName, type VersionScheme } from './types.js';

/** Real versions are far shorter; the cap keeps hostile input from costing time or memory. */
export const MAX_VERSION_LENGTH = 256;

/** A parse failure with its reason (a class so a parser may return any value type, even strings). */
export class Invalid {
  constructor(readonly reason: string) {}
}

export function invalid(reason: string): Invalid {
  return new Invalid(reason);
}

export interface SchemeOptions {
  /** Allow characters outside ASCII (rpm treats them as separators); control characters never pass. */
  allowNonAscii?: boolean;
}

const CONTROL_OR_SPACE =
  /[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/;
const NON_ASCII = /[^\u0000-\u007f]/;

function baseReason(version: unknown, opts: SchemeOptions): string | undefined {
  if (typeof version !== 'string') return `not a string (${typeof version})`;
  if (version.length === 0) return 'empty';
  if (version.length > MAX_VERSION_LENGTH) return `longer than ${MAX_VERSION_LENGTH} characters`;
  if (CONTROL_OR_SPACE.test(version)) return 'contains whitespace or control characters';
  if (!opts.allowNonAscii && NON_ASCII.test(version)) return 'contains non-ASCII characters';
  return undefined;
}

const MEMO_LIMIT = 100_000;

/** Build a scheme from a parser (value or `Invalid`) and a comparator of parsed values. */
export function defineScheme<T>(
  name: SchemeName,
  parse: (version: string) => T | Invalid,
  cmp: (a: T, b: T) => number,
  opts: SchemeOptions = {},
): VersionScheme {
  // Matching compares the same few thousand versions over and over (every range bound of every record):
  // parse each string once. Parsed values are never mutated; the cache is emptied when it grows large.
  const memo = new Map<string, T | Invalid>();
  const parseOnce = (version: string): T | Invalid => {
    const reason = baseReason(version, opts);
    if (reason !== undefined) return invalid(reason);
    try {
      return parse(version);
    } catch (err) {
      // A parser bug must still read as "invalid", never as a crash of the caller.
      return invalid(`unparseable (${err instanceof Error ? err.message : String(err)})`);
    }
  };
  const parseOrReason = (version: string): T | Invalid => {
    if (typeof version !== 'string') return parseOnce(version);
    let p = memo.get(version);
    if (p === undefined) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      p = parseOnce(version);
      memo.set(version, p);
    }
    return p;
  };
  const parsed = (version: string): T => {
    const p = parseOrReason(version);
    if (p instanceof Invalid) throw new InvalidVersionError(name, String(version), p.reason);
    return p;
  };
  return Object.freeze({
    name,
    invalid(version: string): string | undefined {
      const p = parseOrReason(version);
      return p instanceof Invalid ? p.reason : undefined;
    },
    compare(a: string, b: string): number {
      return Math.sign(cmp(parsed(a), parsed(b))) || 0;
    },
  });
}

/** Compare two runs of ASCII digits as unbounded non-negative integers. */
export function cmpDigits(a: string, b: string): number {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function stripZeros(s: string): string {
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
  return s.slice(i);
}

/** Plain code-unit string order (what C's strcmp / Go's strings.Compare give for ASCII). */
export function cmpStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

export function isAsciiLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}
