/**
 * NVD CVE API 2.0 JSON (API pages and the yearly `nvdcve-2.0-<year>.json(.gz)` feeds) → CVSS records.
 * Enrichment only: NVD never decides whether a package is affected, so no advisories are produced.
 */
import { KeelsonError } from '../../../core/errors.js';
import { isObject } from '../../../core/json-shape.js';
import type { CvssRecord, FeedFile, FeedImporter, Fetcher, ImportSink } from '../../types.js';
import { rebase } from '../osv/download.js';
import { gunzipBounded, head, isGzip } from '../osv/files.js';
import { JsonScanError, scanTopLevelArray } from './json-scan.js';

const FEED = 'https://nvd.nist.gov/feeds/json/cve/2.0';
const FIRST_YEAR = 2002;
/** The yearly feeds expand to a few hundred megabytes; refuse more than this. */
const MAX_EXPANDED = 2 * 1024 * 1024 * 1024;
const CVE_ID = /^CVE-\d{4}-\d{4,}$/;

const METRIC_VERSIONS: ReadonlyArray<[string, CvssRecord['version']]> = [
  ['cvssMetricV40', '4.0'],
  ['cvssMetricV31', '3.1'],
  ['cvssMetricV30', '3.0'],
  ['cvssMetricV2', '2.0'],
];
const VERSIONS = new Set<string>(['2.0', '3.0', '3.1', '4.0']);

/** The qualitative rating for a score when NVD left it out (CVSS v3/v4 bands; v2 has no NONE/CRITICAL). */
function severityBand(score: number, version: CvssRecord['version']): string {
  if (version === '2.0') return score < 4 ? 'LOW' : score < 7 ? 'MEDIUM' : 'HIGH';
  if (score === 0) return 'NONE';
  return score < 4 ? 'LOW' : score < 7 ? 'MEDIUM' : score < 9 ? 'HIGH' : 'CRITICAL';
}

/** The CVSS records of one `vulnerabilities[]` element; problems are reported through `problem`. */
export function cvssRecordsOf(item: unknown, problem: (why: string) => void): CvssRecord[] {
  const cve = isObject(item) ? item.cve : undefined;
  if (!isObject(cve)) {
    problem('no cve object');
    return [];
  }
  const id = cve.id;
  if (typeof id !== 'string' || !CVE_ID.test(id)) {
    problem(`cve.id ${JSON.stringify(id)?.slice(0, 60)} is not a CVE id`);
    return [];
  }
  if (cve.metrics === undefined) return [];
  if (!isObject(cve.metrics)) {
    problem(`${id}: metrics is not an object`);
    return [];
  }
  const out: CvssRecord[] = [];
  for (const [key, fallbackVersion] of METRIC_VERSIONS) {
    const list = cve.metrics[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problem(`${id}: metrics.${key} is not an array`);
      continue;
    }
    for (const [i, metric] of list.entries()) {
      const at = `${id}: metrics.${key}[${i}]`;
      const data = isObject(metric) ? metric.cvssData : undefined;
      if (!isObject(metric) || !isObject(data)) {
        problem(`${at}: no cvssData`);
        continue;
      }
      const { vectorString, baseScore } = data;
      if (typeof vectorString !== 'string' || vectorString === '' || vectorString.length > 512) {
        problem(`${at}: cvssData.vectorString is not a vector`);
        continue;
      }
      if (typeof baseScore !== 'number' || !(baseScore >= 0 && baseScore <= 10)) {
        problem(`${at}: cvssData.baseScore is not a score from 0 to 10`);
        continue;
      }
      const version = (
        typeof data.version === 'string' && VERSIONS.has(data.version) ? data.version : fallbackVersion
      ) as CvssRecord['version'];
      // v2 keeps the rating beside cvssData, v3/v4 inside it.
      const rated = typeof data.baseSeverity === 'string' ? data.baseSeverity : metric.baseSeverity;
      out.push({
        cve: id,
        version,
        vector: vectorString,
        baseScore,
        baseSeverity:
          typeof rated === 'string' && rated !== ''
            ? rated.toUpperCase().slice(0, 16)
            : severityBand(baseScore, version),
        sourceName:
          typeof metric.source === 'string' && metric.source !== '' ? metric.source.slice(0, 200) : 'unknown',
        primary: metric.type === 'Primary',
      });
    }
  }
  return out;
}

/** Reads one NVD JSON document (already gunzipped) into the sink. */
export function importNvdDocument(file: FeedFile, sink: ImportSink): { cves: number; records: number } {
  let cves = 0;
  let records = 0;
  const notNvd = (why: string) =>
    new KeelsonError('PARSE_ERROR', `${file.path} is not NVD CVE JSON: ${why}`, { file: file.path });
  const onElement = (bytes: Buffer, index: number, before: Readonly<Record<string, unknown>>) => {
    // NVD writes `format` before the list: check it before trusting a single element.
    if (index === 0 && before.format !== 'NVD_CVE')
      throw notNvd('no "format": "NVD_CVE" before vulnerabilities');
    const where = `${file.path}: vulnerabilities[${index}]`;
    let item: unknown;
    try {
      item = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      sink.skip(where, `invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    cves++;
    for (const record of cvssRecordsOf(item, (why) => sink.skip(where, why))) {
      sink.cvss(record);
      records++;
    }
  };
  let scan: ReturnType<typeof scanTopLevelArray>;
  try {
    scan = scanTopLevelArray(file.bytes, 'vulnerabilities', onElement);
  } catch (err) {
    if (!(err instanceof JsonScanError)) throw err;
    throw notNvd(err.message);
  }
  if (!scan.found) throw notNvd('no vulnerabilities array');
  if (scan.others.format !== 'NVD_CVE') throw notNvd('format is not NVD_CVE');
  if (typeof scan.others.timestamp === 'string') sink.meta(`timestamp ${file.path}`, scan.others.timestamp);
  return { cves, records };
}

export const importer: FeedImporter = {
  name: 'nvd',
  title: 'NVD CVSS scores (CVE API 2.0 JSON)',
  version: 1,

  recognizes(file: FeedFile): boolean {
    if (/(^|\/)nvdcve-2\.0-[^/]*\.json(\.gz)?$/i.test(file.path)) return true;
    if (isGzip(file.bytes)) return false;
    return /"format"\s*:\s*"NVD_CVE"/.test(head(file, 4096));
  },

  async import(files, sink) {
    let cves = 0;
    let records = 0;
    for await (const file of files) {
      const doc =
        isGzip(file.bytes) || /\.gz$/i.test(file.path)
          ? { path: file.path, bytes: gunzipBounded(file, MAX_EXPANDED) }
          : file;
      const counts = importNvdDocument(doc, sink);
      cves += counts.cves;
      records += counts.records;
    }
    sink.meta('cves', String(cves));
    sink.meta('cvss records', String(records));
  },

  async *download(fetch: Fetcher, options: { baseUrl?: string }) {
    const last = new Date().getUTCFullYear();
    for (let year = FIRST_YEAR; year <= last; year++) {
      const name = `nvdcve-2.0-${year}.json.gz`;
      yield { path: name, bytes: await fetch(rebase(`${FEED}/${name}`, options.baseUrl)) };
    }
  },
};
