/**
 * Docker Hardened Images advisories (github.com/docker-hardened-images/advisories, Apache-2.0).
 *
 * - `osv/<component>/<id>.json`: ecosystem `DHI`, `pkg:dhi/<name>`, SemVer ranges for DHI-built runtimes.
 * - `dhi/osv/DHI-….json` (upcoming `ID=dhi` model): ecosystems `Docker Hardened Images:Alpine:<rel>` and
 *   `…:Debian:<rel>`, native apk/dpkg order, explicit `versions`. A versions-only entry is a finding for
 *   exactly those versions; an entry with neither ranges nor versions is skipped, never "all versions".
 * - The bare `Docker Hardened Images` ecosystem (an earlier draft contract) is left out with a count.
 * - `vex/<repo>/*.vex.json` and `dhi/vex/*.json`: OpenVEX, emitted as VEX statements.
 * - Not read: the consolidated `vex/dhi.vex.json` and the `pkg/oci/…` VEX-repository copies (duplicates of
 *   the per-repository files) and `integration/` (synthetic pre-production fixtures).
 */

import { KeelsonError } from '../../../core/errors.js';
import { isOpenVexDocument, openVexStatements } from '../../../vex/openvex.js';
import type { VexStatement } from '../../../vex/types.js';
import type { FeedFile, FeedImporter, Fetcher, ImportSink } from '../../types.js';
import { rebase } from '../osv/download.js';
import { expandFeedFile, type FeedDocument, head, isGzip, readJson } from '../osv/files.js';
import type { OsvPackage, OsvParseOptions, OsvTarget } from '../osv/record.js';
import { looksLikeOsv, OsvImportRun, readMember } from '../osv/run.js';

const NAME = 'dhi-advisories';
const TARBALL = 'https://codeload.github.com/docker-hardened-images/advisories/tar.gz/refs/heads/main';
const BLOB = 'https://github.com/docker-hardened-images/advisories/blob/main/';

const OS_ECOSYSTEM = /^Docker Hardened Images:(Alpine|Debian):([0-9][0-9A-Za-z.]{0,31})$/i;

