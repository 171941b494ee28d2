/**
 * An SBOM file as a scan TARGET: CycloneDX (1.4–1.6 JSON) or SPDX (2.2/2.3 JSON), written by keelson or by
 * another tool (Trivy, Syft). Packages come from package URLs through the same mapping the embedded-SBOM
 * analyzer uses, so names, sources and purls match what keelson finds in an image itself.
 */
import { readFile, stat } from 'node:fs/promises';
import { PackageURL } from 'packageurl-js';
import { recordFromPurl } from '../analyzers/embedded-sbom/purl.js';
import { KeelsonError } from '../core/errors.js';
import type {
  BaseBoundary,
  Distro,
  Inventory,
  LayerRef,
  Package,
  Provider,
  ProviderName,
  Warning,
} from '../core/types.js';
import { packageUrl } from '../sbom/purl.js';

export const MAX_SBOM_BYTES = 256 * 1024 * 1024;
/** Property values longer than this are not keelson's facts but noise (or hostile): ignored. */
const MAX_VALUE = 4096;
const MAX_NESTING = 64;

type Properties = Map<string, string[]>;

interface Candidate {
  purl: string;
  version?: string;
  licenses?: string[];
  supplier?: string;
  props: Properties;
}

interface Parsed {
  format: string;
  image: Properties;
  os?: { name: string; version?: string; props: Properties };
  candidates: Candidate[];
  /** Components that are not the OS or the image and have no purl at all. */
  withoutPurl: number;
}

/** Reads an SBOM file under the size cap and inventories it. */
export async function inventoryFromSbomFile(path: string, target = path): Promise<Inventory> {
  const st = await stat(path);
  if (st.size > MAX_SBOM_BYTES) {
    throw new KeelsonError(
      'FILE_TOO_LARGE',
      `SBOM ${path} is ${st.size} bytes, over the ${MAX_SBOM_BYTES}-byte limit`,
      { file: path },
    );
  }
  const inventory = inventoryFromSbom(path, await readFile(path));
  inventory.image.target = target;
  return inventory;
}

