/**
 * CycloneDX VEX (JSON, spec 1.4–1.6): `vulnerabilities[]` with an `analysis`. Each vulnerability with an
 * analysis becomes one VexStatement whose products are the package URLs of its `affects[].ref`:
 * a ref that is itself a purl, a `bom-ref` of a component in this document (components nest), or a
 * `urn:cdx:<serial>/<version>#<bom-ref>` BOM-Link whose fragment is resolved the same way. Refs that
 * resolve to nothing (a BOM-Link into an SBOM we do not have, a component without purl) are dropped.
 * Vulnerabilities without an analysis are findings, not VEX, and are skipped. `affects[].versions`
 * is not interpreted: the ref's purl (with its version, if any) is the product.
 */
import { array, object, ShapeError } from '../core/json-shape.js';
import { decodeJson, definedText, type Json, optionalText, unique, withShapeErrors } from './json.js';
import type { ParseOptions } from './openvex.js';
import type { VexStatement, VexStatus } from './types.js';

const STATE_TO_STATUS: ReadonlyMap<string, VexStatus> = new Map([
  ['not_affected', 'not_affected'],
  ['false_positive', 'not_affected'],
  ['exploitable', 'affected'],
  ['resolved', 'fixed'],
  ['resolved_with_pedigree', 'fixed'],
  ['in_triage', 'under_investigation'],
]);

/** Walk limit for nested components: bounds the work a hostile document can cause. */
const MAX_COMPONENTS = 1_000_000;

/** True for a CycloneDX JSON BOM that carries vulnerabilities. */
export function isCycloneDxVex(doc: unknown): boolean {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const d = doc as Json;
  return d.bomFormat === 'CycloneDX' && Array.isArray(d.vulnerabilities);
}

export function parseCycloneDxVex(
  input: Uint8Array | string,
  file: string,
  options: ParseOptions = {},
): VexStatement[] {
  return cycloneDxStatements(decodeJson(input, file), file, options);
}

export function cycloneDxStatements(doc: unknown, file: string, options: ParseOptions = {}): VexStatement[] {
  const origin = options.origin ?? file;
  return withShapeErrors(file, 'CycloneDX VEX document', () => readBom(doc, origin));
}

function readBom(value: unknown, origin: string): VexStatement[] {
  const bom = object(value, '');
  if (bom.bomFormat !== 'CycloneDX') throw new ShapeError('bomFormat', 'expected "CycloneDX"');
  const spec = optionalText(bom.specVersion, 'specVersion');
  if (spec !== undefined && !/^1\.[0-9]+$/.test(spec))
    throw new ShapeError('specVersion', `unsupported ${spec}`);
  const serial = optionalText(bom.serialNumber, 'serialNumber');
  const metadata =
    bom.metadata === undefined || bom.metadata === null ? {} : object(bom.metadata, 'metadata');
  const docTime = optionalText(metadata.timestamp, 'metadata.timestamp');
  const purls = componentPurls(bom, metadata);
  const vulnerabilities =
    bom.vulnerabilities === undefined || bom.vulnerabilities === null
      ? []
      : array(bom.vulnerabilities, 'vulnerabilities');
  const out: VexStatement[] = [];
  vulnerabilities.forEach((item, index) => {
    const statement = readVulnerability(item, `vulnerabilities.${index}`, purls, docTime);
    if (statement) {
      out.push({ ...statement, origin, format: 'cyclonedx', ...definedText('documentId', serial) });
    }
  });
  return out;
}

/** bom-ref → purl for every component (metadata.component included), walked without recursion. */
function componentPurls(bom: Json, metadata: Json): Map<string, string> {
  const map = new Map<string, string>();
  const stack: { value: unknown; path: string }[] = [];
  if (metadata.component !== undefined && metadata.component !== null) {
    stack.push({ value: metadata.component, path: 'metadata.component' });
  }
  if (bom.components !== undefined && bom.components !== null) {
    array(bom.components, 'components').forEach((c, i) => {
      stack.push({ value: c, path: `components.${i}` });
    });
  }
  let seen = 0;
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (++seen > MAX_COMPONENTS) throw new ShapeError('components', `more than ${MAX_COMPONENTS} components`);
    const c = object(value, path);
    const ref = optionalText(c['bom-ref'], `${path}.bom-ref`);
    const purl = optionalText(c.purl, `${path}.purl`);
    if (ref && purl && !map.has(ref)) map.set(ref, purl.trim());
    if (c.components !== undefined && c.components !== null) {
      array(c.components, `${path}.components`).forEach((child, i) => {
        stack.push({ value: child, path: `${path}.components.${i}` });
      });
    }
  }
  return map;
}

