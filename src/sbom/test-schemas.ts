/**
 * Test-only: the official CycloneDX 1.6 and SPDX 2.3 JSON schemas and keelson's inventory schema,
 * compiled once with ajv. Each `assert…` fails with ajv's error list.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { fixture, repoRoot } from '../../test/helpers/paths.js';

const readJson = (path: string): object => JSON.parse(readFileSync(path, 'utf8')) as object;

const draft07 = new Ajv({ strict: false, allErrors: true });
addFormats.default(draft07);
// CycloneDX also uses two formats ajv-formats lacks; keelson writes neither field, so a rough check will do.
draft07.addFormat('iri-reference', /^[^\s<>"{}|\\^`]*$/u);
draft07.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
draft07.addSchema(readJson(fixture('schemas', 'cyclonedx-1.6', 'spdx.schema.json')));
draft07.addSchema(readJson(fixture('schemas', 'cyclonedx-1.6', 'jsf-0.82.schema.json')));
const cycloneDx = draft07.compile(readJson(fixture('schemas', 'cyclonedx-1.6', 'bom-1.6.schema.json')));
const spdx = draft07.compile(readJson(fixture('schemas', 'spdx-2.3', 'spdx-schema.json')));

// keelson's own schema is held to ajv's strict mode: no unknown keywords or loose types.
const inventory = new Ajv2020({ strict: true, allErrors: true }).compile(
  readJson(join(repoRoot, 'docs', 'inventory.schema.json')),
);

function assertValid(validate: ValidateFunction, document: unknown, what: string): void {
  const valid = validate(document);
  assert.ok(valid, `${what} is not schema-valid:\n${JSON.stringify(validate.errors?.slice(0, 10), null, 2)}`);
}

export const assertValidCycloneDx = (document: unknown) => assertValid(cycloneDx, document, 'CycloneDX BOM');
export const assertValidSpdx = (document: unknown) => assertValid(spdx, document, 'SPDX document');
export const assertValidInventory = (document: unknown) => assertValid(inventory, document, 'inventory JSON');
