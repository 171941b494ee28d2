/**
 * The plain data that flows through keelson: image → layer facts → inventory. No behaviour here.
 */

/** Package ecosystems keelson inventories. The value doubles as the purl type where one exists. */
/** `dhi`: a runtime Docker builds for its hardened images (`pkg:dhi/python@3.14.3`), listed by DHI's SBOM shim. */
export type PackageType = 'apk' | 'deb' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven' | 'gem' | 'dhi';

export const OS_PACKAGE_TYPES: ReadonlySet<PackageType> = new Set(['apk', 'deb', 'rpm']);

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface LayerRef {
  /** Position among the image's non-empty layers (0 = bottom). */
  index: number;
  /** Digest of the blob as stored (compressed), when the source has one. */
  digest?: string;
  /** Digest of the uncompressed tar (from the image config). */
  diffID: string;
  mediaType?: string;
  /** Size of the stored blob in bytes, when known. */
  size?: number;
  /** The history entry that created this layer (`created_by`). */
  createdBy?: string;
  created?: string;
  comment?: string;
}

export interface HistoryEntry {
  created?: string;
  createdBy?: string;
  comment?: string;
  emptyLayer: boolean;
}

export interface ImageConfigSummary {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  labels: Record<string, string>;
  user?: string;
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  history: HistoryEntry[];
  diffIDs: string[];
}

/** Which layer introduced a package's current version, and whether that layer belongs to the base image. */
export interface LayerAttribution {
  index: number;
  diffID: string;
  createdBy?: string;
  /** undefined when the base/app boundary is unknown. */
  base?: boolean;
}

export interface Package {
  name: string;
  /** Version as the ecosystem writes it; deb and rpm carry a non-zero epoch as `E:` prefix. */
  version: string;
  type: PackageType;
  arch?: string;
  /** rpm: the epoch, kept apart for package URLs. */
  epoch?: number;
  /** The name advisories use: apk origin (`o:`), dpkg `Source:`, rpm SOURCERPM name. */
  source?: { name: string; version?: string };
  licenses?: string[];
  /** Vendor / maintainer / supplier as the package metadata states it. */
  supplier?: string;
  /** Path (no leading slash) of the file that declared the package: DB, manifest, archive or binary. */
  location: string;
  purl: string;
  layer?: LayerAttribution;
  /** Name of the analyzer that found it. */
  foundBy: string;
  /** Ecosystem-specific details (e.g. maven groupId, go main module, rpm modularity label). */
  metadata?: Record<string, string>;
  /** Files the package owns (OS packages); used to avoid reporting language packages twice. */
  files?: string[];
}

/** A package as an analyzer reports it: the package URL and layer are filled in when the inventory is built. */
export type PackageRecord = Omit<Package, 'purl' | 'layer'>;

export interface Distro {
  /** Normalised distro id: debian, ubuntu, alpine, rhel, centos, rocky, alma, fedora, amazon, azurelinux,
   * cbl-mariner, sles, opensuse, photon, wolfi, chainguard, minimos, echo, dhi … */
  id: string;
  /** Version as the vendor writes it (`12`, `3.20.1`, `5.0`); empty for rolling distros. */
  version?: string;
  versionCodename?: string;
  idLike?: string[];
  prettyName?: string;
  /** True for rolling distributions whose VERSION_ID must not be used for matching. */
  rolling?: boolean;
  /** Which file decided it, e.g. `etc/os-release`. */
  source: string;
  /** The raw fields of the deciding file. */
  fields: Record<string, string>;
}

export type ProviderName =
  | 'chainguard'
  | 'wolfi'
  | 'minimus'
  | 'echo'
  | 'docker-hardened-images'
  | 'photon'
  | 'google-distroless'
  | 'ubuntu-chisel'
  | 'traditional'
  | 'unknown';

export interface Evidence {
  /** Where the evidence came from: a file path, `label:NAME`, `annotation:NAME`, `package:NAME`. */
  source: string;
  /** What it says, in a few words. */
  detail: string;
}

export interface Provider {
  name: ProviderName;
  /** DHI: `current` (ID=debian/alpine + VEX) or `upcoming` (ID=dhi + OSV). */
  model?: string;
  evidence: Evidence[];
}

export interface Warning {
  code: string;
  message: string;
  layer?: string;
  file?: string;
}

export interface BaseBoundary {
  /** Number of bottom layers that belong to the base image (0..layers.length). */
  layerCount: number;
  method: 'base-image' | 'dhi-chain-id' | 'oci-base-annotation' | 'history-heuristic';
  detail: string;
}

export interface ImageIdentity {
  /** What the user asked for (path or reference). */
  target: string;
  /** How it was read: docker-archive, oci-archive, oci-layout, rootfs, registry, sbom. */
  sourceType: string;
  /** Fully qualified reference for registry images. */
  reference?: string;
  manifestDigest?: string;
  configDigest?: string;
  platform?: Platform;
  annotations: Record<string, string>;
}

export interface Inventory {
  schemaVersion: 1;
  image: ImageIdentity;
  config: ImageConfigSummary;
  layers: LayerRef[];
  distro?: Distro;
  provider: Provider;
  base?: BaseBoundary;
  packages: Package[];
  /** Repository URLs from `etc/apk/repositories` (they name the Alpine release advisories are matched for). */
  apkRepositories?: string[];
  /** Embedded SBOM documents found in the image, with how many packages each contributed. */
  embeddedSboms: { path: string; format: string; packages: number; merged: number }[];
  warnings: Warning[];
  /** False when part of the image could not be read (e.g. a broken package DB): never a silent "no packages". */
  complete: boolean;
  /** Layer facts served from cache vs computed. */
  stats: { layersFromCache: number; layersAnalyzed: number; bytesRead: number };
}
