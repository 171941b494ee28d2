import { hasJavaArchiveExtension } from './archive-name.js';
import { parseManifest } from './manifest.js';
import { parseProperties } from './properties.js';

/** How an archive's package was recognised, most reliable first. */
export type IdentifiedBy = 'pom.properties' | 'manifest' | 'filename';

export interface JavaIdentity {
  /** `groupId:artifactId` when the group is known, else the artifact name. */
  name: string;
  version: string;
  supplier?: string;
  metadata: Record<string, string>;
}

/** What one archive level offers to identify its packages. */
export interface ArchiveEvidence {
  pomProperties: string[];
  manifest?: string;
  fileName: string;
}

/**
 * Every `pom.properties` names a package (a shaded jar carries several); only without one does the
 * manifest, and then the file name, identify the archive itself.
 */
export function identifyArchive(evidence: ArchiveEvidence): JavaIdentity[] {
  const fromPoms = new Map<string, JavaIdentity>();
  for (const text of evidence.pomProperties) {
    const identity = fromPomProperties(text);
    if (identity) fromPoms.set(`${identity.name}@${identity.version}`, identity);
  }
  if (fromPoms.size > 0) return [...fromPoms.values()];
  const identity =
    (evidence.manifest !== undefined ? fromManifest(evidence.manifest) : undefined) ??
    fromFileName(evidence.fileName);
  return identity ? [identity] : [];
}

function fromPomProperties(text: string): JavaIdentity | undefined {
  const properties = parseProperties(text);
  const groupId = properties.get('groupId');
  const artifactId = properties.get('artifactId');
  const version = properties.get('version');
  if (!groupId || !artifactId || !version) return undefined;
  return {
    name: `${groupId}:${artifactId}`,
    version,
    metadata: { groupId, artifactId, identifiedBy: 'pom.properties' },
  };
}

function fromManifest(text: string): JavaIdentity | undefined {
  const attributes = parseManifest(text);
  const vendor = attributes.get('implementation-vendor') || attributes.get('bundle-vendor') || undefined;
  const supplier = vendor ? { supplier: vendor } : {};
  const title = attributes.get('implementation-title');
  const version = attributes.get('implementation-version');
  if (title && version) {
    const groupId = attributes.get('implementation-vendor-id');
    return {
      name: groupId ? `${groupId}:${title}` : title,
      version,
      ...supplier,
      metadata: { ...(groupId ? { groupId } : {}), artifactId: title, identifiedBy: 'manifest' },
    };
  }
  // `Bundle-SymbolicName: org.example.core;singleton:=true` carries OSGi directives after the name.
  const symbolicName = attributes.get('bundle-symbolicname')?.split(';')[0]?.trim();
  const bundleVersion = attributes.get('bundle-version');
  if (symbolicName && bundleVersion) {
    return {
      name: symbolicName,
      version: bundleVersion,
      ...supplier,
      metadata: { artifactId: symbolicName, identifiedBy: 'manifest' },
    };
  }
  return undefined;
}

/** `-` followed by a digit: where a version may start (`guava-31.1-jre`, `log4j-1.2-api-2.17.1`). */
const VERSION_START = /-(?=\d)/g;
const MAJOR_MINOR_AT = /\d+\.\d+/y;

/**
 * `artifact-1.2.3.jar`. Artifact names may contain `-<digit>` themselves (`log4j-1.2-api-2.17.1`), so the
 * last split whose version reads `major.minor…` wins; failing that, the first `-<digit>`.
 */
export function fromFileName(fileName: string): JavaIdentity | undefined {
  const base = hasJavaArchiveExtension(fileName) ? fileName.slice(0, -4) : fileName;
  const starts = [...base.matchAll(VERSION_START)].map((match) => match.index);
  const versioned = starts.filter((at) => {
    MAJOR_MINOR_AT.lastIndex = at + 1;
    return MAJOR_MINOR_AT.test(base);
  });
  const at = versioned.at(-1) ?? starts[0];
  if (at === undefined || at === 0) return undefined;
  const artifactId = base.slice(0, at);
  return {
    name: artifactId,
    version: base.slice(at + 1),
    metadata: { artifactId, identifiedBy: 'filename' },
  };
}
