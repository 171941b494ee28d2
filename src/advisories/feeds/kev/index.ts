/** CISA Known Exploited Vulnerabilities catalog (JSON) → KEV records. */
import { KeelsonError } from '../../../core/errors.js';
import { isObject } from '../../../core/json-shape.js';
import type { FeedFile, FeedImporter, Fetcher, KevRecord } from '../../types.js';
import { rebase } from '../osv/download.js';
import { head, readJson } from '../osv/files.js';

const URL = 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json';
const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
const MAX_TEXT = 4096;

function text(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
}

/** One catalog entry, or why it cannot be read. */
export function kevRecordOf(item: unknown): KevRecord | string {
  if (!isObject(item)) return 'not an object';
  const cve = item.cveID;
  if (typeof cve !== 'string' || !CVE_ID.test(cve))
    return `cveID ${JSON.stringify(cve)?.slice(0, 60)} is not a CVE id`;
  const dateAdded = item.dateAdded;
  if (typeof dateAdded !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(dateAdded))
    return `${cve}: dateAdded is not a date`;
  const record: KevRecord = { cve, dateAdded: dateAdded.slice(0, 32) };
  const optional: Array<[keyof KevRecord, unknown]> = [
    ['vendorProject', item.vendorProject],
    ['product', item.product],
    ['name', item.vulnerabilityName],
    ['dueDate', item.dueDate],
    ['requiredAction', item.requiredAction],
    ['knownRansomwareCampaignUse', item.knownRansomwareCampaignUse],
  ];
  for (const [key, value] of optional) {
    const t = text(value);
    if (t !== undefined) (record as unknown as Record<string, string>)[key] = t;
  }
  return record;
}

export const importer: FeedImporter = {
  name: 'kev',
  title: 'CISA Known Exploited Vulnerabilities',
  version: 1,

  recognizes(file: FeedFile): boolean {
    if (/(^|\/)known_exploited_vulnerabilities[^/]*\.json$/i.test(file.path)) return true;
    return /\.json$/i.test(file.path) && /"catalogVersion"\s*:/.test(head(file, 4096));
  },

  async import(files, sink) {
    let count = 0;
    for await (const file of files) {
      const read = readJson(file);
      const doc = 'value' in read ? read.value : undefined;
      if (!isObject(doc) || !Array.isArray(doc.vulnerabilities)) {
        const why = 'malformed' in read ? read.malformed : 'no vulnerabilities array';
        throw new KeelsonError('PARSE_ERROR', `${file.path} is not a CISA KEV catalog: ${why}`, {
          file: file.path,
        });
      }
      doc.vulnerabilities.forEach((item, i) => {
        const record = kevRecordOf(item);
        if (typeof record === 'string') sink.skip(`${file.path}: vulnerabilities[${i}]`, record);
        else {
          sink.kev(record);
          count++;
        }
      });
      for (const key of ['catalogVersion', 'dateReleased'] as const) {
        const value = text(doc[key]);
        if (value) sink.meta(key, value.slice(0, 64));
      }
    }
    sink.meta('kev records', String(count));
  },

  async *download(fetch: Fetcher, options: { baseUrl?: string }) {
    yield { path: 'known_exploited_vulnerabilities.json', bytes: await fetch(rebase(URL, options.baseUrl)) };
  },
};
