/**
 * Photon OS CVE metadata (formats.md §4.4): `photon_versions.json` lists branches, and each branch has
 * `cve_data_photon<ver>.json`, an array of `{cve_id, pkg, cve_score, aff_ver, res_ver, status?}`.
 * Namespace `photon:<ver>`, binary RPM names, rpm versions. `res_ver` "NA" means no fixed version.
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
  invalidId,
  invalidToken,
  isObject,
  joinUrl,
  parseError,
  parseJsonFile,
  quote,
  scoreSeverity,
  sniff,
} from '../distro-common.js';

const NAME = 'photon';
const DEFAULT_BASE = 'https://packages.broadcom.com/photon/photon_cve_metadata';
const VERSIONS_FILE = /(?:^|[\\/])photon_versions\.json$/i;
// `cve_data_photon3.0.json`; a suffix after the version (`…3.0_invalid_cveid.json`) is tolerated.
const DATA_FILE = /(?:^|[\\/])cve_data_photon([^\\/]*)\.json$/i;
const BRANCH = /^\d+\.\d+$/;

/** The branch a `cve_data_photon<ver>.json` file is for, or undefined when the name carries none. */
export function photonBranch(path: string): string | undefined {
  const rest = DATA_FILE.exec(path)?.[1];
  return rest ? /^(\d+\.\d+)/.exec(rest)?.[1] : undefined;
}

/** Branches listed in `photon_versions.json` (`{"branches":["1.0",…]}`); throws when it is not that file. */
export function parseBranches(file: FeedFile): string[] {
  const doc = parseJsonFile(file, 'photon_versions.json');
  const branches = isObject(doc) ? doc.branches : undefined;
  if (!Array.isArray(branches)) {
    throw parseError(
      file,
      `not photon_versions.json: expected {"branches":[…]}, found ${describeValue(doc)}`,
    );
  }
  const valid = branches.filter((b): b is string => typeof b === 'string' && BRANCH.test(b));
  if (valid.length !== branches.length) {
    const bad = branches.find((b) => !(typeof b === 'string' && BRANCH.test(b)));
    throw parseError(
      file,
      `invalid Photon branch ${typeof bad === 'string' ? quote(bad) : describeValue(bad)}`,
    );
  }
  return valid;
}

const NO_VERSION = new Set(['', 'na', 'n/a', 'none']);

