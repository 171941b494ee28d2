/**
 * Debian security tracker JSON (`https://security-tracker.debian.org/tracker/data/json`), formats.md §4.5:
 * `{<source package>:{<CVE>:{description?, debianbug?, releases:{<codename>:{status, fixed_version?,
 * urgency, nodsa?, nodsa_reason?}}}}}`. Namespace `debian:<major>` (`debian:unstable` for sid), source
 * package names, dpkg versions. Optional companions in the same import: distro-info-data `debian.csv`
 * and the tracker's DSA list (see codenames.ts for why and how the codename map is built).
 */
import { KeelsonError } from '../../../core/errors.js';
import type {
  AffectedEntry,
  AffectedStatus,
  FeedFile,
  FeedImporter,
  Fetcher,
  ImportSink,
} from '../../types.js';
import {
  AdvisoryGroups,
  clipText,
  describeValue,
  invalidToken,
  isObject,
  type JsonObject,
  joinUrl,
  packageVulnRecords,
  parseError,
  parseJsonFile,
  quote,
  sniff,
  wordSeverity,
} from '../distro-common.js';
import { CodenameVotes, parseDistroInfoCsv, resolveCodenames } from './codenames.js';
import { looksLikeDsaList, parseDsaList } from './dsa-list.js';

const NAME = 'debian-tracker';
const TRACKER_BASE = 'https://security-tracker.debian.org';
/** distro-info-data, the codename/version/EOL table Debian's own tools use. */
const DISTRO_INFO_URL = 'https://salsa.debian.org/debian/distro-info-data/-/raw/main/debian.csv';
const DSA_LIST_URL =
  'https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DSA/list';
const CODENAME = /^[a-z][a-z0-9-]{0,31}$/;
const UNSTABLE = new Set(['sid', 'unstable']);

type Kind = 'tracker' | 'distro-info' | 'dsa-list';

