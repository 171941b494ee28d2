/**
 * SPDX 2.x and CycloneDX JSON, read leniently: real generators write numbers for versions, omit
 * fields the spec requires and add their own. One unreadable package is counted, not fatal.
 */
import type { z } from 'zod';
import { lazy, zod } from '../../core/lazy.js';
import type { ComponentInfo } from './purl.js';

/** The schemas, built on first use (see core/lazy-zod). */
const buildSchemas = () => {
  const { z } = zod();
  /** A string, or a number some tools write where a string belongs; anything else, or nothing, is undefined. */
  const text = z
    .unknown()
    .transform((v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined))
    .optional();

  const SpdxExternalRef = z.object({ referenceType: text, referenceLocator: text }).loose();
  const SpdxPackage = z
    .object({
      versionInfo: text,
      supplier: text,
      licenseDeclared: text,
      licenseConcluded: text,
      externalRefs: z.array(z.unknown()).optional(),
    })
    .loose();
  const SpdxDocument = z
    .object({ spdxVersion: z.string().startsWith('SPDX-2'), packages: z.array(z.unknown()).optional() })
    .loose();

  const CdxLicenseChoice = z
    .object({ expression: text, license: z.object({ id: text, name: text }).loose().optional() })
    .loose();
  const CdxComponent = z
    .object({
      version: text,
      purl: text,
      publisher: text,
      supplier: z.object({ name: text }).loose().optional(),
      licenses: z.array(z.unknown()).optional(),
      components: z.array(z.unknown()).optional(),
    })
    .loose();
  const CycloneDxDocument = z
    .object({ bomFormat: z.literal('CycloneDX'), components: z.array(z.unknown()).optional() })
    .loose();

  return { SpdxExternalRef, SpdxPackage, SpdxDocument, CdxLicenseChoice, CdxComponent, CycloneDxDocument };
};
export const schemas = lazy(buildSchemas);
type Schemas = ReturnType<typeof buildSchemas>;
export type SpdxDocument = z.infer<Schemas['SpdxDocument']>;
export type CycloneDxDocument = z.infer<Schemas['CycloneDxDocument']>;

/** Components walked per document, nested ones included: bounds work on hostile input. */
const MAX_COMPONENTS = 200_000;

export interface ComponentList {
  /** Components that carry a package URL; the others cannot be identified and are left out. */
  components: ComponentInfo[];
  /** Entries that were not objects of the expected shape. */
  unreadable: number;
  /** More than MAX_COMPONENTS entries: the rest were not read. */
  truncated: boolean;
}

export function spdxComponents(doc: SpdxDocument): ComponentList {
  const components: ComponentInfo[] = [];
  let unreadable = 0;
  const entries = doc.packages ?? [];
  for (const entry of entries.slice(0, MAX_COMPONENTS)) {
    const pkg = schemas().SpdxPackage.safeParse(entry);
    if (!pkg.success) {
      unreadable++;
      continue;
    }
    const purl = spdxPurl(pkg.data.externalRefs ?? []);
    if (!purl) continue;
    const license = meaningful(pkg.data.licenseDeclared) ?? meaningful(pkg.data.licenseConcluded);
    const supplier = meaningful(pkg.data.supplier)?.replace(/^(Organization|Person|Tool):\s*/, '');
    components.push(component(purl, pkg.data.versionInfo, license ? [license] : [], supplier));
  }
  return { components, unreadable, truncated: entries.length > MAX_COMPONENTS };
}

export function cycloneDxComponents(doc: CycloneDxDocument): ComponentList {
  const components: ComponentInfo[] = [];
  let unreadable = 0;
  // Depth-first with an explicit stack: nesting depth is the document's to choose, not ours.
  const pending: unknown[] = [...(doc.components ?? [])].reverse();
  let walked = 0;
  while (pending.length > 0 && walked++ < MAX_COMPONENTS) {
    const parsed = schemas().CdxComponent.safeParse(pending.pop());
    if (!parsed.success) {
      unreadable++;
      continue;
    }
    const { data } = parsed;
    for (const child of [...(data.components ?? [])].reverse()) pending.push(child);
    if (!data.purl) continue;
    const licenses = (data.licenses ?? []).flatMap((choice) => cdxLicense(choice) ?? []);
    components.push(component(data.purl, data.version, licenses, data.supplier?.name ?? data.publisher));
  }
  return { components, unreadable, truncated: pending.length > 0 };
}

function component(
  purl: string,
  version?: string,
  licenses: string[] = [],
  supplier?: string,
): ComponentInfo {
  const info: ComponentInfo = { purl };
  if (version) info.version = version;
  if (licenses.length > 0) info.licenses = licenses;
  if (supplier) info.supplier = supplier;
  return info;
}

function spdxPurl(refs: unknown[]): string | undefined {
  for (const ref of refs) {
    const parsed = schemas().SpdxExternalRef.safeParse(ref);
    if (
      parsed.success &&
      parsed.data.referenceType?.toLowerCase() === 'purl' &&
      parsed.data.referenceLocator
    ) {
      return parsed.data.referenceLocator;
    }
  }
  return undefined;
}

function cdxLicense(choice: unknown): string | undefined {
  const parsed = schemas().CdxLicenseChoice.safeParse(choice);
  if (!parsed.success) return undefined;
  return parsed.data.expression ?? parsed.data.license?.id ?? parsed.data.license?.name;
}

/** SPDX's placeholders for "no information". */
function meaningful(value: string | undefined): string | undefined {
  return value && value !== 'NOASSERTION' && value !== 'NONE' ? value : undefined;
}
