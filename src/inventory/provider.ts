/**
 * Who built the image: a hardened-image vendor (Chainguard, Wolfi, Minimus, Echo, Docker Hardened
 * Images, Photon), a distroless flavour (Google distroless, Ubuntu Chisel), or a traditional distro
 * image. The provider selects advisory feeds, so every decision carries the evidence behind it.
 *
 * Rules are tried in order; the first that matches decides:
 * 1. chainguard — ID=chainguard, or ID=wolfi plus a Chainguard label/annotation or apk.cgr.dev repository;
 * 2. wolfi — ID=wolfi; 3. minimus — ID=minimos; 4. echo — ID=echo;
 * 5. docker-hardened-images `upcoming` — ID=dhi, whatever ID_LIKE says (never fall back to Debian/Alpine);
 * 6. docker-hardened-images `current` — ID=debian/alpine named "Docker Hardened Images", a
 *    `com.docker.dhi.*` label or annotation, or an `opt/docker/sbom` folder;
 * 7. photon — ID=photon;
 * 8. google-distroless — dpkg `status.d` without a dpkg binary, or PRETTY_NAME "Distroless";
 * 9. ubuntu-chisel — a chisel manifest;
 * 10. traditional when a distro was found, unknown otherwise.
 */
import { DPKG_BINARIES, PACKAGE_MANAGERS } from '../analyzers/markers/index.js';
import type { Distro, Evidence, Provider } from '../core/types.js';

export interface ProviderInput {
  distro?: Distro;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** apk repositories configured in the image. */
  repositories: string[];
  /** Visible paths reported by the markers analyzer and the package-database analyzers. */
  present: ReadonlySet<string>;
  hasDpkgStatusD: boolean;
  hasDpkgStatus: boolean;
  hasChiselManifest: boolean;
}

const DHI_SBOM_DIR = 'opt/docker/sbom';
const DHI_NAME = 'Docker Hardened Images';
const CHISEL_MANIFEST = 'var/lib/chisel/manifest.wall';
const CHAINGUARD_REPOSITORY_HOST = 'apk.cgr.dev';
/** OCI labels whose value may name the vendor. */
const VENDOR_LABELS = ['org.opencontainers.image.vendor', 'org.opencontainers.image.url'];

export function detectProvider(input: ProviderInput): Provider {
  const { distro } = input;
  const id = distro?.id;
  const idEvidence = (): Evidence => ({ source: distro!.source, detail: `ID=${distro!.fields.ID ?? id}` });

  if (id === 'chainguard') {
    return { name: 'chainguard', evidence: [idEvidence(), ...chainguardSignals(input)] };
  }
  if (id === 'wolfi') {
    const signals = chainguardSignals(input);
    if (signals.length > 0) return { name: 'chainguard', evidence: [idEvidence(), ...signals] };
    return { name: 'wolfi', evidence: [idEvidence()] };
  }
  if (id === 'minimos') return { name: 'minimus', evidence: [idEvidence()] };
  if (id === 'echo') return { name: 'echo', evidence: [idEvidence()] };
  if (id === 'dhi') {
    return {
      name: 'docker-hardened-images',
      model: 'upcoming',
      evidence: [idEvidence(), ...dhiSignals(input)],
    };
  }

  const dhiEvidence = [...dhiNameSignal(distro), ...dhiSignals(input)];
  if (dhiEvidence.length > 0)
    return { name: 'docker-hardened-images', model: 'current', evidence: dhiEvidence };
  if (id === 'photon') return { name: 'photon', evidence: [idEvidence()] };

  const distroless = distrolessSignals(input);
  if (distroless.length > 0) return { name: 'google-distroless', evidence: distroless };
  if (input.hasChiselManifest) {
    return {
      name: 'ubuntu-chisel',
      evidence: [{ source: CHISEL_MANIFEST, detail: 'chisel manifest present' }],
    };
  }
  if (!distro) return { name: 'unknown', evidence: [] };
  return { name: 'traditional', evidence: [idEvidence(), ...traditionalSignals(input)] };
}

/** Every image label and manifest annotation, with its evidence source name (`label:KEY`). */
function metadata(input: ProviderInput): { source: string; key: string; value: string }[] {
  return [
    ...Object.entries(input.labels).map(([key, value]) => ({ source: `label:${key}`, key, value })),
    ...Object.entries(input.annotations).map(([key, value]) => ({ source: `annotation:${key}`, key, value })),
  ];
}

/** `dev.chainguard.*` labels, OCI vendor/url labels naming Chainguard, Chainguard's apk repository. */
function chainguardSignals(input: ProviderInput): Evidence[] {
  const evidence: Evidence[] = [];
  for (const { source, key, value } of metadata(input)) {
    if (key.startsWith('dev.chainguard.')) evidence.push({ source, detail: value });
    else if (VENDOR_LABELS.includes(key) && /chainguard/i.test(value)) {
      evidence.push({ source, detail: `names Chainguard: ${value}` });
    }
  }
  for (const repository of input.repositories) {
    if (repository.includes(CHAINGUARD_REPOSITORY_HOST)) {
      evidence.push({ source: 'etc/apk/repositories', detail: `Chainguard repository ${repository}` });
    }
  }
  return evidence;
}

/** The current DHI model names itself in os-release on top of ID=debian or ID=alpine. */
function dhiNameSignal(distro: Distro | undefined): Evidence[] {
  if (distro?.id !== 'debian' && distro?.id !== 'alpine') return [];
  const evidence: Evidence[] = [];
  for (const field of ['NAME', 'PRETTY_NAME']) {
    const value = distro.fields[field];
    if (value?.includes(DHI_NAME)) evidence.push({ source: distro.source, detail: `${field}="${value}"` });
  }
  return evidence;
}

/** `com.docker.dhi.*` labels and annotations, and DHI's SBOM folder. */
function dhiSignals(input: ProviderInput): Evidence[] {
  const evidence: Evidence[] = metadata(input)
    .filter(({ key }) => key.startsWith('com.docker.dhi.'))
    .map(({ source, value }) => ({ source, detail: value }));
  const sbomFiles = [...input.present].filter(
    (path) => path === DHI_SBOM_DIR || path.startsWith(`${DHI_SBOM_DIR}/`),
  );
  if (sbomFiles.length > 0) {
    evidence.push({ source: DHI_SBOM_DIR, detail: `DHI SBOM folder present (${sbomFiles.length} entries)` });
  }
  return evidence;
}

function distrolessSignals(input: ProviderInput): Evidence[] {
  const evidence: Evidence[] = [];
  const prettyName = input.distro?.fields.PRETTY_NAME;
  if (prettyName && /distroless/i.test(prettyName)) {
    evidence.push({ source: input.distro!.source, detail: `PRETTY_NAME="${prettyName}"` });
  }
  const hasDpkgBinary = DPKG_BINARIES.some((path) => input.present.has(path));
  if (input.hasDpkgStatusD && !hasDpkgBinary) {
    evidence.push({ source: 'var/lib/dpkg/status.d', detail: 'per-package dpkg status files' });
    evidence.push({ source: DPKG_BINARIES[0]!, detail: 'absent: no package manager' });
  }
  return evidence;
}

/** The package manager and database found, for the record. */
function traditionalSignals(input: ProviderInput): Evidence[] {
  const evidence = PACKAGE_MANAGERS.filter((path) => input.present.has(path)).map((path) => ({
    source: path,
    detail: 'package manager present',
  }));
  if (input.hasDpkgStatus) evidence.push({ source: 'var/lib/dpkg/status', detail: 'dpkg database present' });
  return evidence;
}
