/**
 * Package URLs (https://github.com/package-url/purl-spec) for inventoried packages. packageurl-js does the
 * percent-encoding and canonical qualifier order; this module decides the type, namespace, version and
 * qualifiers per ecosystem and distro, following the syft conventions scanners and feeds expect.
 */
import { PackageURL } from 'packageurl-js';
import { stdlibVersion } from '../analyzers/gobinary/packages.js';
import type { Distro, PackageRecord } from '../core/types.js';
import { mavenCoordinates } from './package-metadata.js';

type OsPackageType = 'apk' | 'deb' | 'rpm';
type Qualifiers = Record<string, string | undefined>;

/** Which package format each known distro id uses; derivatives are found through ID_LIKE. */
const OS_FAMILY: ReadonlyMap<string, OsPackageType> = new Map(
  Object.entries({
    alpine: 'apk',
    wolfi: 'apk',
    chainguard: 'apk',
    minimos: 'apk',
    debian: 'deb',
    ubuntu: 'deb',
    echo: 'deb',
    rhel: 'rpm',
    centos: 'rpm',
    rocky: 'rpm',
    alma: 'rpm',
    fedora: 'rpm',
    amazon: 'rpm',
    azurelinux: 'rpm',
    'cbl-mariner': 'rpm',
    sles: 'rpm',
    opensuse: 'rpm',
    photon: 'rpm',
  } as const),
);

/** purl namespaces that differ from keelson's normalised distro id. */
const PURL_NAMESPACE: ReadonlyMap<string, string> = new Map([
  ['rhel', 'redhat'],
  ['alma', 'almalinux'],
]);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** encodeURIComponent throws on lone UTF-16 surrogates; replace them as a UTF-8 decoder would. */
function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

interface PurlParts {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers?: Qualifiers;
}

/**
 * The package URL of a package found in an image with the given distro. Never throws: a package whose
 * identity its purl type rejects (a maven artifact without a group, an invalid Go version) gets a
 * `pkg:generic` URL with the same name and version.
 */
export function packageUrl(pkg: PackageRecord, distro?: Distro): string {
  const name = wellFormed(pkg.name).trim() || 'unnamed';
  const version = wellFormed(pkg.version).trim() || undefined;
  try {
    return render(partsFor({ ...pkg, name }, version, distro));
  } catch {
    return render({ type: 'generic', name, version });
  }
}

function render(parts: PurlParts): string {
  const qualifiers: Record<string, string> = {};
  for (const [key, value] of Object.entries(parts.qualifiers ?? {})) {
    if (value !== undefined && value.trim() !== '') qualifiers[key] = wellFormed(value);
  }
  return new PackageURL(
    parts.type,
    parts.namespace === undefined ? undefined : wellFormed(parts.namespace),
    wellFormed(parts.name),
    parts.version === undefined ? undefined : wellFormed(parts.version),
    Object.keys(qualifiers).length > 0 ? qualifiers : undefined,
  ).toString();
}

function partsFor(pkg: PackageRecord, version: string | undefined, distro?: Distro): PurlParts {
  switch (pkg.type) {
    case 'apk':
    case 'deb':
    case 'rpm':
      return osPackageParts(pkg, pkg.type, version, distro);
    case 'npm':
      return npmParts(pkg.name, version);
    case 'pypi':
      return { type: 'pypi', name: pep503Name(pkg.name), version };
    case 'golang':
      return golangParts(pkg, version);
    case 'maven':
      return mavenParts(pkg, version);
    case 'gem':
      return { type: 'gem', name: pkg.name, version };
    case 'dhi':
      return { type: 'dhi', name: pkg.name, version };
    default:
      // Only reachable for data that bypassed the types, such as an inventory read back from JSON.
      return { type: 'generic', name: pkg.name, version };
  }
}

function osPackageParts(
  pkg: PackageRecord,
  type: OsPackageType,
  version: string | undefined,
  distro?: Distro,
): PurlParts {
  const family = distro && familyOf(distro);
  if (distro?.id === 'dhi' && family === type) return dhiUpcomingParts(pkg, type, version, distro);
  // A distro of another family (a stray DB) says nothing about this package: no namespace, no distro.
  const known = family === type ? distro : undefined;
  const namespace = known && (PURL_NAMESPACE.get(known.id) ?? known.id);
  const qualifiers: Qualifiers = { arch: pkg.arch, distro: known && distroQualifier(known) };
  if (type === 'rpm') {
    const { epoch, versionRelease } = splitRpmEpoch(version);
    const effectiveEpoch = pkg.epoch ?? epoch;
    if (effectiveEpoch !== undefined && effectiveEpoch > 0) qualifiers.epoch = String(effectiveEpoch);
    return { type, namespace, name: pkg.name, version: versionRelease, qualifiers };
  }
  qualifiers.upstream = upstreamQualifier(pkg, type, version);
  return { type, namespace, name: pkg.name, version, qualifiers };
}

