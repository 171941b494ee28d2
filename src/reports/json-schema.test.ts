import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderJson } from './json.js';
import { variedInput } from './test-findings.js';
import { alpineReportInput } from './test-input.js';
import { assertValidScanJson } from './test-schemas.js';

describe('docs/json-schema.json', () => {
  test('a real scan (alpine:3.10 with VEX) validates', async () => {
    const { result } = await alpineReportInput();
    assertValidScanJson(JSON.parse(renderJson(result)));
  });

  test('findings with every optional field validate', () => {
    assertValidScanJson(JSON.parse(renderJson(variedInput().result)));
  });

  test('the schema is strict: unknown fields and wrong types are rejected', () => {
    const doc = JSON.parse(renderJson(variedInput().result));
    assert.throws(() => assertValidScanJson({ ...doc, extra: 1 }));
    assert.throws(() => assertValidScanJson({ ...doc, schemaVersion: 2 }));
    const finding = { ...doc.findings[0], severity: { ...doc.findings[0].severity, level: 'severe' } };
    assert.throws(() => assertValidScanJson({ ...doc, findings: [finding] }));
    const pkg = { ...doc.findings[0], package: { ...doc.findings[0].package, unexpected: true } };
    assert.throws(() => assertValidScanJson({ ...doc, findings: [pkg] }));
  });
});
