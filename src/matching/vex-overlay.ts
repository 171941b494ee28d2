/**
 * VEX on top of the feed's verdict. Statements match a finding by vulnerability id (or alias) and by
 * package URL (the package's own, or its source package's); the latest matching statement wins.
 * `not_affected` and `fixed` suppress (the finding stays, marked), `under_investigation` and `affected`
 * annotate, and a user's `affected` statement for a package the feeds said nothing about adds a finding.
 */
import type { Inventory, Package } from '../core/types.js';
import { createVexResolver, imagePurlCandidates } from '../vex/apply.js';
import type { VexStatement } from '../vex/types.js';
import type { Finding } from './types.js';

export interface VexPolicy {
  /** Statements the user supplied: they always apply. */
  user: readonly VexStatement[];
  /** The image vendor's statements from the advisory DB (DHI). */
  vendor: readonly VexStatement[];
  /** Whether vendor statements may suppress (DHI current model) or only annotate (DHI upcoming model). */
  vendorSuppresses: boolean;
  /** Which packages vendor statements may speak for (a derived image: the vendor's base layers only). */
  vendorScope: (pkg: Package) => boolean;
}

/**
 * The purls a statement may name a package by: its own, and for Debian packages its source package's
 * (DHI names either: `pkg:deb/debian/liblz4-1`, `pkg:deb/debian/lz4@1.10.0-4`). apk origins are not used:
 * `pkg:apk/alpine/musl` names the binary package musl, not everything built from the musl origin.
 */
export function candidatePurls(pkg: Package): string[] {
  const out = [pkg.purl];
  const src = pkg.source?.name;
  if (src && src !== pkg.name && pkg.type === 'deb') {
    const at = pkg.purl.indexOf('@');
    const prefix = pkg.purl.slice(0, pkg.purl.lastIndexOf('/', at === -1 ? undefined : at) + 1);
    const version = pkg.source?.version ?? pkg.version;
    out.push(`${prefix}${encodeURIComponent(src)}@${encodeURIComponent(version)}`);
  }
  return out;
}

/** The purls VEX documents may name the scanned image by (registry images only: an archive has no name). */
function imagePurls(inventory: Inventory): string[] {
  const ref = inventory.image.reference;
  if (!ref) return [];
  const m = /^([^/]+)\/(.+?)(?::[^:/@]+)?(?:@sha256:[0-9a-f]{64})?$/.exec(ref);
  return m ? imagePurlCandidates(m[1]!, m[2]!) : [];
}

type Resolver = ReturnType<typeof createVexResolver>;

function resolveFor(resolve: Resolver, ids: string[], pkg: Package, images: string[]) {
  let best: VexStatement | undefined;
  for (const purl of candidatePurls(pkg)) {
    const s = resolve({ vulnerabilityIds: ids, packagePurl: purl, imagePurls: images });
    if (s && (!best || (s.timestamp ?? '') > (best.timestamp ?? ''))) best = s;
  }
  return best;
}

export function applyVex(findings: Finding[], inventory: Inventory, policy: VexPolicy): void {
  const images = imagePurls(inventory);
  const user = createVexResolver(policy.user);
  const vendor = createVexResolver(policy.vendor);
  const byPurl = new Map(inventory.packages.map((p) => [`${p.purl}\0${p.location}`, p]));
  for (const finding of findings) {
    const pkg = byPurl.get(`${finding.package.purl}\0${finding.package.location}`);
    if (!pkg) continue;
    const ids = [finding.id, ...finding.aliases];
    const fromUser = resolveFor(user, ids, pkg, images);
    const fromVendor = policy.vendorScope(pkg) ? resolveFor(vendor, ids, pkg, images) : undefined;
    const statement = fromUser ?? fromVendor;
    if (!statement) continue;
    const suppresses = statement === fromUser || policy.vendorSuppresses;
    finding.vex = {
      status: statement.status,
      origin: statement.origin,
      ...(statement.justification ? { justification: statement.justification } : {}),
      ...(statement.impactStatement || statement.statusNotes || statement.actionStatement
        ? { statement: statement.impactStatement ?? statement.statusNotes ?? statement.actionStatement }
        : {}),
    };
    if (
      suppresses &&
      !finding.suppressed &&
      (statement.status === 'not_affected' || statement.status === 'fixed')
    )
      finding.suppressed = {
        kind: 'vex',
        status: statement.status,
        detail: `VEX ${statement.status}${statement.justification ? ` (${statement.justification})` : ''} from ${statement.origin}`,
        origin: statement.origin,
        ...(statement.justification ? { justification: statement.justification } : {}),
      };
  }
  addAffectedFromUser(findings, inventory, policy.user, images);
}

/** A user's `affected` statement for a vulnerability no feed reported on that package adds a finding. */
function addAffectedFromUser(
  findings: Finding[],
  inventory: Inventory,
  statements: readonly VexStatement[],
  images: string[],
): void {
  const affected = statements.filter((s) => s.status === 'affected');
  if (!affected.length) return;
  const seen = new Set(findings.flatMap((f) => [f.id, ...f.aliases].map((id) => `${f.package.purl}\0${id}`)));
  for (const pkg of inventory.packages) {
    for (const s of affected) {
      const ids = [s.vulnerability, ...s.aliases];
      if (ids.some((id) => seen.has(`${pkg.purl}\0${id}`))) continue;
      if (resolveFor(createVexResolver([s]), ids, pkg, images) !== s) continue;
      for (const id of ids) seen.add(`${pkg.purl}\0${id}`);
      findings.push({
        id: s.vulnerability,
        aliases: s.aliases,
        package: {
          name: pkg.name,
          version: pkg.version,
          type: pkg.type,
          purl: pkg.purl,
          location: pkg.location,
          ...(pkg.layer
            ? { layer: { index: pkg.layer.index, diffID: pkg.layer.diffID, base: pkg.layer.base } }
            : {}),
        },
        status: 'affected',
        fixedVersions: [],
        severity: { level: 'unknown', source: 'none', method: 'none' },
        severities: [],
        dataSource: { source: 'vex', advisoryId: s.vulnerability },
        vex: {
          status: 'affected',
          origin: s.origin,
          ...(s.actionStatement ? { statement: s.actionStatement } : {}),
        },
        match: {
          namespace: 'vex',
          lookupName: pkg.purl,
          nameKind: 'binary',
          constraint: 'named by a VEX statement',
          source: 'vex',
          advisoryId: s.vulnerability,
          namespaceReason: `VEX statement from ${s.origin} says affected`,
        },
      });
    }
  }
}