function statusFor(
  rawStatus: string | undefined,
  fixedVersion: string | undefined,
): { status: AffectedStatus; note?: string } {
  if (rawStatus === undefined) return { status: fixedVersion ? 'fixed' : 'affected' };
  switch (rawStatus.trim().toLowerCase().replace(/[’']/g, '')) {
    case 'fixed':
      return fixedVersion
        ? { status: 'fixed' }
        : // Seen upstream (CVE-2023-50447 on 4.0): "Fixed" with res_ver "NA". Without a version nothing is fixed.
          { status: 'affected', note: 'vendor status "Fixed" without a fixed version' };
    case 'not affected':
      return { status: 'not_affected' };
    case 'wont fix':
      return { status: 'will_not_fix' };
    case 'under investigation':
    case 'investigating':
      return { status: 'under_investigation' };
    case 'vulnerable':
    case 'affected':
      return { status: 'affected' };
    default:
      // An unknown word must not hide a vulnerability: treat it as affected and keep the word.
      return { status: 'affected', note: `vendor status ${quote(rawStatus, 40)}` };
  }
}

/** One `{cve_id, pkg, …}` record as an affected entry, or why it is malformed. */
function readRecord(record: unknown, namespace: string): { id: string; entry: AffectedEntry } | string {
  if (!isObject(record)) return `expected an object, found ${describeValue(record)}`;
  const badId = invalidId(record.cve_id);
  if (badId) return badId;
  const badPkg = invalidToken(record.pkg, 'pkg');
  if (badPkg) return badPkg;
  const resVer = record.res_ver;
  if (resVer !== undefined && resVer !== null && typeof resVer !== 'string') {
    return `res_ver is ${describeValue(resVer)}, not a string`;
  }
  const fixed = resVer && !NO_VERSION.has(resVer.trim().toLowerCase()) ? resVer.trim() : undefined;
  if (fixed) {
    const badFixed = invalidToken(fixed, 'res_ver');
    if (badFixed) return badFixed;
  }
  const status = record.status;
  if (status !== undefined && status !== null && typeof status !== 'string') {
    return `status is ${describeValue(status)}, not a string`;
  }
  const verdict = statusFor(status ?? undefined, fixed);
  const notes: string[] = [];
  if (typeof record.aff_ver === 'string' && !NO_VERSION.has(record.aff_ver.trim().toLowerCase())) {
    notes.push(record.aff_ver.trim());
  }
  if (verdict.note) notes.push(verdict.note);
  if (fixed && verdict.status !== 'fixed') notes.push(`res_ver ${quote(fixed)}`);

  const entry: AffectedEntry = {
    namespace,
    packageName: record.pkg as string,
    nameKind: 'binary',
    scheme: 'rpm',
    status: verdict.status,
    ranges: verdict.status === 'fixed' ? [{ introduced: '0', fixed }] : [],
    versions: [],
  };
  const score = record.cve_score;
  if (typeof score === 'number' || (typeof score === 'string' && score.trim() !== '' && score.length < 16)) {
    entry.severity = scoreSeverity(Number(score), String(score));
  }
  if (notes.length) entry.notes = clipText(notes.join('; '));
  return { id: record.cve_id as string, entry };
}

function importDataFile(file: FeedFile, branch: string, sink: ImportSink): void {
  const doc = parseJsonFile(file, 'Photon CVE data');
  if (!Array.isArray(doc))
    throw parseError(file, `not a Photon CVE data file: top level is ${describeValue(doc)}, not an array`);
  const namespace = `photon:${branch}`;
  const groups = new AdvisoryGroups(NAME);
  for (const [i, record] of doc.entries()) {
    const read = readRecord(record, namespace);
    if (typeof read === 'string') sink.skip(`${file.path}: [${i}]`, read);
    else groups.get(read.id).affected.push(read.entry);
  }
  for (const advisory of groups.values()) sink.advisory(advisory);
}

export const importer: FeedImporter = {
  name: NAME,
  title: 'Photon OS CVE metadata',
  version: 1,

  recognizes(file: FeedFile): boolean {
    if (VERSIONS_FILE.test(file.path)) return /"branches"/.test(sniff(file.bytes).head);
    if (!DATA_FILE.test(file.path)) return false;
    const { head } = sniff(file.bytes);
    return (
      /^\s*\[/.test(head.replace(/^\u00EF\u00BB\u00BF/, '')) &&
      (/"cve_id"/.test(head) || /^\s*\[\s*\]\s*$/.test(head))
    );
  },

  async import(files: AsyncIterable<FeedFile> | Iterable<FeedFile>, sink: ImportSink): Promise<void> {
    for await (const file of files) {
      if (VERSIONS_FILE.test(file.path)) {
        sink.meta('photon-branches', parseBranches(file).join(','));
        continue;
      }
      const branch = photonBranch(file.path);
      if (!branch) {
        throw parseError(
          file,
          'cannot tell the Photon branch: expected a file named cve_data_photon<X.Y>.json',
        );
      }
      importDataFile(file, branch, sink);
    }
  },

  async *download(fetch: Fetcher, { baseUrl }: { baseUrl?: string }): AsyncIterable<FeedFile> {
    const base = baseUrl ?? DEFAULT_BASE;
    const versions: FeedFile = {
      path: 'photon_versions.json',
      bytes: await fetch(joinUrl(base, 'photon_versions.json')),
    };
    const branches = parseBranches(versions);
    if (branches.length === 0) {
      throw new KeelsonError('PARSE_ERROR', `photon_versions.json at ${base} lists no branches`, {
        url: base,
      });
    }
    yield versions;
    for (const branch of branches) {
      const name = `cve_data_photon${branch}.json`;
      yield { path: name, bytes: await fetch(joinUrl(base, name)) };
    }
  },
};
