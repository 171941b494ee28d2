/**
 * CSAF 2.0 VEX (`document.category: csaf_vex`; `csaf_security_advisory` has the same product_status
 * semantics and is read the same way).
 *
 * Product ids resolve through `product_tree`: products in `branches` (nested, walked without
 * recursion) and `full_product_names` give a purl via `product_identification_helper.purl`;
 * `relationships` (`default_component_of`, `installed_on`, …) give a new product id meaning
 * "component X inside product Y", which becomes product Y's purl with X's purl as a subcomponent
 * (or plain X when Y has no purl, e.g. a CPE-only platform). Ids without any purl are dropped.
 * `product_groups` expand `group_ids` in flags, threats and remediations.
 *
 * Per vulnerability, every product id gets a status from `product_status` (known_not_affected →
 * not_affected; fixed, first_fixed → fixed; known_affected, first_affected, last_affected → affected;
 * under_investigation), a justification from `flags[].label`, an impact statement from
 * `threats[category=impact].details` and an action statement from `remediations[].details`; ids with
 * equal values (and the same parent product) are grouped into one VexStatement. The timestamp is the
 * document's `tracking.current_release_date`.
 */
import { array, object, ShapeError } from '../core/json-shape.js';
import { decodeJson, definedText, type Json, optionalText, unique, withShapeErrors } from './json.js';
import type { ParseOptions } from './openvex.js';
import type { VexStatement, VexStatus } from './types.js';

const STATUS_LISTS: readonly [string, VexStatus][] = [
  ['known_not_affected', 'not_affected'],
  ['fixed', 'fixed'],
  ['first_fixed', 'fixed'],
  ['known_affected', 'affected'],
  ['first_affected', 'affected'],
  ['last_affected', 'affected'],
  ['under_investigation', 'under_investigation'],
];
const ACCEPTED_CATEGORIES = new Set(['csaf_vex', 'csaf_security_advisory']);
const MAX_BRANCH_NODES = 1_000_000;

/** True for a JSON value that looks like a CSAF 2.x document. */
export function isCsafDocument(doc: unknown): boolean {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const d = (doc as Json).document;
  return d !== null && typeof d === 'object' && typeof (d as Json).csaf_version === 'string';
}

export function parseCsafVex(
  input: Uint8Array | string,
  file: string,
  options: ParseOptions = {},
): VexStatement[] {
  return csafStatements(decodeJson(input, file), file, options);
}

export function csafStatements(doc: unknown, file: string, options: ParseOptions = {}): VexStatement[] {
  const origin = options.origin ?? file;
  return withShapeErrors(file, 'CSAF document', () => readCsaf(doc, origin));
}

type ProductRef = { purl: string; parent?: string };

function readCsaf(value: unknown, origin: string): VexStatement[] {
  const root = object(value, '');
  const document = object(root.document, 'document');
  const version = optionalText(document.csaf_version, 'document.csaf_version');
  if (version === undefined || !/^2\.\d+$/.test(version)) {
    throw new ShapeError('document.csaf_version', `expected 2.x, found ${JSON.stringify(version ?? null)}`);
  }
  const category = optionalText(document.category, 'document.category');
  if (!category || !ACCEPTED_CATEGORIES.has(category)) {
    throw new ShapeError('document.category', `expected csaf_vex, found ${JSON.stringify(category ?? null)}`);
  }
  const tracking =
    document.tracking === undefined || document.tracking === null
      ? {}
      : object(document.tracking, 'document.tracking');
  const documentId = optionalText(tracking.id, 'document.tracking.id');
  const timestamp =
    optionalText(tracking.current_release_date, 'document.tracking.current_release_date') ??
    optionalText(tracking.initial_release_date, 'document.tracking.initial_release_date');
  const tree =
    root.product_tree === undefined || root.product_tree === null
      ? {}
      : object(root.product_tree, 'product_tree');
  const products = productRefs(tree);
  const groups = productGroups(tree);
  const vulnerabilities =
    root.vulnerabilities === undefined || root.vulnerabilities === null
      ? []
      : array(root.vulnerabilities, 'vulnerabilities');
  const out: VexStatement[] = [];
  vulnerabilities.forEach((item, index) => {
    for (const statement of readVulnerability(item, `vulnerabilities.${index}`, products, groups)) {
      out.push({
        ...statement,
        origin,
        format: 'csaf',
        ...definedText('timestamp', timestamp),
        ...definedText('documentId', documentId),
      });
    }
  });
  return out;
}

