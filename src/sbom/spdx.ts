/**
 * SPDX 2.3 JSON: the image (CONTAINER), its operating system and every package, keelson's facts as
 * annotations, and relationships DOCUMENT DESCRIBES image, image CONTAINS OS, OS CONTAINS OS packages,
 * image CONTAINS language packages.
 */
import { type Distro, type Inventory, OS_PACKAGE_TYPES, type Package } from '../core/types.js';
import { documentTimestamp, documentUuid, imageName, type RenderOptions } from './document.js';
import { packageIdentity, shortHash, spdxIdString, UniqueIds } from './ids.js';
import { allOf, parseLicenseExpression } from './license-expression.js';
import { isGoMainModule } from './package-metadata.js';
import { imageProperties, type Property, packageProperties } from './properties.js';
import { SPDX_LICENSE_LIST_VERSION } from './spdx-license-ids.js';

const NOASSERTION = 'NOASSERTION';
const DOCUMENT_ID = 'SPDXRef-DOCUMENT';

interface SpdxAnnotation {
  annotationDate: string;
  annotationType: 'OTHER';
  annotator: string;
  comment: string;
}

export interface SpdxExternalRef {
  referenceCategory: 'PACKAGE-MANAGER' | 'SECURITY';
  referenceType: string;
  referenceLocator: string;
}

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  supplier: string;
  downloadLocation: string;
  filesAnalyzed: false;
  licenseConcluded: string;
  licenseDeclared: string;
  description?: string;
  externalRefs?: SpdxExternalRef[];
  primaryPackagePurpose: 'CONTAINER' | 'OPERATING_SYSTEM' | 'LIBRARY' | 'APPLICATION';
  annotations: SpdxAnnotation[];
}

interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: 'DESCRIBES' | 'CONTAINS';
  relatedSpdxElement: string;
}

export function renderSpdx(inv: Inventory, opts: RenderOptions): string {
  return `${JSON.stringify(spdxDocument(inv, opts).document, null, 2)}\n`;
}

/**
 * The document as an object, with each inventory package's SPDX package (same order as `inv.packages`), so
 * the scan report can add security references to them.
 */
export function spdxDocument(
  inv: Inventory,
  opts: RenderOptions,
): { document: Record<string, unknown>; packages: SpdxPackage[] } {
  const created = documentTimestamp(opts);
  const tool = `Tool: keelson-${opts.toolVersion}`;
  const annotate = (properties: Property[]): SpdxAnnotation[] =>
    properties.map(([name, value]) => ({
      annotationDate: created,
      annotationType: 'OTHER',
      annotator: tool,
      comment: `${name}=${value}`,
    }));
  const ids = new UniqueIds();
  ids.take(DOCUMENT_ID);
  const licenseRefs = new ExtractedLicenses();

  const image: SpdxPackage = {
    ...unassertedPackage(ids.take('SPDXRef-Image'), imageName(inv), inv.image.manifestDigest),
    primaryPackagePurpose: 'CONTAINER',
    annotations: annotate(imageProperties(inv)),
  };
  const os = inv.distro && osPackage(inv.distro, ids.take('SPDXRef-OperatingSystem'), annotate);
  const packages = inv.packages.map((pkg) => {
    const id = ids.take(packageSpdxId(pkg));
    return {
      ...unassertedPackage(id, pkg.name, pkg.version),
      supplier: supplierField(pkg.supplier),
      licenseDeclared: declaredLicense(pkg.licenses ?? [], licenseRefs),
      ...(pkg.purl ? { externalRefs: [purlReference(pkg.purl)] } : {}),
      primaryPackagePurpose: isGoMainModule(pkg) ? 'APPLICATION' : 'LIBRARY',
      annotations: annotate(packageProperties(pkg)),
    } satisfies SpdxPackage;
  });

  const relationships: SpdxRelationship[] = [
    { spdxElementId: DOCUMENT_ID, relationshipType: 'DESCRIBES', relatedSpdxElement: image.SPDXID },
    ...(os ? [contains(image, os)] : []),
    ...inv.packages.map((pkg, i) =>
      contains(os && OS_PACKAGE_TYPES.has(pkg.type) ? os : image, packages[i]!),
    ),
  ];

  const extracted = licenseRefs.declarations();
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: DOCUMENT_ID,
    name: imageName(inv),
    documentNamespace: `urn:uuid:${documentUuid(opts)}`,
    creationInfo: {
      created,
      creators: [tool],
      licenseListVersion: SPDX_LICENSE_LIST_VERSION.split('.').slice(0, 2).join('.'),
    },
    packages: os ? [image, os, ...packages] : [image, ...packages],
    relationships,
    ...(extracted.length > 0 ? { hasExtractedLicensingInfos: extracted } : {}),
  };
  return { document, packages };
}

