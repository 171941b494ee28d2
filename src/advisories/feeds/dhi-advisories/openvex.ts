/**
 * A minimal OpenVEX (v0.2.0, and v0.0.x string forms) → VexStatement mapping for the DHI advisories
 * repository. Kept private to this importer on purpose; the general OpenVEX reader lives in src/vex.
 *
 * An OpenVEX statement lists products, some of them images whose `subcomponents` are the packages the
 * statement is about. VexStatement has one product list and one subcomponent list, so a statement is
 * split: products without subcomponents form one VexStatement, and products that share the same
 * subcomponents form one each. Nothing is merged that the document kept apart.
 */
import type { VexStatement, VexStatus } from '../../../vex/types.js';

type Obj = Record<string, unknown>;

const STATUSES = new Set<VexStatus>(['not_affected', 'affected', 'fixed', 'under_investigation']);
const MAX_TEXT = 8192;

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
}

/** True when a JSON value is an OpenVEX document (by its `@context`). */
export function isOpenVex(value: unknown): value is Obj {
  return isObject(value) && typeof value['@context'] === 'string' && value['@context'].includes('openvex');
}

function identifier(value: unknown): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (isObject(value) && typeof value['@id'] === 'string') return value['@id'] || undefined;
  return undefined;
}

function vulnerabilityOf(value: unknown): { name: string; aliases: string[] } | undefined {
  if (typeof value === 'string' && value !== '') return { name: value, aliases: [] };
  if (!isObject(value)) return undefined;
  const name = typeof value.name === 'string' && value.name !== '' ? value.name : identifier(value);
  if (!name) return undefined;
  const aliases = Array.isArray(value.aliases)
    ? value.aliases.filter((a): a is string => typeof a === 'string' && a !== '' && a !== name)
    : [];
  return { name, aliases };
}

export interface OpenVexRead {
  statements: VexStatement[];
  /** Statements left out, each as `statements[i]: why`. */
  problems: string[];
}

/** Maps an OpenVEX document; `origin` is recorded on every statement. Call `isOpenVex` first. */
export function openVexStatements(doc: Obj, origin: string): OpenVexRead {
  const out: OpenVexRead = { statements: [], problems: [] };
  if (!Array.isArray(doc.statements)) {
    out.problems.push('statements is not an array');
    return out;
  }
  const documentId = text(doc['@id']);
  const documentTime = text(doc.timestamp) ?? text(doc.last_updated);
  for (const [i, raw] of doc.statements.entries()) {
    const problem = (why: string) => out.problems.push(`statements[${i}]: ${why}`);
    if (!isObject(raw)) {
      problem('not an object');
      continue;
    }
    const vulnerability = vulnerabilityOf(raw.vulnerability);
    const status = raw.status as VexStatus;
    if (!vulnerability) {
      problem('no vulnerability name');
      continue;
    }
    if (!STATUSES.has(status)) {
      problem(`unknown status ${String(JSON.stringify(raw.status)).slice(0, 60)}`);
      continue;
    }
    if (!Array.isArray(raw.products) || raw.products.length === 0) {
      problem('no products');
      continue;
    }

    // Products grouped by their subcomponent list ('' = the product itself).
    const groups = new Map<string, { products: string[]; subcomponents: string[] }>();
    for (const product of raw.products) {
      const id = identifier(product);
      if (!id) continue;
      const subs =
        isObject(product) && Array.isArray(product.subcomponents)
          ? product.subcomponents.map(identifier).filter((s): s is string => s !== undefined)
          : [];
      const key = JSON.stringify(subs);
      const group = groups.get(key) ?? { products: [], subcomponents: subs };
      if (!group.products.includes(id)) group.products.push(id);
      groups.set(key, group);
    }
    if (groups.size === 0) {
      problem('no product has an @id');
      continue;
    }

    for (const group of groups.values()) {
      const statement: VexStatement = {
        vulnerability: vulnerability.name,
        aliases: vulnerability.aliases,
        products: group.products,
        subcomponents: group.subcomponents,
        status,
        origin,
        format: 'openvex',
      };
      const optional = {
        justification: text(raw.justification),
        impactStatement: text(raw.impact_statement),
        actionStatement: text(raw.action_statement),
        statusNotes: text(raw.status_notes),
        timestamp: text(raw.timestamp) ?? text(raw.last_updated) ?? documentTime,
        documentId,
      };
      for (const [key, value] of Object.entries(optional)) {
        if (value !== undefined) (statement as unknown as Obj)[key] = value;
      }
      out.statements.push(statement);
    }
  }
  return out;
}
