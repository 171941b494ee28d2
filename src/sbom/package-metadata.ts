/**
 * Reads the ecosystem details SBOM output needs from `Package.metadata`. The keys analyzers must use:
 * - maven: `groupId`, `artifactId` (otherwise the name is read as `group:artifact`);
 * - golang: `main: 'true'` on the module a binary was built from (as the gobinary analyzer writes it).
 */
import type { PackageRecord } from '../core/types.js';

export interface MavenCoordinates {
  group?: string;
  artifact: string;
}

export function mavenCoordinates(pkg: PackageRecord): MavenCoordinates {
  const colon = pkg.name.indexOf(':');
  const fromName = colon >= 0 ? { group: pkg.name.slice(0, colon), artifact: pkg.name.slice(colon + 1) } : {};
  const group = pkg.metadata?.groupId?.trim() || fromName.group?.trim() || undefined;
  const artifact = pkg.metadata?.artifactId?.trim() || fromName.artifact?.trim() || pkg.name;
  return group ? { group, artifact } : { artifact };
}

/** The module a Go binary was built from, as opposed to the modules it depends on. */
export function isGoMainModule(pkg: PackageRecord): boolean {
  return pkg.type === 'golang' && pkg.metadata?.main === 'true';
}
