import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderSarif, sarifLevel } from './sarif.js';
import { HOSTILE_NAME, variedInput } from './test-findings.js';
import { assertValidSarif } from './test-schemas.js';

// biome-ignore lint/suspicious/noExplicitAny: test reads the parsed SARIF freely
const render = (): any => JSON.parse(renderSarif(variedInput(), { toolVersion: '1.2.3' }));

describe('SARIF report', () => {
  test('is valid SARIF 2.1.0 naming keelson as the tool', () => {
    const sarif = render();
    assertValidSarif(sarif);
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].tool.driver.name, 'keelson');
    assert.equal(sarif.runs[0].tool.driver.version, '1.2.3');
    assert.match(sarif.runs[0].tool.driver.informationUri, /^https:\/\//);
  });

  test('one rule per vulnerability with security-severity from CVSS or the level', () => {
    const { rules } = render().runs[0].tool.driver;
    assert.deepEqual(
      // biome-ignore lint/suspicious/noExplicitAny: parsed JSON
      rules.map((r: any) => r.id),
      ['CVE-2024-0001', 'CVE-2024-0002', 'CVE-2024-0003', 'CVE-2024-0004', 'CVE-2024-0005'],
    );
    assert.equal(rules[0].properties['security-severity'], '9.8');
    assert.equal(rules[0].helpUri, 'https://security.example.com/CVE-2024-0001');
    assert.match(rules[0].shortDescription.text, /Buffer overflow/);
    assert.equal(rules[1].properties['security-severity'], '5.5');
    assert.equal(rules[1].helpUri, undefined, 'a javascript: URL is not a helpUri');
    assert.equal(rules[3].properties['security-severity'], undefined, 'unknown severity has no number');
    assert.doesNotMatch(rules[0].help.markdown, /<script>/);
  });

  test('results: level, message, locations, fingerprints, suppressions', () => {
    const { results } = render().runs[0];
    assert.equal(results.length, 5);
    const [critical, evil, , vendor, vex] = results;
    assert.equal(critical.level, 'error');
    assert.equal(evil.level, 'warning');
    assert.match(critical.message.text, /openssl 3\.0\.1-r0 .*CVE-2024-0001.*fixed in 3\.0\.2-r0/);
    assert.equal(critical.locations[0].physicalLocation.artifactLocation.uri, 'lib/apk/db/installed');
    assert.equal(critical.locations[0].logicalLocations[0].name, 'layer 0 (sha256:aaaa)');
    assert.match(critical.partialFingerprints['keelsonFinding/v1'], /^[0-9a-f]{64}$/);
    assert.notEqual(
      critical.partialFingerprints['keelsonFinding/v1'],
      vendor.partialFingerprints['keelsonFinding/v1'],
    );
    assert.equal(critical.suppressions, undefined);
    assert.deepEqual(vendor.suppressions, [
      { kind: 'external', justification: 'alpine-secdb: not affected (secfixes "0")' },
    ]);
    assert.equal(vex.suppressions[0].kind, 'external');
    assert.ok(evil.message.text.includes(HOSTILE_NAME), 'JSON carries the name as data');
  });

  test('fingerprints are stable across renders', () => {
    assert.equal(renderSarif(variedInput(), {}), renderSarif(variedInput(), {}));
  });

  test('levels', () => {
    assert.deepEqual(
      (['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const).map(sarifLevel),
      ['error', 'error', 'warning', 'note', 'note', 'note'],
    );
  });
});
