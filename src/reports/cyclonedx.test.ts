import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cdxJustification, cdxMethod, renderCycloneDxReport } from './cyclonedx.js';
import { variedInput } from './test-findings.js';
import { assertValidCycloneDx } from './test-schemas.js';

const now = new Date('2026-01-02T03:04:05Z');
// biome-ignore lint/suspicious/noExplicitAny: test reads the parsed BOM freely
const render = (): any => JSON.parse(renderCycloneDxReport(variedInput(), { toolVersion: '1.2.3', now }));

describe('CycloneDX scan report', () => {
  test('is a valid CycloneDX 1.6 BOM with components and vulnerabilities', () => {
    const bom = render();
    assertValidCycloneDx(bom);
    assert.equal(bom.specVersion, '1.6');
    assert.equal(bom.metadata.timestamp, '2026-01-02T03:04:05Z');
    assert.equal(bom.components.length, 4, 'the OS and three packages');
    assert.equal(bom.vulnerabilities.length, 5);
  });

  test('each vulnerability points at its component and carries ratings, advisory, fix', () => {
    const bom = render();
    // biome-ignore lint/suspicious/noExplicitAny: parsed JSON
    const refs = new Map(bom.components.map((c: any) => [c['bom-ref'], c.name]));
    const [first] = bom.vulnerabilities;
    assert.equal(refs.get(first.affects[0].ref), 'openssl');
    assert.deepEqual(first.affects[0].versions, [{ version: '3.0.1-r0', status: 'affected' }]);
    assert.deepEqual(first.ratings[1], {
      source: { name: 'nvd' },
      score: 9.8,
      severity: 'critical',
      method: 'CVSSv31',
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    });
    assert.equal(first.ratings[0].method, 'other');
    assert.deepEqual(first.advisories, [{ url: 'https://security.example.com/CVE-2024-0001' }]);
    assert.equal(first.recommendation, 'Upgrade openssl to 3.0.2-r0');
    assert.deepEqual(first.analysis, { response: ['update'] });
    // biome-ignore lint/suspicious/noExplicitAny: parsed JSON
    const props = Object.fromEntries(first.properties.map((p: any) => [p.name, p.value]));
    assert.equal(props['keelson:match:namespace'], 'alpine:3.20');
    assert.equal(props['keelson:match:lookup'], 'openssl (origin)');
    assert.equal(bom.vulnerabilities[1].advisories, undefined, 'javascript: URL dropped');
  });

  test('analysis carries VEX and vendor states', () => {
    const [, , investigating, vendor, vex] = render().vulnerabilities;
    assert.deepEqual(investigating.analysis, { state: 'in_triage' });
    assert.equal(vendor.analysis.state, 'not_affected');
    assert.match(vendor.analysis.detail, /secfixes/);
    assert.deepEqual(vendor.affects[0].versions[0].status, 'unaffected');
    assert.equal(vex.analysis.state, 'not_affected');
    assert.equal(vex.analysis.justification, 'code_not_present');
    assert.match(vex.analysis.detail, /inflate is not built/);
  });

  test('mappings', () => {
    assert.equal(cdxMethod('CVSS:4.0'), 'CVSSv4');
    assert.equal(cdxMethod('CVSS:3.0'), 'CVSSv3');
    assert.equal(cdxMethod('vendor'), 'other');
    assert.equal(cdxJustification('vulnerable_code_not_in_execute_path'), 'code_not_reachable');
    assert.equal(cdxJustification('inline_mitigations_already_exist'), 'protected_by_mitigating_control');
    assert.equal(cdxJustification('requires_environment'), 'requires_environment');
    assert.equal(cdxJustification('made_up'), undefined);
  });
});
