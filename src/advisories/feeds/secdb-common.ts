/**
 * The secdb format shared by Alpine, Wolfi, Chainguard and MinimOS (formats.md §4.1):
 * `{packages:[{pkg:{name, secfixes:{<fixed version>:[ids]}}}]}`. `name` is the origin package, a key
 * of "0" means "not affected", and there are no unfixed records. Ids may carry aliases after a space
 * (`CVE-2020-1234 XSA-123`).
 */
import type { Advisory, FeedFile, FeedImporter, Fetcher, ImportSink } from '../types.js';
import {
  AdvisoryGroups,
  addAlias,
  baseName,
  describeValue,
  invalidId,
  invalidToken,
  isObject,
  joinUrl,
  parseError,
  parseJsonFile,
  quote,
  sniff,
} from './distro-common.js';

export interface SecdbDocument {
  /** `v3.20`, `edge`; Alpine only. */
  distroversion?: string;
  reponame?: string;
  urlprefix?: string;
}

/**
 * Reads one secdb file into advisories (one per id, affected entries grouped under it) and emits them.
 * `namespace` is the entry namespace for this file (the caller knows the distro and release).
 * Throws PARSE_ERROR when the file is not a secdb document at all.
 */
export function importSecdbFile(
  file: FeedFile,
  source: string,
  namespaceFor: (doc: SecdbDocument) => string,
  sink: ImportSink,
  advisoryUrl?: (id: string) => string,
): void {
  const doc = parseJsonFile(file, 'secdb');
  if (!isObject(doc)) throw parseError(file, `not a secdb file: top level is ${describeValue(doc)}`);
  const packages = doc.packages;
  // Empty repositories are written as `"packages": {}` upstream (see the v3.x community.json files).
  if (isObject(packages) && Object.keys(packages).length === 0) return;
  if (!Array.isArray(packages)) {
    throw parseError(file, `not a secdb file: "packages" is ${describeValue(packages)}, not an array`);
  }
  const meta: SecdbDocument = {};
  if (typeof doc.distroversion === 'string') meta.distroversion = doc.distroversion;
  if (typeof doc.reponame === 'string') meta.reponame = doc.reponame;
  if (typeof doc.urlprefix === 'string') meta.urlprefix = doc.urlprefix;
  const namespace = namespaceFor(meta);

  const groups = new AdvisoryGroups(source);
  for (const [i, entry] of packages.entries()) {
    const where = `${file.path}: packages[${i}]`;
    const pkg = readPackage(entry);
    if (typeof pkg === 'string') {
      sink.skip(where, pkg);
      continue;
    }
    const { name, secfixes } = pkg;
    for (const [version, ids] of Object.entries(secfixes)) {
      const at = `${where}.pkg.secfixes[${quote(version)}]`;
      const badVersion = invalidToken(version, 'fixed version');
      if (badVersion) {
        sink.skip(at, badVersion);
        continue;
      }
      if (!Array.isArray(ids)) {
        // Upstream sometimes writes an empty object for a version with no ids; there is nothing to record.
        if (!(isObject(ids) && Object.keys(ids).length === 0)) {
          sink.skip(at, `expected an array of ids, found ${describeValue(ids)}`);
        }
        continue;
      }
      for (const [j, raw] of ids.entries()) {
        const tokens = typeof raw === 'string' ? raw.trim().split(/\s+/) : [];
        const id = tokens[0];
        const badId = invalidId(typeof raw === 'string' ? id : raw);
        if (badId || id === undefined) {
          sink.skip(`${at}[${j}]`, badId ?? 'empty id');
          continue;
        }
        const advisory = groups.get(id);
        if (advisoryUrl && !advisory.url) advisory.url = advisoryUrl(id);
        // Words after the id are aliases when they look like ids (XSA-123, GHSA-…); other words are dropped.
        for (const alias of tokens.slice(1)) if (!invalidId(alias)) addAlias(advisory, alias);
        addFix(advisory, namespace, name, version);
      }
    }
  }
  for (const advisory of groups.values()) sink.advisory(advisory);
}

