/**
 * FIRST EPSS scores (CSV, usually gzipped): `#model_version:…,score_date:…` then `cve,epss,percentile`.
 */
import { KeelsonError } from '../../../core/errors.js';
import type { EpssRecord, FeedFile, FeedImporter, Fetcher, ImportSink } from '../../types.js';
import { rebase } from '../osv/download.js';
import { gunzipBounded, isGzip } from '../osv/files.js';

const URL = 'https://epss.cyentia.com/epss_scores-current.csv.gz';
const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
/** The current file is about 15 MB uncompressed; anything near this is not EPSS. */
const MAX_EXPANDED = 512 * 1024 * 1024;

function probability(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
}

/** Reads one EPSS CSV (already gunzipped) into the sink; returns the number of scores read. */
export function importEpssCsv(file: FeedFile, sink: ImportSink): number {
  const text = file.bytes.toString('utf8');
  let date: string | undefined;
  let headerSeen = false;
  let count = 0;
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    lineNo++;
    if (line.trim() === '') continue;
    if (!headerSeen) {
      if (line.startsWith('#')) {
        const model = line.match(/model_version:([^,\s]{1,64})/);
        const scored = line.match(/score_date:(\d{4}-\d{2}-\d{2})/);
        if (model) sink.meta('model_version', model[1]!);
        if (scored) date = scored[1];
        continue;
      }
      if (
        line
          .replace(/^\uFEFF/, '')
          .trim()
          .toLowerCase() !== 'cve,epss,percentile'
      ) {
        throw new KeelsonError(
          'PARSE_ERROR',
          `${file.path} is not an EPSS CSV: line ${lineNo} is not the header`,
          {
            file: file.path,
            line: lineNo,
          },
        );
      }
      headerSeen = true;
      continue;
    }
    const where = `${file.path}:${lineNo}`;
    const fields = line.length > 256 ? [] : line.split(',');
    const [cve, epss, percentile] = fields;
    const score = probability(epss);
    const rank = probability(percentile);
    if (fields.length !== 3 || !cve || !CVE_ID.test(cve.trim())) {
      sink.skip(where, line.length > 256 ? 'line is too long' : 'not a cve,epss,percentile row');
    } else if (score === undefined || rank === undefined) {
      sink.skip(where, `${cve.trim()}: epss and percentile must be numbers from 0 to 1`);
    } else {
      const record: EpssRecord = { cve: cve.trim(), score, percentile: rank };
      if (date) record.date = date;
      sink.epss(record);
      count++;
    }
  }
  if (!headerSeen) {
    throw new KeelsonError('PARSE_ERROR', `${file.path} is not an EPSS CSV: no cve,epss,percentile header`, {
      file: file.path,
    });
  }
  if (date) sink.meta('score_date', date);
  return count;
}

export const importer: FeedImporter = {
  name: 'epss',
  title: 'FIRST EPSS exploit prediction scores',
  version: 1,

  recognizes(file: FeedFile): boolean {
    if (/(^|\/)epss_scores[^/]*\.csv(\.gz)?$/i.test(file.path)) return true;
    if (isGzip(file.bytes)) return false;
    const start = file.bytes.subarray(0, 256).toString('utf8');
    return /^(#model_version:|cve,epss,percentile)/i.test(start);
  },

  async import(files, sink) {
    let count = 0;
    for await (const file of files) {
      const doc =
        isGzip(file.bytes) || /\.gz$/i.test(file.path)
          ? { path: file.path, bytes: gunzipBounded(file, MAX_EXPANDED) }
          : file;
      count += importEpssCsv(doc, sink);
    }
    sink.meta('epss records', String(count));
  },

  async *download(fetch: Fetcher, options: { baseUrl?: string }) {
    yield { path: 'epss_scores-current.csv.gz', bytes: await fetch(rebase(URL, options.baseUrl)) };
  },
};