/** The inventory an SBOM document describes. Pure: `path` only names the file in errors and locations. */
export function inventoryFromSbom(path: string, bytes: Uint8Array): Inventory {
  if (bytes.byteLength > MAX_SBOM_BYTES) {
    throw new KeelsonError('FILE_TOO_LARGE', `SBOM ${path} is over the ${MAX_SBOM_BYTES}-byte limit`, {
      file: path,
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new KeelsonError('PARSE_ERROR', `SBOM ${path} is not valid UTF-8 JSON: ${(err as Error).message}`, {
      file: path,
    });
  }
  if (!isObject(doc))
    throw new KeelsonError('PARSE_ERROR', `SBOM ${path}: not a JSON object`, { file: path });
  let parsed: Parsed;
  if (doc.bomFormat === 'CycloneDX') parsed = parseCycloneDx(doc, path);
  else if (typeof doc.spdxVersion === 'string') parsed = parseSpdx(doc, path);
  else {
    throw new KeelsonError(
      'PARSE_ERROR',
      `${path} is neither a CycloneDX SBOM (bomFormat) nor an SPDX SBOM (spdxVersion)`,
      { file: path },
    );
  }
  return assembleInventory(path, parsed);
}

function parseCycloneDx(doc: Record<string, unknown>, path: string): Parsed {
  if (doc.components !== undefined && !Array.isArray(doc.components)) {
    throw new KeelsonError('PARSE_ERROR', `CycloneDX SBOM ${path}: "components" is not an array`, {
      file: path,
    });
  }
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  const subject = isObject(metadata.component) ? metadata.component : {};
  const parsed: Parsed = {
    format: `CycloneDX ${str(doc.specVersion) ?? ''}`.trim(),
    image: cdxProperties(subject.properties),
    candidates: [],
    withoutPurl: 0,
  };
  // Depth-first without recursion: nested components (Syft, Trivy aggregates) may be deep.
  const stack: { value: unknown; depth: number }[] = ((doc.components as unknown[] | undefined) ?? [])
    .map((value) => ({ value, depth: 0 }))
    .reverse();
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (!isObject(value)) {
      parsed.withoutPurl++;
      continue;
    }
    if (Array.isArray(value.components) && depth < MAX_NESTING) {
      for (let i = value.components.length - 1; i >= 0; i--) {
        stack.push({ value: value.components[i], depth: depth + 1 });
      }
    }
    const name = str(value.name);
    if (value.type === 'operating-system') {
      if (name && !parsed.os) {
        const version = str(value.version);
        parsed.os = { name, ...(version ? { version } : {}), props: cdxProperties(value.properties) };
      }
      continue;
    }
    const purl = str(value.purl);
    if (!purl) {
      if (value.type !== 'container') parsed.withoutPurl++;
      continue;
    }
    const version = str(value.version);
    const licenses = cdxLicenses(value.licenses);
    const supplier = isObject(value.supplier) ? str(value.supplier.name) : undefined;
    parsed.candidates.push({
      purl,
      ...(version ? { version } : {}),
      ...(licenses.length ? { licenses } : {}),
      ...(supplier ? { supplier } : {}),
      props: cdxProperties(value.properties),
    });
  }
  return parsed;
}

function parseSpdx(doc: Record<string, unknown>, path: string): Parsed {
  if (doc.packages !== undefined && !Array.isArray(doc.packages)) {
    throw new KeelsonError('PARSE_ERROR', `SPDX SBOM ${path}: "packages" is not an array`, { file: path });
  }
  const parsed: Parsed = {
    format: str(doc.spdxVersion) ?? 'SPDX',
    image: new Map(),
    candidates: [],
    withoutPurl: 0,
  };
  for (const value of (doc.packages as unknown[] | undefined) ?? []) {
    if (!isObject(value)) {
      parsed.withoutPurl++;
      continue;
    }
    const props = spdxAnnotations(value.annotations);
    const purpose = str(value.primaryPackagePurpose)?.replace(/_/g, '-');
    const name = str(value.name);
    if (purpose === 'OPERATING-SYSTEM') {
      if (name && !parsed.os) {
        const version = str(value.versionInfo);
        parsed.os = { name, ...(version ? { version } : {}), props };
      }
      continue;
    }
    const purl = spdxPurl(value.externalRefs);
    if (!purl) {
      if (purpose === 'CONTAINER') parsed.image = props;
      else parsed.withoutPurl++;
      continue;
    }
    const version = str(value.versionInfo);
    const licenses = spdxLicenses(value.licenseDeclared);
    const supplier = str(value.supplier)?.replace(/^(Organization|Person):\s*/, '');
    parsed.candidates.push({
      purl,
      ...(version ? { version } : {}),
      ...(licenses.length ? { licenses } : {}),
      ...(supplier && supplier !== 'NOASSERTION' ? { supplier } : {}),
      props,
    });
  }
  return parsed;
}

function assembleInventory(path: string, parsed: Parsed): Inventory {
  const warnings: Warning[] = [];
  const skipped: Record<string, number> = {};
  const records = [];
  for (const candidate of parsed.candidates) {
    const result = recordFromPurl(candidate, path);
    if ('skipped' in result) {
      skipped[result.skipped] = (skipped[result.skipped] ?? 0) + 1;
      continue;
    }
    records.push({ record: result.record, candidate });
  }
  if (parsed.withoutPurl > 0) skipped['no-purl'] = parsed.withoutPurl;
  const skippedTotal = Object.values(skipped).reduce((a, b) => a + b, 0);
  if (skippedTotal > 0) {
    const why = Object.entries(skipped)
      .map(([reason, n]) => `${n} ${reason}`)
      .join(', ');
    warnings.push({
      code: 'SBOM_COMPONENTS_SKIPPED',
      message: `${skippedTotal} component(s) of ${path} have no usable package URL and were not scanned (${why})`,
      file: path,
    });
  }

  const distro = distroOf(
    parsed,
    records.map((r) => r.candidate.purl),
  );
  const layers = new Map<number, LayerRef>();
  const packages: Package[] = records.map(({ record, candidate }) => {
    const props = candidate.props;
    const one = (name: string) => props.get(name)?.[0];
    const sourceName = one('keelson:source:name');
    if (sourceName) {
      const sourceVersion = one('keelson:source:version');
      record.source = { name: sourceName, ...(sourceVersion ? { version: sourceVersion } : {}) };
    } else if (!record.source) {
      const upstream = apkUpstream(candidate.purl, record.type);
      if (upstream) record.source = { name: upstream, version: record.version };
    }
    record.location = one('keelson:location') ?? path;
    record.foundBy = one('keelson:foundBy') ?? 'sbom';
    record.metadata = { sbomPath: path };
    const pkg: Package = { ...record, purl: packageUrl(record, distro) };
    const index = Number(one('keelson:layer:index'));
    const diffID = one('keelson:layer:diffID');
    if (Number.isSafeInteger(index) && index >= 0 && diffID) {
      const createdBy = one('keelson:layer:createdBy');
      const base = one('keelson:base');
      pkg.layer = {
        index,
        diffID,
        ...(createdBy ? { createdBy } : {}),
        ...(base === 'true' || base === 'false' ? { base: base === 'true' } : {}),
      };
      if (!layers.has(index)) layers.set(index, { index, diffID, ...(createdBy ? { createdBy } : {}) });
    }
    return pkg;
  });

  const image = parsed.image;
  const one = (name: string) => image.get(name)?.[0];
  const configDigest = one('keelson:image:configDigest');
  const layerList = [...layers.values()].sort((a, b) => a.index - b.index);
  const inventory: Inventory = {
    schemaVersion: 1,
    image: {
      target: path,
      sourceType: 'sbom',
      ...(configDigest ? { configDigest } : {}),
      annotations: {},
    },
    config: { labels: {}, history: [], diffIDs: layerList.map((l) => l.diffID) },
    layers: layerList,
    ...(distro ? { distro } : {}),
    provider: providerOf(image),
    packages,
    embeddedSboms: [],
    warnings,
    complete: one('keelson:complete') !== 'false',
    stats: { layersFromCache: 0, layersAnalyzed: 0, bytesRead: 0 },
  };
  const base = baseOf(image);
  if (base) inventory.base = base;
  return inventory;
}

/** keelson ids for the names other tools give distros (Trivy `redhat`, purl namespace `almalinux`). */
const DISTRO_IDS: ReadonlyMap<string, string> = new Map([
  ['redhat', 'rhel'],
  ['almalinux', 'alma'],
  ['amzn', 'amazon'],
  ['mariner', 'cbl-mariner'],
  ['suse linux enterprise server', 'sles'],
  ['opensuse-leap', 'opensuse'],
  ['opensuse.leap', 'opensuse'],
]);
const ROLLING = new Set(['wolfi', 'chainguard', 'minimos', 'echo']);

function distroOf(parsed: Parsed, purls: string[]): Distro | undefined {
  const image = parsed.image;
  const idProp = image.get('keelson:distro:id')?.[0];
  const source = parsed.os?.props.get('keelson:distro:source')?.[0];
  if (idProp) {
    const version = image.get('keelson:distro:version')?.[0];
    const rolling = image.get('keelson:distro:rolling')?.[0] === 'true';
    return makeDistro(idProp, version, source ?? 'sbom:keelson properties', rolling);
  }
  if (parsed.os) {
    return makeDistro(parsed.os.name, parsed.os.version, source ?? 'sbom:operating-system component');
  }
  // No OS component: the first OS package purl's namespace and `distro=` qualifier.
  for (const text of purls) {
    let purl: PackageURL;
    try {
      purl = PackageURL.fromString(text);
    } catch {
      continue;
    }
    if (!['apk', 'deb', 'rpm'].includes(purl.type) || !purl.namespace) continue;
    const namespace = purl.namespace.toLowerCase();
    const qualifier = purl.qualifiers?.distro;
    let version: string | undefined;
    if (qualifier) {
      const prefixed = /^([a-z][a-z0-9._-]*?)-(\d[\w.~+-]*)$/i.exec(qualifier);
      version = prefixed ? prefixed[2] : /^\d/.test(qualifier) ? qualifier : undefined;
    }
    return makeDistro(namespace, version, 'sbom:purl');
  }
  return undefined;
}

function makeDistro(name: string, version: string | undefined, source: string, rolling = false): Distro {
  const lower = name.trim().toLowerCase();
  const id = DISTRO_IDS.get(lower) ?? lower;
  const isRolling = rolling || ROLLING.has(id);
  return {
    id,
    ...(version && !isRolling ? { version } : {}),
    ...(isRolling ? { rolling: true } : {}),
    source,
    fields: { ID: id, ...(version ? { VERSION_ID: version } : {}) },
  };
}

const PROVIDERS: ReadonlySet<string> = new Set<ProviderName>([
  'chainguard',
  'wolfi',
  'minimus',
  'echo',
  'docker-hardened-images',
  'photon',
  'google-distroless',
  'ubuntu-chisel',
  'traditional',
  'unknown',
]);

function providerOf(image: Properties): Provider {
  const name = image.get('keelson:provider')?.[0];
  if (!name || !PROVIDERS.has(name)) return { name: 'unknown', evidence: [] };
  const model = image.get('keelson:provider:model')?.[0];
  const evidence = (image.get('keelson:provider:evidence') ?? []).map((text) => {
    const colon = text.indexOf(': ');
    return colon < 0
      ? { source: 'sbom', detail: text }
      : { source: text.slice(0, colon), detail: text.slice(colon + 2) };
  });
  return { name: name as ProviderName, ...(model ? { model } : {}), evidence };
}

function baseOf(image: Properties): BaseBoundary | undefined {
  const count = Number(image.get('keelson:base:layerCount')?.[0]);
  const method = image.get('keelson:base:method')?.[0];
  const methods = ['base-image', 'dhi-chain-id', 'oci-base-annotation', 'history-heuristic'];
  if (!Number.isSafeInteger(count) || count < 0 || !method || !methods.includes(method)) return undefined;
  return {
    layerCount: count,
    method: method as BaseBoundary['method'],
    detail: image.get('keelson:base:detail')?.[0] ?? '',
  };
}

/** keelson and Syft write an apk package's origin as `upstream=`; recordFromPurl reads only `origin=`. */
function apkUpstream(text: string, type: string): string | undefined {
  if (type !== 'apk') return undefined;
  try {
    return PackageURL.fromString(text).qualifiers?.upstream || undefined;
  } catch {
    return undefined;
  }
}

function cdxProperties(value: unknown): Properties {
  const props: Properties = new Map();
  if (!Array.isArray(value)) return props;
  for (const p of value) {
    if (!isObject(p)) continue;
    const name = str(p.name);
    const v = typeof p.value === 'string' && p.value.length <= MAX_VALUE ? p.value : undefined;
    if (name && v !== undefined) addProperty(props, name, v);
  }
  return props;
}

/** keelson writes its facts into SPDX as annotations with comment `name=value`. */
function spdxAnnotations(value: unknown): Properties {
  const props: Properties = new Map();
  if (!Array.isArray(value)) return props;
  for (const a of value) {
    const comment = isObject(a) ? str(a.comment) : undefined;
    if (!comment?.startsWith('keelson:') || comment.length > MAX_VALUE) continue;
    const eq = comment.indexOf('=');
    if (eq > 0) addProperty(props, comment.slice(0, eq), comment.slice(eq + 1));
  }
  return props;
}

function addProperty(props: Properties, name: string, value: string): void {
  const list = props.get(name);
  if (list) list.push(value);
  else props.set(name, [value]);
}

function spdxPurl(refs: unknown): string | undefined {
  if (!Array.isArray(refs)) return undefined;
  for (const ref of refs) {
    if (isObject(ref) && ref.referenceType === 'purl') {
      const locator = str(ref.referenceLocator);
      if (locator) return locator;
    }
  }
  return undefined;
}

function cdxLicenses(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const entry of value) {
    if (!isObject(entry)) continue;
    const expression = str(entry.expression);
    if (expression) out.push(expression);
    else if (isObject(entry.license)) {
      const text = str(entry.license.id) ?? str(entry.license.name);
      if (text) out.push(text);
    }
  }
  return out;
}

function spdxLicenses(value: unknown): string[] {
  const text = str(value);
  return text && text !== 'NOASSERTION' && text !== 'NONE' ? [text] : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' && value.length <= MAX_VALUE ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
