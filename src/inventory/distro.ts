/**
 * Which distribution an image runs, from the release files the os-release analyzer read. The first
 * file in priority order that names an ID decides (etc/os-release, usr/lib/os-release, lsb-release,
 * then the vendor files); the others only fill gaps it leaves, such as distroless Debian's missing
 * VERSION_ID.
 *
 * IDs are normalised onto one list: debian, ubuntu, alpine, rhel, centos, rocky, alma, fedora, amazon,
 * azurelinux, cbl-mariner, sles, opensuse, photon, wolfi, chainguard, minimos, echo, dhi. The vendor's
 * own ID stays in `fields.ID`; an ID outside the list is kept as written.
 */
import type { ReleaseFileKind } from '../analyzers/types.js';
import type { Distro } from '../core/types.js';

export interface ReleaseFile {
  path: string;
  kind: ReleaseFileKind;
  fields: Record<string, string>;
}

/** Vendor IDs that differ from the canonical one. */
const CANONICAL_ID: Readonly<Record<string, string>> = {
  amzn: 'amazon',
  mariner: 'cbl-mariner',
  almalinux: 'alma',
  'opensuse-leap': 'opensuse',
  'opensuse-tumbleweed': 'opensuse',
  sles_sap: 'sles',
};

/**
 * Rolling releases whose VERSION_ID is a build stamp (a baselayout version or a snapshot date), not a
 * release: it must never be shown as the OS version nor used for matching.
 */
const ROLLING_IDS: ReadonlySet<string> = new Set([
  'wolfi',
  'chainguard',
  'minimos',
  'echo',
  'opensuse-tumbleweed',
]);

/** Vendor files after lsb-release, most specific first: debian_version also exists on Ubuntu. */
const VENDOR_FILE_ORDER: readonly ReleaseFileKind[] = [
  'photon-release',
  'alpine-release',
  'rocky-release',
  'almalinux-release',
  'centos-release',
  'fedora-release',
  'redhat-release',
  'system-release',
  'SuSE-release',
  'debian_version',
];

/** os-release(5): lower-case letters, digits, `.`, `_` and `-`. */
const VALID_ID = /^[a-z0-9._-]+$/;

export function detectDistro(files: readonly ReleaseFile[]): Distro | undefined {
  const candidates = files
    .filter((file) => vendorId(file) !== undefined)
    .sort((a, b) => priority(a) - priority(b));
  const deciding = candidates[0];
  if (!deciding) return undefined;

  const vendor = vendorId(deciding)!;
  const id = CANONICAL_ID[vendor] ?? vendor;
  const { fields } = deciding;
  const distro: Distro = { id, source: deciding.path, fields };

  if (ROLLING_IDS.has(vendor)) distro.rolling = true;
  else {
    const version = versionOf(id, fields, files);
    if (version) distro.version = version;
  }
  const codename = fields.VERSION_CODENAME || fields.UBUNTU_CODENAME;
  if (codename) distro.versionCodename = codename;
  const idLike = (fields.ID_LIKE ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (idLike.length > 0) distro.idLike = idLike;
  const prettyName = fields.PRETTY_NAME || fields.NAME;
  if (prettyName) distro.prettyName = prettyName;
  return distro;
}

function vendorId(file: ReleaseFile): string | undefined {
  const id = file.fields.ID?.trim().toLowerCase();
  return id && VALID_ID.test(id) ? id : undefined;
}

function priority(file: ReleaseFile): number {
  if (file.path === 'etc/os-release') return 0;
  if (file.kind === 'os-release') return 1;
  if (file.kind === 'lsb-release') return 2;
  return 3 + VENDOR_FILE_ORDER.indexOf(file.kind);
}

/**
 * VERSION_ID as written, except: Debian is identified by its major release (`12`, as os-release
 * writes it), which distroless images lacking VERSION_ID only show in debian_version (`12.5`); Alpine's
 * point release comes from alpine-release when os-release lacks it.
 */
function versionOf(
  id: string,
  fields: Record<string, string>,
  files: readonly ReleaseFile[],
): string | undefined {
  const version = fields.VERSION_ID?.trim();
  if (id === 'debian') {
    const full = version || fieldOf(files, 'debian_version', 'VERSION_ID');
    return full?.split('.')[0];
  }
  if (version) return version;
  if (id === 'alpine') return fieldOf(files, 'alpine-release', 'VERSION_ID');
  return undefined;
}

function fieldOf(files: readonly ReleaseFile[], kind: ReleaseFileKind, field: string): string | undefined {
  return files.find((file) => file.kind === kind && file.fields[field])?.fields[field];
}
