/**
 * Maven versions, ordered like maven-artifact's ComparableVersion. The string is split into items at
 * `.`, at `-` (which also opens a nested list) and at digit/letter transitions (which open a nested list
 * too); trailing "null" items (0, "", ga, final, release, empty lists) are dropped from each list.
 * Numbers compare numerically; qualifiers alpha < beta < milestone < rc = cr < snapshot < "" = ga =
 * final = release < sp < any other word (other words alphabetically); `a1`/`b1`/`m1` are
 * alpha/beta/milestone. A hyphen segment of nulls is dropped (`1-ga-1` = `1-1`, per Maven's spec). Against a missing item, a number or list item is compared with "nothing".
 * Case does not matter. Every string orders, as in Maven.
 */
import { cmpDigits, cmpStrings, defineScheme, isDigit } from '../scheme-kit.js';
import type { VersionScheme } from '../types.js';

type Item = { kind: 'int'; value: string } | { kind: 'str'; value: string } | { kind: 'list'; items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_RANK = String(QUALIFIERS.indexOf(''));

function stringItem(value: string, followedByDigit: boolean): Item {
  if (followedByDigit && value.length === 1) {
    value = value === 'a' ? 'alpha' : value === 'b' ? 'beta' : value === 'm' ? 'milestone' : value;
  }
  return { kind: 'str', value: ALIASES[value] ?? value };
}

function parseItem(digit: boolean, buf: string): Item {
  return digit ? { kind: 'int', value: buf.replace(/^0+(?=.)/, '') } : stringItem(buf, false);
}

function isNull(item: Item): boolean {
  if (item.kind === 'int') return /^0+$/.test(item.value);
  if (item.kind === 'str') return item.value === '';
  return item.items.length === 0;
}

/**
 * Drop trailing null items, looking past nested lists as ComparableVersion does. A hyphen segment that
 * held only nulls then leaves a list wrapping a list; it is unwrapped, so `1-ga-1` = `1-1` as the Maven
 * version-order specification states (never the top level, so `0.0.0-2021` stays below `20`).
 */
function normalize(list: Item[], nested: boolean): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i]!;
    if (isNull(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
  const only = list[0];
  if (nested && list.length === 1 && only?.kind === 'list') list.splice(0, 1, ...only.items);
}

function parseMaven(version: string): Item {
  const v = version.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const lists: Item[][] = [root];
  const open = (): void => {
    const next: Item[] = [];
    list.push({ kind: 'list', items: next });
    list = next;
    lists.push(next);
  };
  let digit = false;
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '.' || c === '-') {
      list.push(i === start ? { kind: 'int', value: '0' } : parseItem(digit, v.slice(start, i)));
      start = i + 1;
      if (c === '-') open();
    } else if (isDigit(c)) {
      if (!digit && i > start) {
        list.push(stringItem(v.slice(start, i), true));
        start = i;
        open();
      }
      digit = true;
    } else {
      if (digit && i > start) {
        list.push(parseItem(true, v.slice(start, i)));
        start = i;
        open();
      }
      digit = false;
    }
  }
  if (v.length > start) list.push(parseItem(digit, v.slice(start)));
  // Innermost lists first, so an emptied nested list is itself dropped from its parent.
  for (let i = lists.length - 1; i >= 0; i--) normalize(lists[i]!, i > 0);
  return { kind: 'list', items: root };
}

function qualifierRank(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i >= 0 ? String(i) : `${QUALIFIERS.length}-${q}`;
}

/** ComparableVersion's `a.compareTo(b)`; `b` undefined means "no item here". */
function cmpItem(a: Item, b: Item | undefined): number {
  switch (a.kind) {
    case 'int':
      if (b === undefined) return isNull(a) ? 0 : 1;
      return b.kind === 'int' ? cmpDigits(a.value, b.value) : 1;
    case 'str':
      if (b === undefined) return cmpStrings(qualifierRank(a.value), RELEASE_RANK);
      if (b.kind === 'int' || b.kind === 'list') return -1;
      return cmpStrings(qualifierRank(a.value), qualifierRank(b.value));
    case 'list': {
      if (b === undefined) return a.items[0] === undefined ? 0 : cmpItem(a.items[0], undefined);
      if (b.kind === 'int') return -1;
      if (b.kind === 'str') return 1;
      const n = Math.max(a.items.length, b.items.length);
      for (let i = 0; i < n; i++) {
        const x = a.items[i];
        const y = b.items[i];
        const d = x === undefined ? (y === undefined ? 0 : -cmpItem(y, undefined)) : cmpItem(x, y);
        if (d !== 0) return d;
      }
      return 0;
    }
  }
}

export const maven: VersionScheme = defineScheme('maven', parseMaven, (a, b) => cmpItem(a, b));
