/**
 * The security tracker's DSA list (`data/DSA/list`): entries like
 *
 *     [31 Jul 2025] DSA-5970-1 sope - security update
 *             {CVE-2025-53603}
 *             [bookworm] - sope 5.8.0-1+deb12u1
 *
 * We read it for three things the tracker JSON lacks: which DSA fixed a CVE (a reference), the
 * `+debNNuM` versions per codename (codename → major votes) and end-of-life notices.
 */
export interface DsaList {
  /** CVE → DSA ids, in list order. */
  advisoriesByCve: Map<string, string[]>;
  /** `[codename] - package version` lines, for codename votes. */
  fixedVersions: { codename: string; version: string }[];
  /** Codenames announced as end-of-life (`DSA-4205-1 jessie end-of-life`, `NOTE: end of security support for jessie`). */
  endOfLife: string[];
}

const HEADER = /^\[(\d{1,2} [A-Z][a-z]{2} \d{4})\] (DSA-\d+(?:-\d+)?)\s+(.*)$/;

export function looksLikeDsaList(text: string): boolean {
  return HEADER.test(text.slice(0, 512).split('\n', 1)[0] ?? '');
}

export function parseDsaList(text: string): DsaList {
  const advisoriesByCve = new Map<string, string[]>();
  const fixedVersions: DsaList['fixedVersions'] = [];
  const endOfLife = new Set<string>();
  let current: string | undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trimEnd();
    const header = HEADER.exec(line);
    if (header) {
      current = header[2]!;
      const eol = /^([a-z]+) end-of-life$/.exec(header[3]!.trim());
      if (eol) endOfLife.add(eol[1]!);
      continue;
    }
    const body = line.trim();
    if (!current || body === '') continue;
    const cves = /^\{(.*)\}$/.exec(body);
    if (cves) {
      for (const cve of cves[1]!.split(/\s+/)) {
        if (!/^CVE-\d{4}-\d{4,}$/.test(cve)) continue;
        const list = advisoriesByCve.get(cve) ?? [];
        if (!list.includes(current)) list.push(current);
        advisoriesByCve.set(cve, list);
      }
      continue;
    }
    const fixed = /^\[([a-z]+)\] - \S+ (\S+)/.exec(body);
    if (fixed) {
      fixedVersions.push({ codename: fixed[1]!, version: fixed[2]! });
      continue;
    }
    const note = /^NOTE: end of security support for ([a-z]+)/.exec(body);
    if (note) endOfLife.add(note[1]!);
  }
  return { advisoriesByCve, fixedVersions, endOfLife: [...endOfLife] };
}