function readVulnerability(
  value: unknown,
  path: string,
  purls: Map<string, string>,
  docTime: string | undefined,
): Omit<VexStatement, 'origin' | 'format'> | undefined {
  const v = object(value, path);
  if (v.analysis === undefined || v.analysis === null) return undefined;
  const analysis = object(v.analysis, `${path}.analysis`);
  const state = optionalText(analysis.state, `${path}.analysis.state`);
  if (state === undefined) return undefined;
  const status = STATE_TO_STATUS.get(state);
  if (!status) {
    throw new ShapeError(
      `${path}.analysis.state`,
      `expected one of ${[...STATE_TO_STATUS.keys()].join(', ')}, found ${JSON.stringify(state.slice(0, 60))}`,
    );
  }
  const id = optionalText(v.id, `${path}.id`);
  if (!id) throw new ShapeError(`${path}.id`, 'the vulnerability has no id');
  const aliases: string[] = [];
  if (v.references !== undefined && v.references !== null) {
    array(v.references, `${path}.references`).forEach((r, i) => {
      const refId = optionalText(object(r, `${path}.references.${i}`).id, `${path}.references.${i}.id`);
      if (refId && refId.trim() !== id.trim()) aliases.push(refId.trim());
    });
  }
  const products: string[] = [];
  const affects = v.affects === undefined || v.affects === null ? [] : array(v.affects, `${path}.affects`);
  affects.forEach((a, i) => {
    const ref = optionalText(object(a, `${path}.affects.${i}`).ref, `${path}.affects.${i}.ref`);
    const purl = ref && resolveRef(ref.trim(), purls);
    if (purl) products.push(purl);
  });
  const detail = optionalText(analysis.detail, `${path}.analysis.detail`);
  // The spec has an array; some real documents (CycloneDX's own VEX example) have a single string.
  const rawResponse = analysis.response;
  const responses =
    rawResponse === undefined || rawResponse === null
      ? []
      : typeof rawResponse === 'string'
        ? [rawResponse]
        : array(rawResponse, `${path}.analysis.response`).map((r, i) => {
            if (typeof r !== 'string')
              throw new ShapeError(`${path}.analysis.response.${i}`, 'expected a string');
            return r;
          });
  const recommendation = optionalText(v.recommendation, `${path}.recommendation`);
  const workaround = optionalText(v.workaround, `${path}.workaround`);
  const action =
    [recommendation, workaround].filter(Boolean).join('\n') ||
    (responses.length > 0 ? `response: ${responses.join(', ')}` : undefined);
  const timestamp =
    optionalText(analysis.lastUpdated, `${path}.analysis.lastUpdated`) ??
    optionalText(analysis.firstIssued, `${path}.analysis.firstIssued`) ??
    optionalText(v.updated, `${path}.updated`) ??
    optionalText(v.published, `${path}.published`) ??
    docTime;
  return {
    vulnerability: id.trim(),
    aliases: unique(aliases),
    products: unique(products),
    subcomponents: [],
    status,
    ...definedText('justification', optionalText(analysis.justification, `${path}.analysis.justification`)),
    ...(status === 'not_affected'
      ? definedText('impactStatement', detail)
      : definedText('statusNotes', detail)),
    ...definedText('actionStatement', action || undefined),
    ...definedText('timestamp', timestamp),
  };
}

/** A purl for an `affects[].ref`: itself, its bom-ref's component purl, or a BOM-Link fragment's. */
function resolveRef(ref: string, purls: Map<string, string>): string | undefined {
  if (ref.startsWith('pkg:')) return ref;
  const direct = purls.get(ref);
  if (direct) return direct;
  const link = /^urn:cdx:[^/#]+\/\d+#(.+)$/.exec(ref);
  if (!link) return undefined;
  // The fragment is a bom-ref, percent-encoded by the spec but often a raw purl in practice: try it
  // as written first, so a purl's own escapes (`dhi%2Fx`) are not decoded away.
  const raw = link[1]!;
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // not valid percent-encoding: keep it raw
  }
  return purls.get(raw) ?? purls.get(decoded) ?? (raw.startsWith('pkg:') ? raw : undefined);
}