/** product_id → purl (and parent purl for relationship products). */
function productRefs(tree: Json): Map<string, ProductRef> {
  const leaves = new Map<string, string>();
  const addProduct = (value: unknown, path: string) => {
    const p = object(value, path);
    const id = optionalText(p.product_id, `${path}.product_id`);
    if (!id) throw new ShapeError(`${path}.product_id`, 'missing product_id');
    if (p.product_identification_helper === undefined || p.product_identification_helper === null) return;
    const helper = object(p.product_identification_helper, `${path}.product_identification_helper`);
    const purl = optionalText(helper.purl, `${path}.product_identification_helper.purl`);
    if (purl && !leaves.has(id)) leaves.set(id, purl.trim());
  };
  const stack: { value: unknown; path: string }[] = [];
  if (tree.branches !== undefined && tree.branches !== null) {
    array(tree.branches, 'product_tree.branches').forEach((b, i) => {
      stack.push({ value: b, path: `product_tree.branches.${i}` });
    });
  }
  let seen = 0;
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (++seen > MAX_BRANCH_NODES) throw new ShapeError('product_tree.branches', 'too many branches');
    const branch = object(value, path);
    if (branch.product !== undefined && branch.product !== null)
      addProduct(branch.product, `${path}.product`);
    if (branch.branches !== undefined && branch.branches !== null) {
      array(branch.branches, `${path}.branches`).forEach((b, i) => {
        stack.push({ value: b, path: `${path}.branches.${i}` });
      });
    }
  }
  if (tree.full_product_names !== undefined && tree.full_product_names !== null) {
    array(tree.full_product_names, 'product_tree.full_product_names').forEach((p, i) => {
      addProduct(p, `product_tree.full_product_names.${i}`);
    });
  }
  const refs = new Map<string, ProductRef>();
  for (const [id, purl] of leaves) refs.set(id, { purl });
  if (tree.relationships !== undefined && tree.relationships !== null) {
    array(tree.relationships, 'product_tree.relationships').forEach((r, i) => {
      const path = `product_tree.relationships.${i}`;
      const rel = object(r, path);
      const component = optionalText(rel.product_reference, `${path}.product_reference`);
      const parent = optionalText(rel.relates_to_product_reference, `${path}.relates_to_product_reference`);
      const name = object(rel.full_product_name, `${path}.full_product_name`);
      const id = optionalText(name.product_id, `${path}.full_product_name.product_id`);
      if (!id || !component || !parent) {
        throw new ShapeError(
          path,
          'a relationship needs product_reference, relates_to_product_reference and a product_id',
        );
      }
      const componentPurl = leaves.get(component);
      if (!componentPurl || refs.has(id)) return;
      const parentPurl = leaves.get(parent);
      refs.set(id, parentPurl ? { purl: componentPurl, parent: parentPurl } : { purl: componentPurl });
    });
  }
  return refs;
}

function productGroups(tree: Json): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  if (tree.product_groups === undefined || tree.product_groups === null) return groups;
  array(tree.product_groups, 'product_tree.product_groups').forEach((g, i) => {
    const path = `product_tree.product_groups.${i}`;
    const group = object(g, path);
    const id = optionalText(group.group_id, `${path}.group_id`);
    if (!id) throw new ShapeError(`${path}.group_id`, 'missing group_id');
    groups.set(id, stringList(group.product_ids, `${path}.product_ids`));
  });
  return groups;
}

function stringList(value: unknown, path: string): string[] {
  if (value === undefined || value === null) return [];
  return array(value, path).map((v, i) => {
    if (typeof v !== 'string') throw new ShapeError(`${path}.${i}`, 'expected a string');
    return v;
  });
}

/** product ids named by an item's product_ids and group_ids. */
function idsOf(item: Json, path: string, groups: Map<string, string[]>): string[] {
  const ids = stringList(item.product_ids, `${path}.product_ids`);
  for (const group of stringList(item.group_ids, `${path}.group_ids`)) ids.push(...(groups.get(group) ?? []));
  return ids;
}