/** The package name in a `pkg:dhi/<name>` purl, or undefined. */
function dhiPurlName(purl: string | undefined): string | undefined {
  const match = purl?.match(/^pkg:dhi\/([^@?#]+)/);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1];
  }
}

export function dhiTarget(pkg: OsvPackage): OsvTarget | string {
  if (pkg.ecosystem === 'DHI') {
    const packageName = dhiPurlName(pkg.purl) ?? pkg.name;
    return { namespace: 'dhi', packageName, nameKind: 'binary', scheme: 'semver' };
  }
  const os = pkg.ecosystem.match(OS_ECOSYSTEM);
  if (os) {
    const distro = os[1]!.toLowerCase();
    return {
      namespace: `dhi:${distro}:${os[2]}`,
      packageName: pkg.name,
      nameKind: 'binary',
      scheme: distro === 'alpine' ? 'apk' : 'dpkg',
    };
  }
  if (pkg.ecosystem === 'Docker Hardened Images') {
    return 'superseded contract: the bare "Docker Hardened Images" ecosystem (no release) is not read';
  }
  return `ecosystem ${pkg.ecosystem} is not a DHI ecosystem`;
}

/** Source package, component packages: context for people, not match keys. */
function dhiNotes(entry: Record<string, unknown>): string | undefined {
  const specific = entry.database_specific;
  if (specific === null || typeof specific !== 'object') return undefined;
  const { source_package, source_ecosystem, component_packages } = specific as Record<string, unknown>;
  const notes: string[] = [];
  if (typeof source_package === 'string' && source_package !== '') {
    const eco =
      typeof source_ecosystem === 'string' && source_ecosystem !== '' ? ` (${source_ecosystem})` : '';
    notes.push(`source package ${source_package.slice(0, 200)}${eco.slice(0, 100)}`);
  }
  if (Array.isArray(component_packages)) {
    const purls = component_packages
      .map((c) => (c !== null && typeof c === 'object' ? (c as { purl?: unknown }).purl : undefined))
      .filter((p): p is string => typeof p === 'string')
      .slice(0, 20);
    if (purls.length > 0) notes.push(`component packages: ${purls.join(', ')}`);
  }
  return notes.length > 0 ? notes.join('; ') : undefined;
}

type Kind = 'osv' | 'vex' | 'ignore' | 'sniff';

/** What a path in the repository layout holds; `repoPath` is the path from the repository root. */
export function classifyDhiPath(path: string): { kind: Kind; repoPath?: string } {
  if (!/\.json$/i.test(path)) return { kind: 'ignore' };
  if (
    /(^|\/)(integration|pkg\/oci)\//.test(path) ||
    /(^|\/)(vex\/dhi\.vex\.json|vex-repository\.json)$/.test(path)
  ) {
    return { kind: 'ignore' };
  }
  const osv = path.match(/(?:^|\/)((?:dhi\/)?osv\/.+\.json)$/i);
  if (osv) return { kind: 'osv', repoPath: osv[1]! };
  const vex = path.match(/(?:^|\/)((?:dhi\/)?vex\/.+\.json)$/i);
  if (vex) return { kind: 'vex', repoPath: vex[1]! };
  return { kind: 'sniff' };
}

function osvOptions(repoPath: string | undefined): OsvParseOptions {
  const options: OsvParseOptions = { source: NAME, target: dhiTarget, notes: dhiNotes };
  if (repoPath) options.url = () => `${BLOB}${repoPath}`;
  return options;
}

class DhiImport {
  private readonly run: OsvImportRun;
  private vexStatements = 0;
  private ignoredFiles = 0;

  constructor(private readonly sink: ImportSink) {
    this.run = new OsvImportRun(sink, 'merge');
  }

  document(doc: FeedDocument): void {
    const { kind, repoPath } = classifyDhiPath(doc.member ?? doc.path);
    if (kind === 'ignore') {
      this.ignoredFiles++;
      return;
    }
    // Inside the osv/ and vex/ layout a file that is not JSON is a broken record, not a foreign file.
    const read = kind === 'sniff' ? readJson(doc) : readMember({ ...doc, member: doc.member ?? doc.path });
    if ('malformed' in read) {
      this.run.skip(doc.path, read.malformed);
      return;
    }
    const value = read.value;
    if (kind === 'vex' || (kind === 'sniff' && isOpenVexDocument(value))) {
      this.vex(value, doc, repoPath ?? doc.path);
    } else if (
      kind === 'osv' ||
      (value !== null && typeof value === 'object' && looksLikeOsv(value as Record<string, unknown>))
    ) {
      this.run.document(value, doc, osvOptions(repoPath));
    } else if (doc.member !== undefined) {
      this.ignoredFiles++;
    } else {
      throw new KeelsonError(
        'PARSE_ERROR',
        `${doc.path} is neither a DHI OSV record nor an OpenVEX document`,
        {
          file: doc.path,
        },
      );
    }
  }

  private vex(value: unknown, doc: FeedDocument, repoPath: string): void {
    if (!isOpenVexDocument(value)) {
      this.run.skip(doc.path, 'not an OpenVEX document (no openvex @context)');
      return;
    }
    // One malformed VEX document is skipped whole; the other documents and the OSV records still import.
    let statements: VexStatement[];
    try {
      statements = openVexStatements(value, doc.path, { origin: `db:${NAME}:${repoPath}` });
    } catch (err) {
      this.run.skip(doc.path, err instanceof Error ? err.message : String(err));
      return;
    }
    for (const statement of statements) this.sink.vex(statement);
    this.vexStatements += statements.length;
  }

  finish(): void {
    this.run.finish();
    this.sink.meta('vex statements', String(this.vexStatements));
    if (this.ignoredFiles > 0) this.sink.meta('files not read', String(this.ignoredFiles));
  }
}

const DHI_SNIFF = /"ecosystem"\s*:\s*"(DHI|Docker Hardened Images[^"]*)"|Docker Hardened Images/;

export const importer: FeedImporter = {
  name: NAME,
  title: 'Docker Hardened Images advisories (OSV and OpenVEX)',
  version: 1,

  recognizes(file: FeedFile): boolean {
    if (isGzip(file.bytes)) return /docker-hardened-images|dhi-advisories/i.test(file.path);
    if (!/\.json$/i.test(file.path)) return false;
    return DHI_SNIFF.test(head(file));
  },

  async import(files, sink) {
    const run = new DhiImport(sink);
    for await (const file of files) {
      for await (const doc of expandFeedFile(file, sink, { stripTopFolder: true })) run.document(doc);
    }
    run.finish();
  },

  async *download(fetch: Fetcher, options: { baseUrl?: string }) {
    const bytes = await fetch(rebase(TARBALL, options.baseUrl));
    yield { path: 'docker-hardened-images-advisories-main.tar.gz', bytes };
  },
};
