/**
 * Which VEX statement applies to one finding (a vulnerability on a package in an image).
 *
 * A statement applies when its vulnerability name or one of its aliases equals one of the finding's
 * ids (ignoring case), and:
 * - it has no subcomponents and one of its products matches the package purl (purlMatches); or
 * - it has subcomponents, one of its products matches one of the image's purls, and one of its
 *   subcomponents matches the package purl; or
 * - it has no subcomponents and one of its products matches one of the image's purls. Decision: such
 *   an image-level statement ("CVE-X: not_affected for pkg:docker/dhi/temporalio-ui", as in DHI's own
 *   README) is about the image as a whole, so it applies to every package of that image for that
 *   vulnerability, as OpenVEX defines products and as Docker Scout and Trivy apply it. Callers that
 *   must not extend an image's VEX to some packages (a derived image's own layers, formats.md §6)
 *   pass no imagePurls for those packages, or set `imageWide: false`.
 *
 * Among applicable statements the one with the latest timestamp wins; a statement without a valid
 * timestamp counts as older than any dated one; ties go to the later statement in input order (so
 * later documents override earlier ones, as OpenVEX's merge rule says).
 */
import { purlMatches } from './purl-match.js';
import type { VexStatement } from './types.js';

export interface VexQuery {
  /** The finding's vulnerability id and its aliases. */
  vulnerabilityIds: string[];
  packagePurl: string;
  /** Package URLs naming the scanned image (`pkg:oci/…`, `pkg:docker/dhi/…`). */
  imagePurls?: string[];
  /** Let image-level statements without subcomponents apply to the package (default true). */
  imageWide?: boolean;
}

function normaliseId(id: string): string {
  return id.trim().toUpperCase();
}

function timeOf(statement: VexStatement): number {
  const t = statement.timestamp === undefined ? Number.NaN : Date.parse(statement.timestamp);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** True when the statement is about this package in this image (ids not checked). */
export function statementAppliesToPackage(statement: VexStatement, query: VexQuery): boolean {
  const images = query.imagePurls ?? [];
  const productIsImage = () => statement.products.some((p) => images.some((image) => purlMatches(p, image)));
  if (statement.subcomponents.length === 0) {
    if (statement.products.some((p) => purlMatches(p, query.packagePurl))) return true;
    return (query.imageWide ?? true) && images.length > 0 && productIsImage();
  }
  return (
    images.length > 0 &&
    statement.subcomponents.some((s) => purlMatches(s, query.packagePurl)) &&
    productIsImage()
  );
}

function namesAny(statement: VexStatement, ids: Set<string>): boolean {
  if (ids.has(normaliseId(statement.vulnerability))) return true;
  return statement.aliases.some((a) => ids.has(normaliseId(a)));
}

/** Every applicable statement, in input order. */
export function matchingVexStatements(statements: readonly VexStatement[], query: VexQuery): VexStatement[] {
  const ids = new Set(query.vulnerabilityIds.map(normaliseId).filter((id) => id !== ''));
  return statements.filter((s) => namesAny(s, ids) && statementAppliesToPackage(s, query));
}

/** The statement that decides this finding: the latest applicable one (see the module comment). */
export function resolveVex(statements: readonly VexStatement[], query: VexQuery): VexStatement | undefined {
  return latest(matchingVexStatements(statements, query));
}

function latest(candidates: readonly VexStatement[]): VexStatement | undefined {
  let best: VexStatement | undefined;
  let bestTime = Number.NEGATIVE_INFINITY;
  for (const candidate of candidates) {
    const time = timeOf(candidate);
    if (best === undefined || time >= bestTime) {
      best = candidate;
      bestTime = time;
    }
  }
  return best;
}

/**
 * resolveVex over a fixed statement list, indexed by vulnerability id and alias so each query looks
 * only at statements naming one of its ids (for scans with many findings).
 */
export function createVexResolver(
  statements: readonly VexStatement[],
): (query: VexQuery) => VexStatement | undefined {
  const byId = new Map<string, number[]>();
  statements.forEach((statement, index) => {
    for (const id of new Set([statement.vulnerability, ...statement.aliases].map(normaliseId))) {
      const list = byId.get(id);
      if (list) list.push(index);
      else byId.set(id, [index]);
    }
  });
  return (query) => {
    const indexes = new Set<number>();
    for (const id of query.vulnerabilityIds) for (const i of byId.get(normaliseId(id)) ?? []) indexes.add(i);
    const ordered = [...indexes].sort((a, b) => a - b).map((i) => statements[i]!);
    return latest(ordered.filter((s) => statementAppliesToPackage(s, query)));
  };
}

/**
 * Package URLs under which VEX documents name an image in a registry, for `imagePurls`. DHI writes
 * the same image as `pkg:docker/dhi/x`, `pkg:oci/x?repository_url=dhi.io`, `pkg:oci/dhi.io%2Fx` and
 * `pkg:oci/dhi%2Fx`; the purl spec's own form is `pkg:oci/x?repository_url=<registry>/<path>`.
 * Images at `dhi.io/x` are also DHI's `docker.io/dhi/x`, so both spellings are produced for them.
 */
export function imagePurlCandidates(registry: string, repository: string): string[] {
  const out = new Set<string>();
  const add = (reg: string, repo: string) => {
    const parts = repo.split('/');
    const name = parts[parts.length - 1]!;
    const path = parts.slice(0, -1).join('/');
    const enc = encodeURIComponent;
    const regLower = reg.toLowerCase();
    out.add(`pkg:oci/${enc(name)}?repository_url=${enc(`${regLower}/${repo}`)}`);
    out.add(`pkg:oci/${enc(name)}?repository_url=${enc(path ? `${regLower}/${path}` : regLower)}`);
    out.add(`pkg:oci/${enc(`${regLower}/${repo}`)}`);
    out.add(`pkg:oci/${enc(repo)}`);
    if (regLower === 'docker.io' || regLower === 'index.docker.io') {
      const hubPath = path || 'library';
      out.add(`pkg:docker/${hubPath.split('/').map(enc).join('/')}/${enc(name)}`);
      out.add(`pkg:oci/${enc(name)}?repository_url=${enc(`index.docker.io/${hubPath}`)}`);
    }
  };
  add(registry, repository);
  if (registry.toLowerCase() === 'dhi.io' && !repository.includes('/')) add('docker.io', `dhi/${repository}`);
  return [...out];
}