function kindOf(file: FeedFile): Kind | undefined {
  const { head } = sniff(file.bytes, 1024);
  const text = head.replace(/^\u00EF\u00BB\u00BF/, '');
  if (/^\s*\{/.test(text)) return 'tracker';
  if (/^version,codename,series,/.test(text)) return 'distro-info';
  if (looksLikeDsaList(text)) return 'dsa-list';
  return undefined;
}

interface Verdict {
  status: AffectedStatus;
  fixed?: string;
  note?: string;
}

/** Maps one release entry to a status, or returns a skip reason. */
function verdictFor(release: JsonObject): Verdict | string {
  const status = release.status;
  const urgency = typeof release.urgency === 'string' ? release.urgency : '';
  const nodsa = typeof release.nodsa === 'string' && release.nodsa.trim() ? release.nodsa.trim() : undefined;
  const reason = typeof release.nodsa_reason === 'string' ? release.nodsa_reason.trim().toLowerCase() : '';
  const note = nodsa ? `no DSA: ${nodsa}` : undefined;
  switch (status) {
    case 'resolved': {
      const fixed = release.fixed_version;
      const bad = invalidToken(fixed, 'fixed_version');
      if (bad) return `resolved without a usable fixed_version: ${bad}`;
      // fixed_version "0": the release never shipped a vulnerable version.
      return fixed === '0' ? { status: 'not_affected' } : { status: 'fixed', fixed: fixed as string };
    }
    case 'open':
      // The tracker marks packages it no longer supports in a release with urgency "end-of-life".
      if (urgency === 'end-of-life') return { status: 'end_of_life' };
      if (reason === 'ignored') return { status: 'will_not_fix', ...(note ? { note } : {}) };
      if (reason === 'postponed') return { status: 'fix_deferred', ...(note ? { note } : {}) };
      return { status: 'affected', ...(note ? { note } : {}) };
    case 'undetermined':
      return { status: 'under_investigation' };
    default:
      return `unknown status ${typeof status === 'string' ? quote(status, 40) : describeValue(status)}`;
  }
}

function severityFor(urgency: unknown): AffectedEntry['severity'] {
  if (typeof urgency !== 'string' || urgency === '') return undefined;
  // "not yet assigned" and "end-of-life" are not ratings: wordSeverity maps them to unknown.
  return wordSeverity(urgency);
}

interface Tracker {
  file: FeedFile;
  doc: JsonObject;
}

export const importer: FeedImporter = {
  name: NAME,
  title: 'Debian security tracker',
  version: 1,

  recognizes(file: FeedFile): boolean {
    const kind = kindOf(file);
    if (kind === 'distro-info') return /debian/i.test(file.path);
    if (kind === 'dsa-list') return true;
    if (kind !== 'tracker') return false;
    const { head } = sniff(file.bytes, 16384);
    return /"releases"\s*:/.test(head) && /"(status|urgency|fixed_version)"\s*:/.test(head);
  },

  async import(files: AsyncIterable<FeedFile> | Iterable<FeedFile>, sink: ImportSink): Promise<void> {
    // Companion files may come in any order, so read everything before emitting.
    const trackers: Tracker[] = [];
    let distroInfo: ReturnType<typeof parseDistroInfoCsv>;
    let dsa: ReturnType<typeof parseDsaList> | undefined;
    for await (const file of files) {
      const kind = kindOf(file);
      if (kind === 'distro-info') {
        distroInfo = parseDistroInfoCsv(file.bytes.toString('utf8'), new Date());
        if (!distroInfo) throw parseError(file, 'not a distro-info debian.csv file');
      } else if (kind === 'dsa-list') {
        dsa = parseDsaList(file.bytes.toString('utf8'));
      } else {
        const doc = parseJsonFile(file, 'Debian security tracker');
        if (!isObject(doc)) {
          throw parseError(file, `not the Debian security tracker JSON: top level is ${describeValue(doc)}`);
        }
        if (Object.keys(doc).length === 0) {
          throw parseError(file, 'the Debian security tracker JSON has no packages (refusing an empty feed)');
        }
        trackers.push({ file, doc });
      }
    }
    if (trackers.length === 0) {
      // Companions alone would import nothing and leave a source with no advisories.
      throw new KeelsonError('PARSE_ERROR', 'no Debian security tracker JSON among the imported files');
    }

    // Pass 1: codenames seen and their version votes.
    const votes = new CodenameVotes();
    const codenames = new Set<string>();
    for (const { doc } of trackers) {
      for (const cves of Object.values(doc)) {
        if (!isObject(cves)) continue;
        for (const cve of Object.values(cves)) {
          const releases = isObject(cve) ? cve.releases : undefined;
          if (!isObject(releases)) continue;
          for (const [codename, release] of Object.entries(releases)) {
            if (!CODENAME.test(codename) || !isObject(release)) continue;
            codenames.add(codename);
            votes.add(codename, release.fixed_version);
            const repos = release.repositories;
            if (isObject(repos)) {
              votes.add(codename, repos[codename]);
              votes.add(codename, repos[`${codename}-security`]);
            }
          }
        }
      }
    }
    for (const { codename, version } of dsa?.fixedVersions ?? []) votes.add(codename, version);
    const map = resolveCodenames(codenames, distroInfo?.majors, votes.winners());
    const namespaceOf = (codename: string): string => {
      if (UNSTABLE.has(codename)) return 'debian:unstable';
      // A codename no source can number (a new testing release): keep it by name rather than guess.
      return `debian:${map.get(codename)?.major ?? codename}`;
    };
    const sorted = [...map.entries()].sort((a, b) => Number(a[1].major) - Number(b[1].major));
    sink.meta('debian-codenames', JSON.stringify(Object.fromEntries(sorted.map(([c, v]) => [c, v.major]))));
    sink.meta(
      'debian-codename-sources',
      JSON.stringify(Object.fromEntries(sorted.map(([c, v]) => [c, v.from]))),
    );
    const unmapped = [...codenames].filter((c) => !map.has(c) && !UNSTABLE.has(c)).sort();
    if (unmapped.length) sink.meta('debian-unmapped-codenames', JSON.stringify(unmapped));
    if (distroInfo || dsa) {
      const eol = new Set([...(distroInfo?.endOfLife ?? []), ...(dsa?.endOfLife ?? [])]);
      sink.meta('debian-eol', JSON.stringify([...eol].sort()));
    }

    // Pass 2: advisories, one per vulnerability id across packages.
    const groups = new AdvisoryGroups(NAME);
    for (const { file, doc } of trackers) {
      for (const { pkg, id, record: cve, at } of packageVulnRecords(file, doc, sink, 'source package name')) {
        const releases = cve.releases;
        // An empty `releases` is serialised as [] upstream; it just has nothing to say.
        if (Array.isArray(releases) && releases.length === 0) continue;
        if (!isObject(releases)) {
          sink.skip(`${at}.releases`, `expected an object, found ${describeValue(releases)}`);
          continue;
        }
        const advisory = groups.get(id);
        advisory.url ??= `https://security-tracker.debian.org/tracker/${encodeURIComponent(id)}`;
        if (!advisory.details && typeof cve.description === 'string' && cve.description.trim()) {
          advisory.details = clipText(cve.description.trim());
        }
        if (typeof cve.debianbug === 'number' && Number.isSafeInteger(cve.debianbug) && cve.debianbug > 0) {
          const url = `https://bugs.debian.org/${cve.debianbug}`;
          if (!advisory.references.some((r) => r.url === url))
            advisory.references.push({ type: 'REPORT', url });
        }
        for (const [codename, release] of Object.entries(releases)) {
          const rat = `${at}.releases.${quote(codename, 40)}`;
          if (!CODENAME.test(codename)) {
            sink.skip(rat, `invalid codename ${quote(codename)}`);
            continue;
          }
          if (!isObject(release)) {
            sink.skip(rat, `expected an object, found ${describeValue(release)}`);
            continue;
          }
          const verdict = verdictFor(release);
          if (typeof verdict === 'string') {
            sink.skip(rat, verdict);
            continue;
          }
          const entry: AffectedEntry = {
            namespace: namespaceOf(codename),
            packageName: pkg,
            nameKind: 'source',
            scheme: 'dpkg',
            status: verdict.status,
            ranges: verdict.fixed ? [{ introduced: '0', fixed: verdict.fixed }] : [],
            versions: [],
          };
          const severity = severityFor(release.urgency);
          if (severity) entry.severity = severity;
          if (verdict.note) entry.notes = clipText(verdict.note);
          advisory.affected.push(entry);
        }
      }
    }
    for (const advisory of groups.values()) {
      for (const dsaId of dsa?.advisoriesByCve.get(advisory.id) ?? []) {
        advisory.references.push({
          type: 'ADVISORY',
          url: `https://security-tracker.debian.org/tracker/${dsaId}`,
        });
      }
      if (advisory.affected.length) sink.advisory(advisory);
    }
  },

  async *download(fetch: Fetcher, { baseUrl }: { baseUrl?: string }): AsyncIterable<FeedFile> {
    yield {
      path: 'tracker/data/json',
      bytes: await fetch(joinUrl(baseUrl ?? TRACKER_BASE, 'tracker/data/json')),
    };
    // Companions improve the codename map and add DSA references; the import works without them
    // (data votes + table), so a failure to fetch them is not a failed update.
    const companions: [string, string, Kind][] = [
      [
        'debian.csv',
        baseUrl ? joinUrl(baseUrl, 'distro-info-data/debian.csv') : DISTRO_INFO_URL,
        'distro-info',
      ],
      ['data/DSA/list', baseUrl ? joinUrl(baseUrl, 'data/DSA/list') : DSA_LIST_URL, 'dsa-list'],
    ];
    for (const [path, url, kind] of companions) {
      let file: FeedFile;
      try {
        file = { path, bytes: await fetch(url) };
      } catch {
        continue;
      }
      // A login or error page served with 200 must not turn into a failed import.
      if (kindOf(file) === kind) yield file;
    }
  },
};
