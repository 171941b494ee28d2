/**
 * CycloneDX 1.6 JSON: the image as the BOM's subject, one operating-system component, one component per
 * package, keelson's facts as `keelson:*` properties, and a dependency graph image → OS → OS packages,
 * image → language packages.
 */
import { type Distro, type Inventory, OS_PACKAGE_TYPES, type Package } from '../core/types.js';
import { documentTimestamp, documentUuid, imageName, type RenderOptions } from './document.js';
import { packageIdentity, shortHash, UniqueIds } from './ids.js';
import { allOf, parseLicenseExpression } from './license-expression.js';
import { isGoMainModule, mavenCoordinates } from './package-metadata.js';
import { imageProperties, type Property, packageProperties } from './properties.js';

type CdxLicense = { license: { id: string } | { name: string } } | { expression: string };

interface CdxComponent {
  type: 'application' | 'library' | 'container' | 'operating-system';
  'bom-ref': string;
  supplier?: { name: string };
  group?: string;
  name: string;
  version?: string;
  description?: string;
  licenses?: CdxLicense[];
  purl?: string;
  properties?: { name: string; value: string }[];
}

export function renderCycloneDx(inv: Inventory, opts: RenderOptions): string {
  return `${JSON.stringify(cycloneDxBom(inv, opts).bom, null, 2)}\n`;
}

/**
 * The same document as CycloneDX 1.5 (tools as the 1.5 array), for consumers that do not read 1.6 yet:
 * the Trivy 0.44 build measured in BENCHMARKS.md rejects 1.6 documents but reads this one.
 */
export function renderCycloneDx15(inv: Inventory, opts: RenderOptions): string {
  return `${JSON.stringify(cycloneDxBom(inv, opts, '1.5').bom, null, 2)}\n`;
}

/**
 * The BOM as an object, with each inventory package's bom-ref (same order as `inv.packages`), so the
 * scan report can add vulnerabilities that point at the components.
 */
export function cycloneDxBom(
  inv: Inventory,
  opts: RenderOptions,
  specVersion: '1.6' | '1.5' = '1.6',
): { bom: Record<string, unknown>; packageRefs: string[] } {
  const refs = new UniqueIds();
  const image: CdxComponent = {
    type: 'container',
    'bom-ref': refs.take(`image:${inv.image.manifestDigest ?? inv.image.configDigest ?? imageName(inv)}`),
    name: imageName(inv),
    ...(inv.image.manifestDigest ? { version: inv.image.manifestDigest } : {}),
    properties: toProperties(imageProperties(inv)),
  };
  const os = inv.distro && osComponent(inv.distro, refs);
  const packages = packageComponents(inv.packages, refs);
  const osPackageRefs: string[] = [];
  const imageDependsOn: string[] = os ? [os['bom-ref']] : [];
  inv.packages.forEach((pkg, i) => {
    const ref = packages[i]!['bom-ref'];
    if (os && OS_PACKAGE_TYPES.has(pkg.type)) osPackageRefs.push(ref);
    else imageDependsOn.push(ref);
  });
  const bom = {
    $schema: `http://cyclonedx.org/schema/bom-${specVersion}.schema.json`,
    bomFormat: 'CycloneDX',
    specVersion,
    serialNumber: `urn:uuid:${documentUuid(opts)}`,
    version: 1,
    metadata: {
      timestamp: documentTimestamp(opts),
      tools:
        specVersion === '1.6'
          ? { components: [{ type: 'application', name: 'keelson', version: opts.toolVersion }] }
          : [{ vendor: 'keelson', name: 'keelson', version: opts.toolVersion }],
      component: image,
    },
    components: os ? [os, ...packages] : packages,
    dependencies: [
      { ref: image['bom-ref'], dependsOn: imageDependsOn },
      ...(os ? [{ ref: os['bom-ref'], dependsOn: osPackageRefs }] : []),
    ],
  };
  return { bom, packageRefs: packages.map((p) => p['bom-ref']) };
}

function osComponent(distro: Distro, refs: UniqueIds): CdxComponent {
  return {
    type: 'operating-system',
    'bom-ref': refs.take(`os:${distro.id}${distro.version ? `@${distro.version}` : ''}`),
    name: distro.id,
    ...(distro.version ? { version: distro.version } : {}),
    ...(distro.prettyName ? { description: distro.prettyName } : {}),
    properties: toProperties([['keelson:distro:source', distro.source]]),
  };
}

function packageComponents(packages: Package[], refs: UniqueIds): CdxComponent[] {
  const purlCounts = new Map<string, number>();
  for (const pkg of packages) purlCounts.set(pkg.purl, (purlCounts.get(pkg.purl) ?? 0) + 1);
  return packages.map((pkg) => {
    // The purl is the readable ref; packages sharing one (copies at two paths) add their location.
    const base = pkg.purl || `package:${shortHash(...packageIdentity(pkg))}`;
    const ref = refs.take(purlCounts.get(pkg.purl) === 1 && pkg.purl ? base : `${base}|${pkg.location}`);
    return packageComponent(pkg, ref);
  });
}

function packageComponent(pkg: Package, ref: string): CdxComponent {
  const maven = pkg.type === 'maven' ? mavenCoordinates(pkg) : undefined;
  const supplier = pkg.supplier?.trim();
  const licenses = cycloneDxLicenses(pkg.licenses ?? []);
  return {
    type: isGoMainModule(pkg) ? 'application' : 'library',
    'bom-ref': ref,
    ...(supplier ? { supplier: { name: supplier } } : {}),
    ...(maven?.group ? { group: maven.group } : {}),
    name: maven ? maven.artifact : pkg.name,
    ...(pkg.version ? { version: pkg.version } : {}),
    ...(licenses.length > 0 ? { licenses } : {}),
    ...(pkg.purl ? { purl: pkg.purl } : {}),
    properties: toProperties([...packageProperties(pkg), ...trivySourceProperties(pkg)]),
  };
}

/**
 * CycloneDX takes either a list of licences (SPDX ids or free-text names) or exactly one SPDX
 * expression. Declared strings that are all valid expressions, one of them compound, become a single
 * expression joined with AND (every declared licence applies); otherwise each string is an id or a name.
 */
export function cycloneDxLicenses(declared: readonly string[]): CdxLicense[] {
  const strings = [...new Set(declared.map((text) => text.trim()).filter((text) => text !== ''))];
  const parsed = strings.map((text) => parseLicenseExpression(text));
  const compound = parsed.some((expression) => expression && !expression.licenseId);
  if (compound && parsed.every((expression) => expression !== undefined)) {
    return [{ expression: allOf(parsed.map((expression) => expression!.text)) }];
  }
  return strings.map((text, i) => {
    const id = parsed[i]?.licenseId;
    return id ? { license: { id } } : { license: { name: text } };
  });
}

function toProperties(properties: Property[]): { name: string; value: string }[] {
  return properties.map(([name, value]) => ({ name, value }));
}

/**
 * Trivy's own properties for an OS package's source package (registered in the CycloneDX property
 * taxonomy): `trivy sbom` looks OS packages up by these, and without them misses every binary package
 * whose name differs from its source's (libssl3 of openssl). Measured by `npm run bench:interop`.
 */
function trivySourceProperties(pkg: Package): Property[] {
  if (!pkg.source || !OS_PACKAGE_TYPES.has(pkg.type)) return [];
  return [
    ['aquasecurity:trivy:SrcName', pkg.source.name],
    ['aquasecurity:trivy:SrcVersion', pkg.source.version ?? pkg.version],
  ];
}