function contains(parent: SpdxPackage, child: SpdxPackage): SpdxRelationship {
  return { spdxElementId: parent.SPDXID, relationshipType: 'CONTAINS', relatedSpdxElement: child.SPDXID };
}

function purlReference(purl: string) {
  return { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl } as const;
}

/** The fields keelson does not assert for any package: where to download it, what licence was concluded. */
function unassertedPackage(SPDXID: string, name: string, version?: string) {
  return {
    SPDXID,
    name,
    ...(version ? { versionInfo: version } : {}),
    supplier: NOASSERTION,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false as const,
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
  };
}

function osPackage(
  distro: Distro,
  id: string,
  annotate: (properties: Property[]) => SpdxAnnotation[],
): SpdxPackage {
  return {
    ...unassertedPackage(id, distro.id, distro.version),
    ...(distro.prettyName ? { description: distro.prettyName } : {}),
    primaryPackagePurpose: 'OPERATING_SYSTEM',
    annotations: annotate([['keelson:distro:source', distro.source]]),
  };
}

/** `SPDXRef-Package-<type>-<name>-<hash>`: readable, and the hash keeps odd names that clean up alike apart. */
function packageSpdxId(pkg: Package): string {
  const readable = [spdxIdString(pkg.type, 16), spdxIdString(pkg.name)].filter((part) => part !== '');
  return ['SPDXRef-Package', ...readable, shortHash(...packageIdentity(pkg))].join('-');
}

function supplierField(supplier: string | undefined): string {
  const name = supplier?.replace(/\s+/g, ' ').trim();
  return name ? `Organization: ${name}` : NOASSERTION;
}

/**
 * Declared licences joined with AND: valid SPDX expressions as they are, anything else (and expressions
 * using their own LicenseRefs, which this document cannot define) as a LicenseRef declared here.
 */
function declaredLicense(declared: readonly string[], licenseRefs: ExtractedLicenses): string {
  const strings = [...new Set(declared.map((text) => text.trim()).filter((text) => text !== ''))];
  if (strings.length === 0) return NOASSERTION;
  return allOf(
    strings.map((text) => {
      const expression = parseLicenseExpression(text);
      return expression && !expression.hasLicenseRefs ? expression.text : licenseRefs.refFor(text);
    }),
  );
}

const MAX_LICENSE_NAME = 128;
/** A bare `LicenseRef-…` from package metadata keeps its id; the document then declares it. */
const LICENSE_REF = /^LicenseRef-[A-Za-z0-9.-]+$/;

/** Licence texts that are not SPDX expressions, each given one `LicenseRef-` id for the document. */
class ExtractedLicenses {
  private readonly byText = new Map<string, string>();
  private readonly ids = new UniqueIds();

  refFor(text: string): string {
    const known = this.byText.get(text);
    if (known) return known;
    const id = this.ids.take(LICENSE_REF.test(text) ? text : `LicenseRef-${this.idString(text)}`);
    this.byText.set(text, id);
    return id;
  }

  /** The text itself when it is already clean, else its clean part and a hash that tells such texts apart. */
  private idString(text: string): string {
    const readable = spdxIdString(text);
    if (readable === text) return readable;
    return readable ? `${readable}-${shortHash(text)}` : shortHash(text);
  }

  declarations(): { licenseId: string; extractedText: string; name: string }[] {
    return [...this.byText].map(([text, licenseId]) => {
      const characters = Array.from(text);
      const name =
        characters.length > MAX_LICENSE_NAME
          ? `${characters.slice(0, MAX_LICENSE_NAME - 1).join('')}…`
          : text;
      return { licenseId, extractedText: text, name };
    });
  }
}
