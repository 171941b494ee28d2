/**
 * Debian codename → major version. The security tracker JSON speaks only in codenames (`bookworm`), but
 * images say `VERSION_ID=12`, so the importer needs the map. Sources, best first:
 *
 * 1. distro-info-data's `debian.csv` when it is part of the import (authoritative, also gives EOL dates);
 * 2. a small table of released codenames below: facts that never change, so data can never override them
 *    (a backport versioned `+deb12u1` filed under bullseye must not make bullseye 12);
 * 3. the feed itself, for codenames released after this code: security uploads carry the major in their
 *    version (`5.8.0-1+deb14u1`), so a majority vote over each codename's `<codename>`/`<codename>-security`
 *    versions and fixed versions (tracker JSON and DSA list) names its major.
 *
 * `sid` (unstable) has no number and maps to `unstable`.
 */

/** Released Debian codenames and their majors (facts that never change). */
export const RELEASED_CODENAMES: ReadonlyMap<string, string> = new Map([
  ['squeeze', '6'],
  ['wheezy', '7'],
  ['jessie', '8'],
  ['stretch', '9'],
  ['buster', '10'],
  ['bullseye', '11'],
  ['bookworm', '12'],
  ['trixie', '13'],
]);

export type CodenameSource = 'distro-info' | 'data' | 'table';

const SECURITY_SUFFIX = /[+~]deb(\d+)u\d+/;

/** Counts `debNNuM` version suffixes per codename; the most frequent one names the release. */
export class CodenameVotes {
  private readonly votes = new Map<string, Map<string, number>>();

  add(codename: string, version: unknown): void {
    if (typeof version !== 'string') return;
    const major = SECURITY_SUFFIX.exec(version)?.[1];
    if (!major) return;
    let counts = this.votes.get(codename);
    if (!counts) {
      counts = new Map();
      this.votes.set(codename, counts);
    }
    counts.set(major, (counts.get(major) ?? 0) + 1);
  }

  /** Codenames whose votes have a strict majority for one major. */
  winners(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [codename, counts] of this.votes) {
      let total = 0;
      let best: [string, number] | undefined;
      for (const [major, n] of counts) {
        total += n;
        if (!best || n > best[1]) best = [major, n];
      }
      if (best && best[1] * 2 > total) out.set(codename, best[0]);
    }
    return out;
  }
}

export interface DistroInfo {
  majors: Map<string, string>;
  /** Codenames whose last support date (LTS when given, else regular) is before `now`. */
  endOfLife: string[];
}

/**
 * Reads distro-info-data's `debian.csv` (`version,codename,series,created,release,eol[,eol-lts,eol-elts]`).
 * Returns undefined when the text is not that file.
 */
export function parseDistroInfoCsv(text: string, now: Date): DistroInfo | undefined {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',').map((h) => h.trim());
  if (header?.[0] !== 'version' || !header.includes('series')) return undefined;
  const col = (name: string) => header.indexOf(name);
  const [iVersion, iSeries, iEol, iLts] = [col('version'), col('series'), col('eol'), col('eol-lts')];
  const majors = new Map<string, string>();
  const endOfLife: string[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',').map((c) => c.trim());
    const series = cells[iSeries];
    if (!series || !/^[a-z][a-z0-9-]{0,31}$/.test(series)) continue;
    const version = cells[iVersion] ?? '';
    if (/^\d+(\.\d+)?$/.test(version)) majors.set(series, version);
    const ends = [cells[iEol], iLts >= 0 ? cells[iLts] : undefined].filter(
      (d): d is string => !!d && /^\d{4}-\d{2}-\d{2}$/.test(d),
    );
    const last = ends.sort().at(-1);
    if (last && Date.parse(`${last}T00:00:00Z`) < now.getTime()) endOfLife.push(series);
  }
  return { majors, endOfLife };
}

/** Merges the three sources (see the module comment) into codename → major, remembering where each came from. */
export function resolveCodenames(
  codenames: Iterable<string>,
  distroInfo: Map<string, string> | undefined,
  derived: Map<string, string>,
): Map<string, { major: string; from: CodenameSource }> {
  const out = new Map<string, { major: string; from: CodenameSource }>();
  for (const codename of codenames) {
    const fromCsv = distroInfo?.get(codename);
    const fromData = derived.get(codename);
    const fromTable = RELEASED_CODENAMES.get(codename);
    if (fromCsv) out.set(codename, { major: fromCsv, from: 'distro-info' });
    else if (fromTable) out.set(codename, { major: fromTable, from: 'table' });
    else if (fromData) out.set(codename, { major: fromData, from: 'data' });
  }
  return out;
}
