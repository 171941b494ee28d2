/**
 * OpenVEX (https://github.com/openvex/spec) v0.2.0, plus the v0.0.x shape (`@context: https://openvex.dev/ns`,
 * `vulnerability` as a plain string, products and statement-level `subcomponents` as purl strings).
 *
 * One OpenVEX statement becomes one VexStatement per distinct subcomponent set: products without
 * subcomponents form one VexStatement (`subcomponents: []`, the statement is about those products
 * themselves), and products that list subcomponents (DHI's `pkg:docker/dhi/x` and `pkg:oci/…` image
 * products) form one VexStatement per identical subcomponent list. Flattening all products and
 * subcomponents of a statement into one would let an image product borrow another product's
 * subcomponents, or lose the difference between "this image as a whole" and "these packages in it".
 *
 * timestamp: the statement's `last_updated`, else its `timestamp`, else the document's `last_updated`,
 * else the document's `timestamp` (the newest information first, for "latest statement wins").
 */
import { array, object, ShapeError } from '../core/json-shape.js';
import { decodeJson, definedText, type Json, optionalText, unique, withShapeErrors } from './json.js';
import type { VexStatement, VexStatus } from './types.js';

export const OPENVEX_CONTEXT_PREFIX = 'https://openvex.dev/ns';

const STATUSES: ReadonlySet<string> = new Set(['not_affected', 'affected', 'fixed', 'under_investigation']);

export interface ParseOptions {
  /** Recorded as each statement's origin (default: the file name). */
  origin?: string;
}

/** True for a JSON value that declares an OpenVEX `@context`. */
export function isOpenVexDocument(doc: unknown): boolean {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const context = (doc as Json)['@context'];
  return typeof context === 'string' && context.startsWith(OPENVEX_CONTEXT_PREFIX);
}

/** Parses an OpenVEX document from bytes; PARSE_ERROR names the file and the JSON path. */
export function parseOpenVex(
  input: Uint8Array | string,
  file: string,
  options: ParseOptions = {},
): VexStatement[] {
  return openVexStatements(decodeJson(input, file), file, options);
}

/** Statements of an already decoded OpenVEX document (an in-toto predicate, say). */
export function openVexStatements(doc: unknown, file: string, options: ParseOptions = {}): VexStatement[] {
  const origin = options.origin ?? file;
  return withShapeErrors(file, 'OpenVEX document', () => readDocument(doc, origin));
}

function readDocument(value: unknown, origin: string): VexStatement[] {
  const doc = object(value, '');
  const documentId = optionalText(doc['@id'], '@id');
  const docTime = optionalText(doc.last_updated, 'last_updated') ?? optionalText(doc.timestamp, 'timestamp');
  const statements = array(doc.statements, 'statements');
  const out: VexStatement[] = [];
  statements.forEach((item, index) => {
    out.push(...readStatement(item, `statements.${index}`, { origin, documentId, docTime }));
  });
  return out;
}

interface DocContext {
  origin: string;
  documentId: string | undefined;
  docTime: string | undefined;
}

function readStatement(value: unknown, path: string, ctx: DocContext): VexStatement[] {
  const st = object(value, path);
  const { name, aliases } = readVulnerability(st.vulnerability, `${path}.vulnerability`);
  const status = readStatus(st.status, `${path}.status`);
  const timestamp =
    optionalText(st.last_updated, `${path}.last_updated`) ??
    optionalText(st.timestamp, `${path}.timestamp`) ??
    ctx.docTime;
  // v0.0.x put subcomponents beside products, applying to every product of the statement.
  const sharedSubs =
    st.subcomponents === undefined || st.subcomponents === null
      ? []
      : array(st.subcomponents, `${path}.subcomponents`).flatMap((c, i) =>
          componentIds(c, `${path}.subcomponents.${i}`),
        );
  const groups = new Map<string, { products: string[]; subcomponents: string[] }>();
  const products =
    st.products === undefined || st.products === null ? [] : array(st.products, `${path}.products`);
  products.forEach((item, i) => {
    const itemPath = `${path}.products.${i}`;
    const ids = componentIds(item, itemPath);
    let subs = sharedSubs;
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const raw = (item as Json).subcomponents;
      if (raw !== undefined && raw !== null) {
        subs = unique(
          array(raw, `${itemPath}.subcomponents`).flatMap((c, j) =>
            componentIds(c, `${itemPath}.subcomponents.${j}`),
          ),
        );
      }
    }
    const key = [...subs].sort().join('\n');
    const group = groups.get(key) ?? { products: [], subcomponents: subs };
    group.products.push(...ids);
    groups.set(key, group);
  });
  if (groups.size === 0) groups.set('', { products: [], subcomponents: [] });
  const common = {
    vulnerability: name,
    aliases,
    status,
    origin: ctx.origin,
    format: 'openvex' as const,
    ...definedText('justification', optionalText(st.justification, `${path}.justification`)),
    ...definedText('impactStatement', optionalText(st.impact_statement, `${path}.impact_statement`)),
    ...definedText('actionStatement', optionalText(st.action_statement, `${path}.action_statement`)),
    ...definedText('statusNotes', optionalText(st.status_notes, `${path}.status_notes`)),
    ...definedText('timestamp', timestamp),
    ...definedText('documentId', ctx.documentId),
  };
  return [...groups.values()].map((g) => ({
    ...common,
    aliases: [...common.aliases],
    products: unique(g.products),
    subcomponents: [...g.subcomponents],
  }));
}

function readVulnerability(value: unknown, path: string): { name: string; aliases: string[] } {
  if (typeof value === 'string') {
    if (value.trim() === '') throw new ShapeError(path, 'empty vulnerability name');
    return { name: value.trim(), aliases: [] };
  }
  const v = object(value, path);
  const name = optionalText(v.name, `${path}.name`) ?? optionalText(v['@id'], `${path}.@id`);
  if (!name) throw new ShapeError(path, 'the vulnerability has neither a name nor an @id');
  const aliases =
    v.aliases === undefined || v.aliases === null
      ? []
      : array(v.aliases, `${path}.aliases`).map((a, i) => {
          if (typeof a !== 'string') throw new ShapeError(`${path}.aliases.${i}`, 'expected a string');
          return a.trim();
        });
  return { name: name.trim(), aliases: unique(aliases.filter((a) => a !== name.trim())) };
}

function readStatus(value: unknown, path: string): VexStatus {
  if (typeof value !== 'string' || !STATUSES.has(value)) {
    throw new ShapeError(
      path,
      `expected one of ${[...STATUSES].join(', ')}, found ${JSON.stringify(value)?.slice(0, 60) ?? 'nothing'}`,
    );
  }
  return value as VexStatus;
}

/** A component's identifiers: `@id` and `identifiers.purl` (v0.2.0) or the string itself (v0.0.x). */
function componentIds(value: unknown, path: string): string[] {
  if (typeof value === 'string') return value.trim() ? [value.trim()] : [];
  const c = object(value, path);
  const ids: string[] = [];
  const id = optionalText(c['@id'], `${path}.@id`);
  if (id) ids.push(id.trim());
  if (c.identifiers !== undefined && c.identifiers !== null) {
    const identifiers = object(c.identifiers, `${path}.identifiers`);
    const purl = optionalText(identifiers.purl, `${path}.identifiers.purl`);
    if (purl) ids.push(purl.trim());
  }
  if (ids.length === 0) throw new ShapeError(path, 'a component needs an @id or identifiers.purl');
  return unique(ids);
}