/** `{pkg:{name, secfixes}}` checked, or why it is malformed. */
function readPackage(entry: unknown): { name: string; secfixes: Record<string, unknown> } | string {
  const pkg = isObject(entry) ? entry.pkg : undefined;
  if (!isObject(pkg)) {
    return `expected {pkg:{name, secfixes}}, found ${describeValue(isObject(entry) ? pkg : entry)}`;
  }
  const badName = invalidToken(pkg.name, 'package name');
  if (badName) return badName;
  if (!isObject(pkg.secfixes)) return `pkg.secfixes is ${describeValue(pkg.secfixes)}, not an object`;
  return { name: pkg.name as string, secfixes: pkg.secfixes };
}

/** Records "`name` fixed in `version`" (or not affected, for "0") under the advisory, merging repeats. */
function addFix(advisory: Advisory, namespace: string, name: string, version: string): void {
  const notAffected = version === '0';
  const status = notAffected ? 'not_affected' : 'fixed';
  const existing = advisory.affected.find(
    (a) => a.packageName === name && a.namespace === namespace && a.status === status,
  );
  if (existing) {
    // The same id fixed under two versions (a regression re-fixed): keep both bounds.
    if (!notAffected && !existing.ranges.some((r) => r.fixed === version)) {
      existing.ranges.push({ introduced: '0', fixed: version });
    }
    return;
  }
  advisory.affected.push({
    namespace,
    packageName: name,
    nameKind: 'origin',
    scheme: 'apk',
    status,
    ranges: notAffected ? [] : [{ introduced: '0', fixed: version }],
    versions: [],
  });
}

/** True when the bytes look like a secdb document (JSON object with secdb keys near the start or end). */
export function looksLikeSecdb(file: FeedFile): boolean {
  if (!/\.json$/i.test(file.path)) return false;
  const { head, tail } = sniff(file.bytes);
  if (!/^\s*(\uFEFF|\u00EF\u00BB\u00BF)?\s*\{/.test(head)) return false;
  const text = head + tail;
  return /"(secfixes|apkurl)"/.test(text) || (/"packages"/.test(text) && /"(reponame|urlprefix)"/.test(text));
}

/**
 * An importer for a single-file, fixed-namespace secdb feed (Wolfi, Chainguard, MinimOS). `recognizes`
 * requires a secdb document plus the vendor's host or name in the path/urlprefix, so the three (and
 * Alpine) do not claim each other's files.
 */
export function singleFileSecdbImporter(options: {
  name: string;
  title: string;
  namespace: string;
  /** Default base and the feed's path under it (formats.md §4.1). */
  defaultBase: string;
  feedPath: string;
  /** Matches the vendor in the document's urlprefix or the file's path. */
  vendor: RegExp;
}): FeedImporter {
  const { name, namespace } = options;
  return {
    name,
    title: options.title,
    version: 1,
    recognizes(file: FeedFile): boolean {
      if (!looksLikeSecdb(file)) return false;
      const { head, tail } = sniff(file.bytes);
      if (/"distroversion"/.test(head + tail)) return false;
      const urlprefix = /"urlprefix"\s*:\s*"([^"]*)"/.exec(head + tail)?.[1] ?? '';
      return options.vendor.test(urlprefix) || options.vendor.test(file.path);
    },
    async import(files: AsyncIterable<FeedFile> | Iterable<FeedFile>, sink: ImportSink): Promise<void> {
      for await (const file of files) importSecdbFile(file, name, () => namespace, sink);
    },
    async *download(fetch: Fetcher, { baseUrl }: { baseUrl?: string }): AsyncIterable<FeedFile> {
      const url = joinUrl(baseUrl ?? options.defaultBase, options.feedPath);
      yield { path: baseName(options.feedPath), bytes: await fetch(url) };
    },
  };
}