function familyOf(distro: Distro): OsPackageType | undefined {
  const direct = OS_FAMILY.get(distro.id);
  if (direct) return direct;
  for (const like of distro.idLike ?? []) {
    const family = OS_FAMILY.get(like);
    if (family) return family;
  }
  return undefined;
}

/** `<id>-<version>`; Debian uses its major release only, rolling distros have no meaningful version. */
function distroQualifier(distro: Distro): string | undefined {
  if (distro.rolling) return undefined;
  const version = distro.id === 'debian' ? distro.version?.split('.')[0] : distro.version;
  const release = version || distro.versionCodename;
  return release ? `${distro.id}-${release}` : undefined;
}

/** DHI upcoming model (formats.md §6): namespace `dhi`, base distro and release as os_* qualifiers. */
function dhiUpcomingParts(
  pkg: PackageRecord,
  type: OsPackageType,
  version: string | undefined,
  distro: Distro,
): PurlParts {
  const base = (distro.idLike ?? []).find((like) => OS_FAMILY.get(like) === type);
  return {
    type,
    namespace: 'dhi',
    name: pkg.name,
    version,
    qualifiers: { os_distro: base, os_name: 'dhi', os_version: distro.version },
  };
}

/**
 * syft's convention: apk gives the origin name; deb gives `source@sourceVersion` when dpkg recorded a
 * different source version (`upstream=gcc-8%408.3.0-6`). Only when the source name differs from the
 * package name, so binNMUs (`bash 5.2.15-2+b2` from source `bash 5.2.15-2`) carry no qualifier.
 */
function upstreamQualifier(pkg: PackageRecord, type: OsPackageType, version?: string): string | undefined {
  const source = pkg.source;
  if (!source || source.name.trim() === '' || source.name === pkg.name) return undefined;
  const sourceVersion = source.version?.trim();
  if (type === 'deb' && sourceVersion && sourceVersion !== version) return `${source.name}@${sourceVersion}`;
  return source.name;
}

/** rpm versions arrive as `E:V-R` or `V-R`; the purl carries `V-R` and the epoch as a qualifier. */
function splitRpmEpoch(version: string | undefined): { epoch?: number; versionRelease?: string } {
  const match = version === undefined ? null : /^(\d{1,10}):(.*)$/.exec(version);
  if (!match) return { versionRelease: version };
  return { epoch: Number(match[1]), versionRelease: match[2] || undefined };
}

function npmParts(name: string, version: string | undefined): PurlParts {
  const scoped = /^(@[^/]+)\/(.+)$/s.exec(name);
  if (scoped) return { type: 'npm', namespace: scoped[1], name: scoped[2]!, version };
  return { type: 'npm', name, version };
}

/** PEP 503 normalised project name: lowercase, runs of `-`, `_` and `.` become one `-`. */
function pep503Name(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function golangParts(pkg: PackageRecord, version: string | undefined): PurlParts {
  if (pkg.name === 'stdlib') {
    // Versioned by its toolchain, which Go's advisories write as semver (`go1.22.5` → `v1.22.5`).
    return { type: 'golang', name: 'stdlib', version: version && stdlibVersion(version) };
  }
  const path = trimSlashes(pkg.name) || pkg.name;
  const slash = path.lastIndexOf('/');
  if (slash <= 0) return { type: 'golang', name: path, version };
  return { type: 'golang', namespace: path.slice(0, slash), name: path.slice(slash + 1), version };
}

/** Without a regex: `\/+$` would backtrack quadratically on a hostile run of slashes. */
function trimSlashes(path: string): string {
  let start = 0;
  let end = path.length;
  while (start < end && path[start] === '/') start++;
  while (end > start && path[end - 1] === '/') end--;
  return path.slice(start, end);
}

function mavenParts(pkg: PackageRecord, version: string | undefined): PurlParts {
  const { group, artifact } = mavenCoordinates(pkg);
  return { type: 'maven', namespace: group, name: artifact, version };
}
