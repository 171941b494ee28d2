/**
 * Echo advisories (`https://advisory.echohq.com/data.json`), formats.md §4.5: `{<package>:{<CVE>:
 * {fixed_version?}}}`. An empty object means affected with no fix yet. Namespace `echo`, source package
 * names (Echo is Debian-based), dpkg versions.
 */
import type { FeedFile, FeedImporter, Fetcher, ImportSink } from '../../types.js';
import {
  AdvisoryGroups,
  describeValue,
  invalidToken,
  isObject,
  joinUrl,
  packageVulnRecords,
  parseError,
  parseJsonFile,
  sniff,
} from '../distro-common.js';

const NAME = 'echo';
const DEFAULT_BASE = 'https://advisory.echohq.com';

export const importer: FeedImporter = {
  name: NAME,
  title: 'Echo advisories',
  version: 1,

  recognizes(file: FeedFile): boolean {
    if (!/\.json$/i.test(file.path)) return false;
    const { head } = sniff(file.bytes);
    // `{"pkg": {"CVE-…": {` and no `"releases"` (which would be the Debian tracker's shape).
    return (
      /^\s*\{\s*"[^"]{1,200}"\s*:\s*\{\s*"[A-Z][A-Z0-9]*-[^"]*"\s*:\s*\{/.test(head) &&
      !/"releases"/.test(head) &&
      (/echo/i.test(file.path) || /"fixed_version"/.test(head))
    );
  },

  async import(files: AsyncIterable<FeedFile> | Iterable<FeedFile>, sink: ImportSink): Promise<void> {
    for await (const file of files) {
      const doc = parseJsonFile(file, 'Echo advisory');
      if (!isObject(doc))
        throw parseError(file, `not the Echo advisory feed: top level is ${describeValue(doc)}`);
      const groups = new AdvisoryGroups(NAME);
      for (const { pkg, id, record, at } of packageVulnRecords(file, doc, sink, 'package name')) {
        const fixed = record.fixed_version;
        if (fixed !== undefined && fixed !== null) {
          const bad = invalidToken(fixed, 'fixed_version');
          if (bad) {
            sink.skip(at, bad);
            continue;
          }
        }
        const fixedVersion = typeof fixed === 'string' ? fixed : undefined;
        groups.get(id).affected.push({
          namespace: 'echo',
          packageName: pkg,
          nameKind: 'source',
          scheme: 'dpkg',
          status: fixedVersion ? 'fixed' : 'affected',
          ranges: fixedVersion ? [{ introduced: '0', fixed: fixedVersion }] : [],
          versions: [],
        });
      }
      for (const advisory of groups.values()) sink.advisory(advisory);
    }
  },

  async *download(fetch: Fetcher, { baseUrl }: { baseUrl?: string }): AsyncIterable<FeedFile> {
    yield { path: 'echo/data.json', bytes: await fetch(joinUrl(baseUrl ?? DEFAULT_BASE, 'data.json')) };
  },
};
