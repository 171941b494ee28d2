/**
 * Paths whose mere presence tells who built the image: package-manager binaries (their absence marks
 * distroless images) and vendor markers (Wolfi's secfixes, DHI's SBOM folder).
 */
import type { Analyzer } from '../types.js';

export const DPKG_BINARIES: readonly string[] = ['usr/bin/dpkg', 'bin/dpkg'];

/** Package manager binaries: their absence is what makes an image distroless. */
export const PACKAGE_MANAGERS: readonly string[] = [
  ...DPKG_BINARIES,
  'sbin/apk',
  'usr/bin/apk',
  'bin/rpm',
  'usr/bin/rpm',
  'usr/bin/dnf',
  'usr/bin/microdnf',
  'usr/bin/yum',
];

const MARKER_PATHS: ReadonlySet<string> = new Set([...PACKAGE_MANAGERS, 'etc/secfixes.d/wolfi']);

const DHI_SBOM_DIR = 'opt/docker/sbom';

export const markersAnalyzer: Analyzer = {
  name: 'markers',
  version: 1,
  maxFileSize: 0,
  oversize: 'warn',
  presenceOnly: true,
  wants: (path) => MARKER_PATHS.has(path) || path === DHI_SBOM_DIR || path.startsWith(`${DHI_SBOM_DIR}/`),
  analyze: () => ({ present: true }),
};