interface Assessment {
  status: VexStatus;
  justification?: string;
  impact: string[];
  action: string[];
}

function readVulnerability(
  value: unknown,
  path: string,
  products: Map<string, ProductRef>,
  groups: Map<string, string[]>,
): Omit<VexStatement, 'origin' | 'format'>[] {
  const v = object(value, path);
  const cve = optionalText(v.cve, `${path}.cve`)?.trim();
  const ids: string[] = [];
  if (v.ids !== undefined && v.ids !== null) {
    array(v.ids, `${path}.ids`).forEach((entry, i) => {
      const text = optionalText(object(entry, `${path}.ids.${i}`).text, `${path}.ids.${i}.text`);
      if (text) ids.push(text.trim());
    });
  }
  const name = cve ?? ids[0];
  if (!name) throw new ShapeError(path, 'the vulnerability has neither a cve nor ids');
  const aliases = unique(ids.filter((id) => id !== name));
  if (v.product_status === undefined || v.product_status === null) return [];
  const productStatus = object(v.product_status, `${path}.product_status`);

  const assessed = new Map<string, Assessment>();
  for (const [list, status] of STATUS_LISTS) {
    for (const id of stringList(productStatus[list], `${path}.product_status.${list}`)) {
      if (!assessed.has(id)) assessed.set(id, { status, impact: [], action: [] });
    }
  }
  if (v.flags !== undefined && v.flags !== null) {
    array(v.flags, `${path}.flags`).forEach((f, i) => {
      const flag = object(f, `${path}.flags.${i}`);
      const label = optionalText(flag.label, `${path}.flags.${i}.label`);
      for (const id of idsOf(flag, `${path}.flags.${i}`, groups)) {
        const a = assessed.get(id);
        if (a && label && a.justification === undefined) a.justification = label;
      }
    });
  }
  if (v.threats !== undefined && v.threats !== null) {
    array(v.threats, `${path}.threats`).forEach((t, i) => {
      const threat = object(t, `${path}.threats.${i}`);
      if (threat.category !== 'impact') return;
      const details = optionalText(threat.details, `${path}.threats.${i}.details`);
      for (const id of idsOf(threat, `${path}.threats.${i}`, groups)) {
        if (details) assessed.get(id)?.impact.push(details);
      }
    });
  }
  if (v.remediations !== undefined && v.remediations !== null) {
    array(v.remediations, `${path}.remediations`).forEach((r, i) => {
      const remediation = object(r, `${path}.remediations.${i}`);
      const category = optionalText(remediation.category, `${path}.remediations.${i}.category`);
      const details = optionalText(remediation.details, `${path}.remediations.${i}.details`);
      const text = [category, details].filter(Boolean).join(': ');
      for (const id of idsOf(remediation, `${path}.remediations.${i}`, groups)) {
        if (text) assessed.get(id)?.action.push(text);
      }
    });
  }

  const grouped = new Map<
    string,
    { base: Omit<VexStatement, 'origin' | 'format'>; products: Set<string>; subs: Set<string> }
  >();
  for (const [id, a] of assessed) {
    const ref = products.get(id);
    if (!ref) continue;
    const impact = unique(a.impact).join('\n') || undefined;
    const action = unique(a.action).join('\n') || undefined;
    const key = JSON.stringify([a.status, a.justification, impact, action, ref.parent ?? null]);
    let group = grouped.get(key);
    if (!group) {
      group = {
        base: {
          vulnerability: name,
          aliases: [...aliases],
          products: [],
          subcomponents: [],
          status: a.status,
          ...definedText('justification', a.justification),
          ...definedText('impactStatement', impact),
          ...definedText('actionStatement', action),
        },
        products: new Set(ref.parent ? [ref.parent] : []),
        subs: new Set(),
      };
      grouped.set(key, group);
    }
    if (ref.parent) group.subs.add(ref.purl);
    else group.products.add(ref.purl);
  }
  return [...grouped.values()].map((g) => ({
    ...g.base,
    products: [...g.products],
    subcomponents: [...g.subs],
  }));
}
