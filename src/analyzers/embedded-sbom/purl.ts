/** Turns an SBOM component's package URL into the package record keelson would have found itself. */
import { PackageURL } from 'packageurl-js';
import type { PackageRecord, PackageType } from '../../core/types.js';

const MODELLED: ReadonlySet<string> = new Set<PackageType>([
  'apk',
  'deb',
  'rpm',
  'npm',
  'pypi',
  'golang',
  'maven',
  'gem',
  'dhi',
]);

const MAX_PURL_LENGTH = 2048;

/** What the SBOM says about the component besides its purl. */
export interface ComponentInfo {
  purl: string;
  /** The component's own version field, used when the purl has none. */
  version?: string;
  licenses?: string[];
  supplier?: string;
}

/**
 * The record, or why there is none. Types keelson does not model (`pkg:generic`,
 * `pkg:github` …) are left to later issues.
 */
export type PurlResult =
  | { record: PackageRecord }
  | { skipped: 'invalid-purl' | 'unmodelled-type' | 'no-version' };

export function recordFromPurl(component: ComponentInfo, sbomPath: string): PurlResult {
  // Real package URLs are short; a megabyte-long one is hostile, not a package.
  if (component.purl.length > MAX_PURL_LENGTH) return { skipped: 'invalid-purl' };
  let purl: PackageURL;
  try {
    purl = PackageURL.fromString(component.purl);
  } catch {
    return { skipped: 'invalid-purl' };
  }
  const type = purl.type.toLowerCase();
  if (!MODELLED.has(type)) return { skipped: 'unmodelled-type' };
  const version = purl.version ?? component.version;
  if (!version) return { skipped: 'no-version' };
  const qualifiers = purl.qualifiers ?? {};
  const record: PackageRecord = {
    name: nameOf(type as PackageType, purl),
    version,
    type: type as PackageType,
    location: sbomPath,
    foundBy: 'embedded-sbom',
    metadata: { sbomPath, sbomPurl: component.purl },
  };
  if (qualifiers.arch) record.arch = qualifiers.arch;
  if (type === 'maven' && purl.namespace) {
    record.metadata = { ...record.metadata, groupId: purl.namespace, artifactId: purl.name };
  }
  if (type === 'rpm' && qualifiers.epoch && /^[1-9]\d*$/.test(qualifiers.epoch)) {
    record.epoch = Number(qualifiers.epoch);
    record.version = `${qualifiers.epoch}:${version}`;
  }
  const source = sourceOf(type, qualifiers, version);
  if (source) record.source = source;
  if (component.licenses?.length) record.licenses = component.licenses;
  if (component.supplier) record.supplier = component.supplier;
  return { record };
}

/** Names as the ecosystem writes them: `@scope/name`, `github.com/org/module`, `group:artifact`. */
function nameOf(type: PackageType, purl: PackageURL): string {
  if (!purl.namespace) return purl.name;
  if (type === 'npm' || type === 'golang') return `${purl.namespace}/${purl.name}`;
  if (type === 'maven') return `${purl.namespace}:${purl.name}`;
  return purl.name;
}

/** apk `origin=`, deb `upstream=name[@version]`, rpm `upstream=name-version-release.src.rpm`. */
function sourceOf(
  type: string,
  qualifiers: Record<string, string>,
  version: string,
): { name: string; version?: string } | undefined {
  if (type === 'apk' && qualifiers.origin) return { name: qualifiers.origin, version };
  const upstream = qualifiers.upstream;
  if (!upstream) return undefined;
  if (type === 'deb') {
    const at = upstream.indexOf('@');
    return at < 0
      ? { name: upstream, version }
      : { name: upstream.slice(0, at), version: upstream.slice(at + 1) };
  }
  if (type === 'rpm' && upstream.endsWith('.src.rpm')) {
    const nvr = upstream.slice(0, -'.src.rpm'.length).split('-');
    if (nvr.length >= 3) return { name: nvr.slice(0, -2).join('-'), version: nvr.slice(-2).join('-') };
  }
  return undefined;
}
