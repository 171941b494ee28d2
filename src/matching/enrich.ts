/**
 * Severity, EPSS and KEV for a finding. The vendor's rating comes first (it knows how the package is
 * built and used in its distro); NVD's CVSS fills in when the vendor gives none.
 */
import type { AdvisoryDetails, AffectedRow, Enrichment } from '../advisories/db/reader.js';
import type { Finding, SeverityLevel, SeverityRating } from './types.js';

export function levelFromScore(score: number): SeverityLevel {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'negligible';
}

const CVE = /^CVE-\d{4}-\d+$/;

/** The CVE ids a finding is known by (its id and aliases): what enrichment is looked up by. */
export function cveIds(finding: Finding): string[] {
  return [finding.id, ...finding.aliases].filter((id) => CVE.test(id));
}

export function enrich(
  finding: Finding,
  rows: readonly AffectedRow[],
  details: ReadonlyMap<number, AdvisoryDetails>,
  data: Enrichment,
): void {
  const ratings: SeverityRating[] = [];
  for (const row of rows) {
    if (row.severity && row.severity.level !== 'unknown')
      ratings.push({ level: row.severity.level, source: row.source, method: 'vendor' });
  }
  for (const row of rows) {
    for (const s of details.get(row.rid)?.severities ?? []) {
      if (s.score === undefined) continue;
      ratings.push({
        level: levelFromScore(s.score),
        source: row.source,
        score: s.score,
        vector: s.vector,
        method: s.type.replace('_V', ':').replace(/^CVSS:(\d)$/, 'CVSS:$1.x'),
      });
    }
  }
  const cves = cveIds(finding);
  for (const cve of cves) {
    const nvd = [...(data.cvss.get(cve) ?? [])].sort(
      (a, b) => Number(b.primary) - Number(a.primary) || b.version.localeCompare(a.version),
    );
    for (const c of nvd)
      ratings.push({
        level: levelFromScore(c.score),
        source: c.scoredBy === 'nvd@nist.gov' ? 'nvd' : `nvd (${c.scoredBy})`,
        score: c.score,
        vector: c.vector,
        method: `CVSS:${c.version}`,
      });
  }
  finding.severities = ratings;
  finding.severity = ratings[0] ?? { level: 'unknown', source: 'none', method: 'none' };
  for (const cve of cves) {
    const epss = data.epss.get(cve);
    if (epss && !finding.epss)
      finding.epss = {
        score: epss.score,
        percentile: epss.percentile,
        ...(epss.date ? { date: epss.date } : {}),
      };
    const kev = data.kev.get(cve);
    if (kev && !finding.kev)
      finding.kev = {
        dateAdded: kev.dateAdded,
        ...(kev.dueDate ? { dueDate: kev.dueDate } : {}),
        ...(kev.ransomware ? { ransomware: kev.ransomware } : {}),
      };
  }
}
