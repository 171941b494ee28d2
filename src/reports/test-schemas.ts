/**
 * Test-only: ajv validators for the scan report formats — SARIF 2.1.0 and OpenVEX 0.2.0 (official
 * schemas in test/fixtures/schemas) and keelson's own scan JSON (docs/json-schema.json, held to ajv's
 * strict mode). CycloneDX and SPDX validators come from src/sbom/test-schemas.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { fixture, repoRoot } from '../../test/helpers/paths.js';

export { assertValidCycloneDx, assertValidSpdx } from '../sbom/test-schemas.js';

const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

// SARIF's schema is draft-04; the keywords it uses mean the same in draft-07 once `id` is `$id`.
const sarifSchema = readJson(fixture('schemas', 'sarif-2.1.0', 'sarif-schema-2.1.0.json'));
const { $schema: _draft04, id: sarifId, ...sarifRest } = sarifSchema;
const draft07 = new Ajv({ strict: false, allErrors: true });
addFormats.default(draft07);
const sarif = draft07.compile({ $id: sarifId, ...sarifRest } as object);

const draft2020 = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(draft2020);
// An IRI needs a scheme and no whitespace; ajv-formats has no `iri` format.
draft2020.addFormat('iri', /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]*$/u);
const openVex = draft2020.compile(readJson(fixture('schemas', 'openvex', 'openvex_json_schema.json')));

const scanJson = new Ajv2020({ strict: true, allErrors: true }).compile(
  readJson(join(repoRoot, 'docs', 'json-schema.json')),
);

function assertValid(validate: ValidateFunction, document: unknown, what: string): void {
  const valid = validate(document);
  assert.ok(valid, `${what} is not schema-valid:\n${JSON.stringify(validate.errors?.slice(0, 10), null, 2)}`);
}

export const assertValidSarif = (document: unknown) => assertValid(sarif, document, 'SARIF log');
export const assertValidOpenVex = (document: unknown) => assertValid(openVex, document, 'OpenVEX document');
export const assertValidScanJson = (document: unknown) => assertValid(scanJson, document, 'scan JSON');
