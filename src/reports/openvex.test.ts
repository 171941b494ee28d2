import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { imagePurl } from './common.js';
import { openVexJustification, renderOpenVex } from './openvex.js';
import { testFinding, testInput, testPackage, variedInput } from './test-findings.js';
import { assertValidOpenVex } from './test-schemas.js';

const now = new Date('2026-01-02T03:04:05Z');
// biome-ignore lint/suspicious/noExplicitAny: test reads the parsed document freely
const render = (): any => JSON.parse(renderOpenVex(variedInput(), { toolVersion: '1.2.3', now }));

describe('OpenVEX report', () => {
  test('is a valid OpenVEX 0.2.0 document by keelson', () => {
    const doc = render();
    assertValidOpenVex(doc);
    assert.equal(doc['@context'], 'https://openvex.dev/ns/v0.2.0');
    assert.equal(doc.author, 'keelson');
    assert.equal(doc.timestamp, '2026-01-02T03:04:05Z');
    assert.match(
      doc['@id'],
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(doc['@id'], render()['@id'], 'deterministic for the same content and time');
  });

  test('one statement per finding: affected with action, under_investigation, not_affected with why', () => {
    const [fixable, evil, investigating, vendor, vex] = render().statements;
    assert.deepEqual(fixable.products, [
      {
        '@id': 'pkg:oci/app@sha256%3Acafe?repository_url=registry.example.com%2Fteam%2Fapp&tag=1.0',
        subcomponents: [{ '@id': 'pkg:apk/alpine/openssl@3.0.1-r0?arch=x86_64' }],
      },
    ]);
    assert.equal(fixable.status, 'affected');
    assert.equal(fixable.action_statement, 'Update openssl to 3.0.2-r0');
    assert.deepEqual(fixable.vulnerability, { name: 'CVE-2024-0001', aliases: ['GHSA-xxxx-yyyy-zzzz'] });
    assert.match(evil.action_statement, /No fixed version/);
    assert.equal(investigating.status, 'under_investigation');
    assert.equal(vendor.status, 'not_affected');
    assert.match(vendor.impact_statement, /secfixes/);
    assert.equal(vex.status, 'not_affected');
    assert.equal(vex.justification, 'vulnerable_code_not_present');
    assert.equal(vex.impact_statement, 'inflate is not built');
  });

  test('ignore rules make no statement; the image purl falls back to the tag and file name', () => {
    const pkg = testPackage('busybox', '1.0-r0');
    const input = testInput(
      [pkg],
      [
        testFinding(pkg, 'CVE-1', { suppressed: { kind: 'ignore-rule', detail: 'accepted risk' } }),
        testFinding(pkg, 'CVE-2', {
          vex: { status: 'fixed', origin: 'v.json' },
          suppressed: { kind: 'vex', detail: 'fixed', status: 'fixed' },
        }),
      ],
      { target: '/tmp/my image.tar' },
    );
    const doc = JSON.parse(renderOpenVex(input, { now }));
    assertValidOpenVex(doc);
    assert.deepEqual(
      doc.statements.map((s: { status: string }) => s.status),
      ['fixed'],
    );
    assert.equal(imagePurl(input.result), 'pkg:oci/my%20image');
    assert.equal(
      imagePurl({ ...input.result, image: { target: 'x', reference: 'alpine:3.10' } }),
      'pkg:oci/alpine?tag=3.10',
    );
  });

  test('justification mapping', () => {
    assert.equal(openVexJustification('code_not_reachable'), 'vulnerable_code_not_in_execute_path');
    assert.equal(openVexJustification('component_not_present'), 'component_not_present');
    assert.equal(openVexJustification('whatever'), undefined);
  });
});
