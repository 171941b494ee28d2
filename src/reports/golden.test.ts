/**
 * Golden outputs of every report format for one fixed scan: the real alpine:3.10 image matched by the
 * real pipeline against Alpine's 3.10 secdb subset, with one VEX statement (a suppressed finding) and a
 * fixed clock. Each output must equal test/fixtures/golden/scan.<format>; machine formats are also
 * validated against their official schemas here.
 *
 * Regenerate after an intended change with: KEELSON_UPDATE_GOLDEN=1 node --test <build>/src/reports/golden.test.js
 * (then review the diff of test/fixtures/golden/ like code).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { fixture } from '../../test/helpers/paths.js';
import { type ReportInput, reportFormats } from './registry.js';
import { alpineReportInput, FIXED_NOW } from './test-input.js';
import {
  assertValidCycloneDx,
  assertValidOpenVex,
  assertValidSarif,
  assertValidScanJson,
  assertValidSpdx,
} from './test-schemas.js';

const UPDATE = process.env.KEELSON_UPDATE_GOLDEN === '1';
const options = { now: FIXED_NOW, toolVersion: '0.0.0-golden', showSuppressed: true };
const validators: Record<string, (doc: unknown) => void> = {
  json: assertValidScanJson,
  sarif: assertValidSarif,
  cyclonedx: assertValidCycloneDx,
  spdx: assertValidSpdx,
  openvex: assertValidOpenVex,
};

describe('golden report outputs (alpine:3.10, fixed clock)', () => {
  let input: ReportInput;
  before(async () => {
    input = await alpineReportInput();
  });

  test('the fixture scan is what the goldens describe: 20 findings, one suppressed by VEX', () => {
    assert.equal(input.result.summary.raw, 20);
    assert.equal(input.result.summary.suppressed, 1);
    assert.equal(input.result.findings.find((f) => f.suppressed)?.suppressed?.kind, 'vex');
  });

  for (const name of Object.keys(reportFormats)) {
    test(`${name}`, () => {
      const output = reportFormats[name]!.render(input, options);
      const file = fixture('golden', `scan.${name}`);
      if (UPDATE) {
        mkdirSync(fixture('golden'), { recursive: true });
        writeFileSync(file, output);
      }
      assert.ok(existsSync(file), `${file} is missing: run with KEELSON_UPDATE_GOLDEN=1 to create it`);
      assert.equal(output, readFileSync(file, 'utf8'), `scan.${name} differs from the golden file`);
      validators[name]?.(JSON.parse(output));
    });
  }
});
